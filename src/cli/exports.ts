/**
 * `loaban` export reports, export summary: the figures the Women's Union reports upward.
 */
import { writeFileSync } from 'node:fs';
import type { Period } from '../features/reporting/index.ts';
import type { Db } from '../core/store/store.ts';
import { OperatorError, environment, withStore, action, notFound } from './common.ts';
import type { Command } from 'commander';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../content/folder.ts'), import('../features/faq/index.ts'), import('../features/reporting/index.ts'), import('../features/groups/index.ts'), import('../core/glossary.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../content/folder.ts') & typeof import('../features/faq/index.ts') & typeof import('../features/reporting/index.ts') & typeof import('../features/groups/index.ts') & typeof import('../core/glossary.ts');
};

/** The area an operator named by number or by name, matched as the chat commands match names. */
async function namedArea(db: Db, t: Parameters<typeof notFound>[0], idOrName: string) {
  const { findArea, AreaNotFound } = await load();
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
        const { checkContentDir, loadFaq, exportRows, toCsv, toXlsx, readFormats, formatQuarter, parseQuarter } = await load();
        const { config, log, t } = await environment();
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
        const { localDateOf, parseQuarter, buildSummary, parsePeriod, summaryCsv, summaryXlsx, periodName } = await load();
        const { config, log, t } = await environment();
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
