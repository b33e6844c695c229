/**
 * Compliance with "each group holds at least one communication session per quarter": per group
 * and quarter, reported (a session of the quarter reported by the quarter's last day), late
 * (reported only after it), missing, or untracked (the quarter ended before the group was added
 * to Loa Bản, so nothing could be reported through it). The share of groups meeting the rule
 * counts reported and late alike: the session was held; "late" is about the paperwork.
 */
import type { Db } from '../../core/store/store.ts';
import { compareDates, formatQuarter, localDateOf, quarterEnd, quarterOf, quartersBack, type LocalDate, type Quarter } from './quarter.ts';
import { areasWhere, type AdminScope } from '../groups/index.ts';

export type QuarterStatus = 'reported' | 'late' | 'missing' | 'untracked';

/**
 * A group's status for quarter `q`, from the local dates its reports of `q` were made on and the
 * date the group was added. In the quarter still running, "missing" means "not yet".
 */
export function quarterStatus(q: Quarter, reportedOn: readonly LocalDate[], groupAddedOn: LocalDate): QuarterStatus {
  const end = quarterEnd(q);
  if (reportedOn.length > 0) return reportedOn.some((d) => compareDates(d, end) <= 0) ? 'reported' : 'late';
  return compareDates(groupAddedOn, end) > 0 ? 'untracked' : 'missing';
}

export interface QuarterShare {
  quarter: Quarter;
  /** Groups with at least one session held in the quarter (reported on time or late). */
  met: number;
  /** Groups the quarter counts for (all but the untracked). */
  counted: number;
}

/** Per quarter (column), how many of the groups met the rule; `statuses[g][q]`. */
export function sharesOf(quarters: readonly Quarter[], statuses: readonly (readonly QuarterStatus[])[]): QuarterShare[] {
  return quarters.map((quarter, i) => {
    const column = statuses.map((row) => row[i]!);
    return {
      quarter,
      met: column.filter((s) => s === 'reported' || s === 'late').length,
      counted: column.filter((s) => s !== 'untracked').length,
    };
  });
}

/** The last `count` quarters up to the one `today` is in, oldest first. */
export function lastQuarters(today: LocalDate, count = 4): Quarter[] {
  return quartersBack(quarterOf(today), count - 1).reverse();
}

export interface ComplianceRow {
  group: { id: number; name: string; areaName: string };
  statuses: QuarterStatus[];
}

export interface ComplianceTable {
  quarters: Quarter[];
  rows: ComplianceRow[];
  shares: QuarterShare[];
}

/**
 * The groups inside `scope` (and under `areaPath` when given) × the last four quarters. The caller
 * checks that the area is inside the scope; this only narrows.
 */
export async function complianceTable(db: Db, scope: AdminScope, options: { areaPath?: string; now: Date; timeZone: string }): Promise<ComplianceTable> {
  const today = localDateOf(options.now, options.timeZone);
  const quarters = lastQuarters(today);
  const groups = await db.communicationGroup.findMany({
    where: { area: { AND: [areasWhere(scope.grants), ...(options.areaPath ? [{ path: { startsWith: options.areaPath } }] : [])] } },
    select: { id: true, name: true, createdAt: true, area: { select: { name: true, path: true } } },
    orderBy: [{ area: { path: 'asc' } }, { name: 'asc' }],
  });
  const reports = await db.sessionReport.findMany({
    where: { groupId: { in: groups.map((g) => g.id) }, quarter: { in: quarters.map(formatQuarter) } },
    select: { groupId: true, quarter: true, createdAt: true },
  });
  const reportedOn = new Map<string, LocalDate[]>();
  for (const r of reports) {
    const key = `${r.groupId}:${r.quarter}`;
    reportedOn.set(key, [...(reportedOn.get(key) ?? []), localDateOf(r.createdAt, options.timeZone)]);
  }
  const rows = groups.map((g) => ({
    group: { id: g.id, name: g.name, areaName: g.area.name },
    statuses: quarters.map((q) => quarterStatus(q, reportedOn.get(`${g.id}:${formatQuarter(q)}`) ?? [], localDateOf(g.createdAt, options.timeZone))),
  }));
  return { quarters, rows, shares: sharesOf(quarters, rows.map((r) => r.statuses)) };
}

/** The areas an admin can filter the compliance table by: those inside the scope with areas or groups below them, tree order. */
export async function filterAreas(db: Db, scope: AdminScope) {
  const areas = await db.area.findMany({
    where: { AND: [areasWhere(scope.grants), { OR: [{ children: { some: {} } }, { groups: { some: {} } }] }] },
    select: { id: true, name: true, path: true, _count: { select: { children: true } } },
    orderBy: { path: 'asc' },
  });
  // A village holding one group is no use as a filter; areas with sub-areas are.
  const shown = areas.filter((a) => a._count.children > 0 || scope.grants.some((g) => g.areaId === a.id));
  const top = Math.min(...shown.map((a) => a.path.split('/').length));
  return shown.map((a) => ({ id: a.id, name: a.name, path: a.path, depth: a.path.split('/').length - top }));
}
