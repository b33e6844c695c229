/**
 * `loaban` export reports, export summary: the figures the Women's Union reports upward.
 */
import { writeFileSync } from 'node:fs';
import { checkContentDir } from '../content/folder.ts';
import { loadFaq } from '../features/faq/index.ts';
import { exportRows, toCsv, toXlsx, readFormats, formatQuarter, localDateOf, parseQuarter, buildSummary, parsePeriod, summaryCsv, summaryXlsx, type Period } from '../features/reporting/index.ts';
import { areaById } from '../features/groups/index.ts';
import { periodName } from '../core/glossary.ts';
import { OperatorError, environment, withStore, action } from './common.ts';
import type { Command } from 'commander';

/** Adds the commands to `program`. */
export function exportsCommands(program: Command): void {
  const exportCommand = program.command('export').description('export data for reporting upward');

  exportCommand
    .command('reports')
    .description('the session reports of a quarter, one row per report (CSV to standard output when no --out)')
    .requiredOption('--quarter <quarter>', 'e.g. 2026Q4')
    .option('--area <id>', 'only groups under this area (a province, commune …)')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .option('--out <file>', 'write to this file')
    .action(
      action(async (options: { quarter: string; area?: string; format: string; out?: string }) => {
        const { config, log, t } = environment();
        const quarter = parseQuarter(options.quarter);
        if (!quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
        if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
        if (options.area !== undefined && !/^\d+$/.test(options.area)) throw new OperatorError(t('ops:export.badArea', { value: options.area }));
        if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
        checkContentDir(config);
        const faq = loadFaq(config.contentDir);
        await withStore(config, log, async (store) => {
          const areaId = options.area === undefined ? undefined : Number(options.area);
          if (areaId !== undefined && !(await areaById(store.prisma, areaId))) {
            throw new OperatorError(t('ops:export.noArea', { value: options.area }));
          }
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
    .description('the summary of a quarter or a year under an area: per area below it, a total and per group, by sex and ethnic-minority status')
    .option('--quarter <quarter>', 'e.g. 2026Q4')
    .option('--year <year>', 'e.g. 2026: the four quarters summed')
    .requiredOption('--area <id>', 'the area summed (a province, commune …): one row per area directly below it')
    .option('--format <format>', 'csv or xlsx', 'csv')
    .option('--out <file>', 'write to this file')
    .action(
      action(async (options: { quarter?: string; year?: string; area: string; format: string; out?: string }) => {
        const { config, log, t } = environment();
        if ((options.quarter === undefined) === (options.year === undefined)) throw new OperatorError(t('ops:export.quarterOrYear'));
        const quarter = options.quarter === undefined ? null : parseQuarter(options.quarter);
        if (options.quarter !== undefined && !quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
        const year = options.year === undefined ? null : parsePeriod(options.year.trim());
        if (options.year !== undefined && year?.kind !== 'year') throw new OperatorError(t('ops:export.badYear', { value: options.year }));
        if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
        if (!/^\d+$/.test(options.area)) throw new OperatorError(t('ops:export.badArea', { value: options.area }));
        if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
        const period: Period = quarter ? { kind: 'quarter', quarter } : year!;
        await withStore(config, log, async (store) => {
          const areaId = Number(options.area);
          if (!(await areaById(store.prisma, areaId))) throw new OperatorError(t('ops:export.noArea', { value: options.area }));
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
