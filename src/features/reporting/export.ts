/**
 * The quarterly figures the Women's Union sends upward: one row per confirmed session report of a
 * quarter (optionally under one area), as CSV (csv-stringify) or an Excel workbook (exceljs).
 */
import type { stringify as Stringify } from 'csv-stringify/sync';
import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import { subtreeIds } from '../groups/index.ts';
import { onFirstUse } from '../../core/first-use.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Db } from '../../core/store/store.ts';
import type { Format } from './parse.ts';
import { formatDate, fromUtcDate } from './quarter.ts';

export interface ExportRow {
  id: number;
  group: string;
  areaPath: string;
  /** dd/mm/yyyy, as people write it (the CSV's cell). */
  heldOn: string;
  /** The same day as a date (UTC midnight), for a spreadsheet's date cell. */
  heldOnDate: Date;
  format: string;
  topics: string;
  participantsTotal: number;
  participantsWomen: number;
  participantsEthnicMinority: number;
  place: string;
  notes: string;
}

/** Reports read per query by exportRows. */
const exportPageSize = 2000;

const columns = ['id', 'group', 'areaPath', 'heldOn', 'format', 'topics', 'participantsTotal', 'participantsWomen', 'participantsEthnicMinority', 'place', 'notes'] as const;

/** The rows of `quarter` ("2026Q4", or several quarters: a year), under `areaId` when given, by area then date. */
export async function exportRows(
  db: Db,
  { quarter, areaId, formats, topics }: { quarter: string | readonly string[]; areaId?: number; formats: Format[]; topics: Array<{ id: string; label: string }> },
): Promise<ExportRow[]> {
  const areaIds = areaId === undefined ? undefined : await subtreeIds(db, areaId);
  const where = { quarter: typeof quarter === 'string' ? quarter : { in: [...quarter] }, ...(areaIds ? { group: { areaId: { in: areaIds } } } : {}) };
  const areas = await db.area.findMany({ select: { id: true, name: true } });
  // Read in pages, handing the event loop back between them: on embedded PGlite a query runs on the
  // event loop (its promises settle without a macrotask), and one of 50 000 rows would stall the server for seconds.
  const reports = [];
  for (let after = 0; ; ) {
    const page = await db.sessionReport.findMany({
      where: { ...where, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: exportPageSize,
      include: { group: { include: { area: { select: { path: true } } } } },
    });
    reports.push(...page);
    if (page.length < exportPageSize) break;
    after = page.at(-1)!.id;
    await new Promise((resolve) => setImmediate(resolve)); // let waiting requests in between pages
  }
  const names = new Map(areas.map((a) => [a.id, a.name]));
  const pathOf = (path: string) => path.split('/').filter(Boolean).map((id) => names.get(Number(id)) ?? '?').join(' › ');
  const label = (list: Array<{ id: string; label: string }>, id: string) => list.find((x) => x.id === id)?.label ?? id;
  return reports
    .map((r) => ({
      id: r.id,
      group: r.group.name,
      areaPath: pathOf(r.group.area.path),
      heldOn: formatDate(fromUtcDate(r.heldOn)),
      heldOnDate: r.heldOn,
      sortDate: r.heldOn.getTime(),
      format: label(formats, r.format),
      topics: r.topics.map((id) => label(topics, id)).join('; '),
      participantsTotal: r.participantsTotal,
      participantsWomen: r.participantsWomen,
      participantsEthnicMinority: r.participantsEthnicMinority,
      place: r.place,
      notes: r.notes ?? '',
    }))
    .sort((a, b) => a.areaPath.localeCompare(b.areaPath, 'vi') || a.sortDate - b.sortDate || a.id - b.id)
    .map(({ sortDate: _, ...row }) => row);
}

/** How many rows an export under the area at `areaPath` would have: its reports of `quarters`, or (a summary) its groups. */
export async function exportSize(db: Db, kind: 'reports' | 'summary', areaPath: string, quarters: readonly string[]): Promise<number> {
  const under = { area: { path: { startsWith: areaPath } } };
  return kind === 'reports' ? db.sessionReport.count({ where: { quarter: { in: [...quarters] }, group: under } }) : db.communicationGroup.count({ where: under });
}

const headers = (t: Translate) => columns.map((c) => t(`ops:export.column.${c}`));

/**
 * A CSV text cell a spreadsheet could run as a formula is neutralised: an apostrophe goes before
 * "=", "+", "-", "@" (and tab or carriage return) at its start and after any character a
 * spreadsheet may split cells on (",", ";", tab, "|") — a spreadsheet set to ";" would otherwise
 * read "x;=cmd|' /C calc'!A0" as a second cell that runs. XLSX needs none of this: exceljs writes text as text cells ("- 3 người vắng" stays as typed).
 */
export function safeCell(value: string | number): string | number {
  return typeof value === 'string' ? value.replace(/(^|[,;\t|])(\s*)(?=[=+\-@\t\r])/g, "$1$2'") : value;
}

/** csv-stringify, loaded with the first CSV rather than at start (17 ms of it). */
const csv = onFirstUse<{ stringify: typeof Stringify }>('csv-stringify/sync');

/** CSV text of `rows` (the first one the header), every cell made safe, with a byte-order mark so that Excel opens the Vietnamese text as UTF-8. */
export function csvWithBom(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return `\uFEFF${csv().stringify(rows.map((r) => r.map(safeCell)))}`;
}

/** Widths that fit each column's longest text (10 to 60 characters); no spreading of big arrays into Math.max. */
export function fitColumns(sheet: ExcelJS.Worksheet, rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((v, i) => (widths[i] = Math.max(widths[i] ?? 10, Math.min(60, String(v).length + 2))));
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
}

export function toCsv(t: Translate, rows: ExportRow[]): string {
  return csvWithBom([headers(t), ...rows.map((r) => columns.map((c) => r[c]))]);
}

/**
 * The rows as an Excel workbook: one sheet named `sheetName`, bold frozen header, figures as
 * numbers, the session's date a date cell shown dd/mm/yyyy (Excel sorts and filters it as a date). Written with exceljs's streaming writer, row by row, handing the event loop back every
 * few hundred rows: a 50 000-row file neither holds the whole sheet model in memory nor stalls
 * the web server while it is built.
 */
export async function toXlsx(t: Translate, rows: ExportRow[], sheetName: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  // exceljs (a large module) loads with the first spreadsheet asked for, not at start.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = headers(t);
  fitColumns(sheet, [head, ...rows.map((r) => columns.map((c) => r[c]))]);
  const header = sheet.addRow(head);
  header.font = { bold: true };
  header.commit();
  const dateColumn = columns.indexOf('heldOn') + 1;
  for (let i = 0; i < rows.length; i++) {
    const row = sheet.addRow(columns.map((c) => (c === 'heldOn' ? rows[i]!.heldOnDate : rows[i]![c])));
    row.getCell(dateColumn).numFmt = 'dd/mm/yyyy';
    row.commit();
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
