/**
 * The summary the Women's Union sends upward for a quarter or a year: per area (the chosen area's
 * direct children, then a total for the area) and per village group, how many groups held at least
 * one session, how many sessions, and the participants, kept separate by sex and by
 * ethnic-minority status. Pure data from the database, and its CSV and Excel forms.
 */
import type { Translate } from '../../core/i18n.ts';
import type { Db } from '../../core/store/store.ts';
import { csvWithBom, fitColumns } from './export.ts';
import { compareDates, formatQuarter, localDateOf, quarterEnd, quarterStart, type LocalDate, type Quarter } from './quarter.ts';

/** What an export covers: one quarter, or a whole calendar year (its four quarters). */
export type Period = { kind: 'quarter'; quarter: Quarter } | { kind: 'year'; year: number };

/** Reads "2026Q4" or "2026" (years 2000–2999); null for anything else. */
export function parsePeriod(text: string): Period | null {
  const m = /^(2\d{3})(?:Q([1-4]))?$/.exec(text.trim());
  if (!m) return null;
  const year = Number(m[1]);
  return m[2] ? { kind: 'quarter', quarter: { year, quarter: Number(m[2]) as Quarter['quarter'] } } : { kind: 'year', year };
}

/** "2026Q4" or "2026": the form used in links and file names. */
export function formatPeriod(p: Period): string {
  return p.kind === 'quarter' ? formatQuarter(p.quarter) : String(p.year);
}

/** The quarters of `p`, oldest first. */
export function periodQuarters(p: Period): Quarter[] {
  return p.kind === 'quarter' ? [p.quarter] : ([1, 2, 3, 4] as const).map((quarter) => ({ year: p.year, quarter }));
}

/**
 * The reports a commune sends upward each year. Project 8 (plan 003, "Tổ chức thực hiện" 7):
 * progress before 5 September, the year's figures before 20 January next year. Gender equality
 * (plan 002 §IV.13): the six-month report before 5 June, the year's before 15 December (plan 004
 * §IV asks the province's departments and districts for 10 June and 10 December).
 */
export type DeadlineKind = 'progress' | 'fullYear' | 'genderHalfYear' | 'genderFullYear';

export interface Deadline {
  kind: DeadlineKind;
  /** The year the report is about. */
  year: number;
  /** The day the report must reach the level above before. */
  before: LocalDate;
}

/** The reports upward whose day is still ahead of `today` (this year's, and last year's Project 8 figures in January), soonest first. */
export function reportingDeadlines(today: LocalDate): Deadline[] {
  const y = today.year;
  const all: Deadline[] = [
    { kind: 'fullYear', year: y - 1, before: { year: y, month: 1, day: 20 } },
    { kind: 'genderHalfYear', year: y, before: { year: y, month: 6, day: 5 } },
    { kind: 'progress', year: y, before: { year: y, month: 9, day: 5 } },
    { kind: 'genderFullYear', year: y, before: { year: y, month: 12, day: 15 } },
    { kind: 'fullYear', year: y, before: { year: y + 1, month: 1, day: 20 } },
  ];
  return all.filter((d) => compareDates(d.before, today) > 0);
}

/** The figures of one line of the summary: an area, the total, or one group. */
export interface SummaryFigures {
  groups: number;
  /** Groups with at least one session held in the period. */
  activeGroups: number;
  /** Year only: groups with a session in every quarter of the year begun by today. */
  everyQuarterGroups: number;
  sessions: number;
  participants: number;
  women: number;
  ethnicMinority: number;
}

export interface SummaryLine extends SummaryFigures {
  name: string;
}

export interface Summary {
  period: Period;
  area: { id: number; code: string; name: string };
  /** Year only: the quarters "every quarter" is counted over (those begun by today). */
  quartersCounted: Quarter[];
  /** One per direct child area of the chosen area (the area itself when it has none, or for groups placed right on it). */
  areas: SummaryLine[];
  total: SummaryLine;
  /** One per group under the area, in tree order. */
  groups: Array<SummaryLine & { areaName: string }>;
}

const zero = (): SummaryFigures => ({ groups: 0, activeGroups: 0, everyQuarterGroups: 0, sessions: 0, participants: 0, women: 0, ethnicMinority: 0 });

function add(into: SummaryFigures, from: SummaryFigures): void {
  for (const key of Object.keys(zero()) as Array<keyof SummaryFigures>) into[key] += from[key];
}

/** Tree order by ids along the path ("/1/9/" before "/1/17/"), which text order of paths is not. */
function comparePaths(a: string, b: string): number {
  const x = a.split('/').filter(Boolean).map(Number);
  const y = b.split('/').filter(Boolean).map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * The summary of `period` under `areaId` (which must exist; the caller checks the scope).
 * `today` decides which quarters of a running year count for "every quarter".
 */
export async function buildSummary(db: Db, { areaId, period, today, timeZone }: { areaId: number; period: Period; today: LocalDate; timeZone: string }): Promise<Summary> {
  const root = await db.area.findUniqueOrThrow({ where: { id: areaId }, select: { id: true, code: true, name: true, path: true } });
  const quarters = periodQuarters(period);
  const names = quarters.map(formatQuarter);
  const begun = quarters.filter((q) => compareDates(quarterStart(q), today) <= 0).map(formatQuarter);
  const [children, groups, sums] = await Promise.all([
    db.area.findMany({ where: { parentId: root.id }, select: { id: true, name: true, path: true }, orderBy: { id: 'asc' } }),
    db.communicationGroup
      .findMany({ where: { area: { path: { startsWith: root.path } } }, select: { id: true, name: true, createdAt: true, area: { select: { name: true, path: true } } } })
      .then((list) => list.sort((a, b) => comparePaths(a.area.path, b.area.path) || a.name.localeCompare(b.name, 'vi'))),
    db.sessionReport.groupBy({
      by: ['groupId', 'quarter'],
      where: { quarter: { in: names }, group: { area: { path: { startsWith: root.path } } } },
      _count: { _all: true },
      _sum: { participantsTotal: true, participantsWomen: true, participantsEthnicMinority: true },
    }),
  ]);
  const byGroup = new Map<number, typeof sums>();
  for (const s of sums) byGroup.set(s.groupId, [...(byGroup.get(s.groupId) ?? []), s]);

  const groupLines = groups.map((g) => {
    const rows = byGroup.get(g.id) ?? [];
    // As on the compliance page, a quarter that ended before the group was added is not held against it:
    // a group added after the period (and without its reports) is not counted at all.
    const addedOn = localDateOf(g.createdAt, timeZone);
    const tracked = (q: Quarter) => compareDates(addedOn, quarterEnd(q)) <= 0;
    const line = { name: g.name, areaName: g.area.name, path: g.area.path, ...zero(), groups: rows.length > 0 || quarters.some(tracked) ? 1 : 0 };
    for (const r of rows) {
      line.sessions += r._count._all;
      line.participants += r._sum.participantsTotal ?? 0;
      line.women += r._sum.participantsWomen ?? 0;
      line.ethnicMinority += r._sum.participantsEthnicMinority ?? 0;
    }
    line.activeGroups = rows.length > 0 ? 1 : 0;
    const held = new Set(rows.map((r) => r.quarter));
    const owed = quarters.filter((q) => begun.includes(formatQuarter(q)) && tracked(q)).map(formatQuarter);
    line.everyQuarterGroups = period.kind === 'year' && owed.length > 0 && owed.every((q) => held.has(q)) ? 1 : 0;
    return line;
  });

  // Each group counts towards the direct child its area lies under, or the chosen area itself.
  const areaLines = new Map<string, SummaryLine>(children.map((c) => [c.path, { name: c.name, ...zero() }]));
  const onRoot: SummaryLine = { name: root.name, ...zero() };
  const total: SummaryLine = { name: root.name, ...zero() };
  for (const g of groupLines) {
    const child = children.find((c) => g.path.startsWith(c.path));
    add(child ? areaLines.get(child.path)! : onRoot, g);
    add(total, g);
  }
  const areas = [...areaLines.values(), ...(children.length === 0 || onRoot.groups > 0 ? [onRoot] : [])];
  return {
    period,
    area: { id: root.id, code: root.code, name: root.name },
    quartersCounted: period.kind === 'year' ? quarters.filter((q) => begun.includes(formatQuarter(q))) : [],
    areas,
    total,
    groups: groupLines.map(({ path: _, ...line }) => line),
  };
}

/** The share of groups with a session, in percent with one decimal (0 when there are no groups). */
export const activeShare = (f: SummaryFigures) => (f.groups === 0 ? 0 : Math.round((f.activeGroups / f.groups) * 1000) / 10);

type Column = { key: string; value: (line: SummaryLine) => number };

/** The figure columns, in order; "every quarter" only for a year. */
function figureColumns(period: Period): Column[] {
  return [
    { key: 'groups', value: (l) => l.groups },
    { key: 'activeGroups', value: (l) => l.activeGroups },
    { key: 'activeShare', value: activeShare },
    ...(period.kind === 'year' ? [{ key: 'everyQuarterGroups', value: (l: SummaryLine) => l.everyQuarterGroups }] : []),
    { key: 'sessions', value: (l) => l.sessions },
    { key: 'participants', value: (l) => l.participants },
    { key: 'women', value: (l) => l.women },
    { key: 'men', value: (l) => l.participants - l.women },
    { key: 'ethnicMinority', value: (l) => l.ethnicMinority },
    { key: 'nonEthnicMinority', value: (l) => l.participants - l.ethnicMinority },
  ];
}

/** "Quý 4/2026" or "Năm 2026". */
export function periodLabel(t: Translate, p: Period): string {
  return p.kind === 'quarter' ? t('admin:exports.quarterLabel', { quarter: p.quarter.quarter, year: p.quarter.year }) : t('admin:exports.yearLabel', { year: p.year });
}

const header = (t: Translate, period: Period, first: string) => [t(first), ...figureColumns(period).map((c) => t(`admin:exports.column.${c.key}`))];
const line = (period: Period, name: string, l: SummaryLine) => [name, ...figureColumns(period).map((c) => c.value(l))];

/** The rows of the summary as one table: a kind column (area, total, group), the name, then the figures. */
function tableRows(t: Translate, s: Summary): Array<Array<string | number>> {
  const kind = (k: string) => t(`admin:exports.rowKind.${k}`);
  return [
    [t('admin:exports.column.kind'), ...header(t, s.period, 'admin:exports.column.area')],
    ...s.areas.map((a) => [kind('area'), ...line(s.period, a.name, a)]),
    [kind('total'), ...line(s.period, s.total.name, s.total)],
    ...s.groups.map((g) => [kind('group'), ...line(s.period, `${g.name} (${g.areaName})`, g)]),
  ];
}

/** The summary as CSV: one table (kind, name, figures), a byte-order mark, formula-safe cells. */
export function summaryCsv(t: Translate, s: Summary): string {
  return csvWithBom(tableRows(t, s));
}

/** The title row of each sheet: area, period, and that figures are kept separate by sex and ethnic-minority status. */
export function summaryTitle(t: Translate, s: Summary): string {
  return t('admin:exports.sheetTitle', { area: s.area.name, period: periodLabel(t, s.period) });
}

/**
 * The summary as an Excel workbook: a sheet per area (with the total) and a sheet per group. Each
 * has a title row, a bold header row frozen below it, and the figures as numbers.
 */
export async function summaryXlsx(t: Translate, s: Summary): Promise<Buffer> {
  const { default: Excel } = await import('exceljs'); // loaded with the first spreadsheet, not at start
  const workbook = new Excel.Workbook();
  const sheet = (name: string, first: string, lines: Array<Array<string | number>>, boldLast: boolean) => {
    const ws = workbook.addWorksheet(name);
    ws.addRow([summaryTitle(t, s)]).font = { bold: true, size: 13 };
    const head = header(t, s.period, first);
    ws.addRow(head).font = { bold: true };
    for (const l of lines) ws.addRow(l);
    if (boldLast) ws.lastRow!.font = { bold: true };
    fitColumns(ws, [head, ...lines]);
    ws.views = [{ state: 'frozen', ySplit: 2 }];
  };
  sheet(t('admin:exports.sheet.areas'), 'admin:exports.column.area', [...s.areas.map((a) => line(s.period, a.name, a)), line(s.period, t('admin:exports.totalOf', { area: s.total.name }), s.total)], true);
  sheet(
    t('admin:exports.sheet.groups'),
    'admin:exports.column.group',
    s.groups.map((g) => line(s.period, `${g.name} (${g.areaName})`, g)),
    false,
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
