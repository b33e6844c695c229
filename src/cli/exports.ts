/**
 * `loaban` export reports, export summary: the figures the Women's Union reports upward.
 */
import { writeFileSync } from 'node:fs';
import { checkContentDir } from '../content/folder.ts';
import { loadFaq } from '../features/faq/index.ts';
import { exportRows, toCsv, toXlsx, readFormats, formatQuarter, localDateOf, parseQuarter, buildSummary, parsePeriod, summaryCsv, summaryXlsx, type Period } from '../features/reporting/index.ts';
import { AreaNotFound, findArea } from '../features/groups/index.ts';
import type { Db } from '../core/store/store.ts';
import { OperatorError, environment, withStore, action, notFound } from './common.ts';
import { periodName } from '../core/glossary.ts';
import type { Command } from 'commander';

/** The area an operator named by number or by name, matched as the chat commands match names. */
function namedArea(db: Db, t: Parameters<typeof notFound>[0], idOrName: string) {
  return findArea(db, idOrName).catch((e: unknown) => Promise.reject(e instanceof AreaNotFound ? notFound(t, 'area', e) : e));
}

/** Adds the commands to `program`. */
export function exportsCommands(program: Command): void {
  const exportCommand = program.command('export');

  exportCommand
    .command('reports')
    .requiredOption('--quarter <quarter>')
    .option('--area <id or name>')
    .option('--format <format>', '', 'csv')
    .option('--out <file>')
    .action(
      action(async (options: { quarter: string; area?: string; format: string; out?: string }) => {
        const { config, log, t } = environment();
        const quarter = parseQuarter(options.quarter);
        if (!quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
        if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
        if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
        checkContentDir(config);
        const faq = loadFaq(config.contentDir);
        await withStore(config, log, async (store) => {
          const areaId = options.area === undefined ? undefined : (await namedArea(store.prisma, t, options.area)).id;
          const name = formatQuarter(quarter);
          const rows = await exportRows(store.prisma, { quarter: name, areaId, formats: readFormats(config.contentDir), topics: faq.knowledge.topics });
          const body = options.format === 'csv' ? toCsv(t, rows) : await toXlsx(t, rows, name);
          if (options.out) {
            writeFileSync(options.out, body);
            process.stderr.write(`${t('ops:export.written', { count: rows.length, ...quarter, file: options.out })}\n`);
          } else {
            process.stdout.write(body);
          }
        });
      }),
    );

  exportCommand
    .command('summary')
    .option('--quarter <quarter>')
    .option('--year <year>')
    .requiredOption('--area <id or name>')
    .option('--format <format>', '', 'csv')
    .option('--out <file>')
    .action(
      action(async (options: { quarter?: string; year?: string; area: string; format: string; out?: string }) => {
        const { config, log, t } = environment();
        if ((options.quarter === undefined) === (options.year === undefined)) throw new OperatorError(t('ops:export.quarterOrYear'));
        const quarter = options.quarter === undefined ? null : parseQuarter(options.quarter);
        if (options.quarter !== undefined && !quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
        const year = options.year === undefined ? null : parsePeriod(options.year.trim());
        if (options.year !== undefined && year?.kind !== 'year') throw new OperatorError(t('ops:export.badYear', { value: options.year }));
        if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
        if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
        const period: Period = quarter ? { kind: 'quarter', quarter } : year!;
        await withStore(config, log, async (store) => {
          const areaId = (await namedArea(store.prisma, t, options.area)).id;
          const summary = await buildSummary(store.prisma, { areaId, period, today: localDateOf(new Date(), config.timeZone), timeZone: config.timeZone });
          const body = options.format === 'csv' ? summaryCsv(t, summary) : await summaryXlsx(t, summary);
          if (options.out) {
            writeFileSync(options.out, body);
            process.stderr.write(`${t('ops:export.summaryWritten', { period: periodName(t, period), area: summary.area.name, groups: summary.total.groups, sessions: summary.total.sessions, file: options.out })}\n`);
          } else {
            process.stdout.write(body);
          }
        });
      }),
    );
}
