/**
 * The quarterly figures the Women's Union sends upward: one row per confirmed session report of a
 * quarter (optionally under one area), as CSV (csv-stringify) or an Excel workbook (exceljs).
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { subtreeIds } from '../groups/areas.ts';
import type { Translate } from '../i18n.ts';
import type { Db } from '../store/store.ts';
import type { Format } from './parse.ts';
import { formatDate, fromUtcDate } from './quarter.ts';

export interface ExportRow {
  id: number;
  group: string;
  areaPath: string;
  heldOn: string;
  format: string;
  topics: string;
  participantsTotal: number;
  participantsWomen: number;
  participantsEthnicMinority: number;
  place: string;
  notes: string;
}

const columns = ['id', 'group', 'areaPath', 'heldOn', 'format', 'topics', 'participantsTotal', 'participantsWomen', 'participantsEthnicMinority', 'place', 'notes'] as const;

/** The rows of `quarter` ("2026Q4"), under `areaId` when given, by area then date. */
export async function exportRows(
  db: Db,
  { quarter, areaId, formats, topics }: { quarter: string; areaId?: number; formats: Format[]; topics: Array<{ id: string; label: string }> },
): Promise<ExportRow[]> {
  const areaIds = areaId === undefined ? undefined : await subtreeIds(db, areaId);
  const [reports, areas] = await Promise.all([
    db.sessionReport.findMany({
      where: { quarter, ...(areaIds ? { group: { areaId: { in: areaIds } } } : {}) },
      include: { group: { include: { area: { select: { path: true } } } } },
    }),
    db.area.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map(areas.map((a) => [a.id, a.name]));
  const pathOf = (path: string) => path.split('/').filter(Boolean).map((id) => names.get(Number(id)) ?? '?').join(' › ');
  const label = (list: Array<{ id: string; label: string }>, id: string) => list.find((x) => x.id === id)?.label ?? id;
  return reports
    .map((r) => ({
      id: r.id,
      group: r.group.name,
      areaPath: pathOf(r.group.area.path),
      heldOn: formatDate(fromUtcDate(r.heldOn)),
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

const headers = (t: Translate) => columns.map((c) => t(`ops:export.column.${c}`));

/**
 * A text cell that a spreadsheet would run as a formula ("=…", "+…", "-…", "@…") is prefixed with
 * an apostrophe, so a note typed in a chat can never become a formula in someone's Excel.
 */
function safeCell(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsv(t: Translate, rows: ExportRow[]): string {
  // A byte-order mark so that Excel opens the Vietnamese text as UTF-8.
  return `\uFEFF${stringify([headers(t), ...rows.map((r) => columns.map((c) => safeCell(r[c])))])}`;
}

export async function toXlsx(t: Translate, rows: ExportRow[], quarter: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(quarter);
  sheet.addRow(headers(t)).font = { bold: true };
  for (const r of rows) sheet.addRow(columns.map((c) => safeCell(r[c])));
  sheet.columns.forEach((column, i) => {
    column.width = Math.min(60, Math.max(10, ...[headers(t)[i]!, ...rows.map((r) => String(r[columns[i]!]))].map((v) => v.length + 2)));
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
