/**
 * Session reports in the database: saving a confirmed report exactly once (its idempotency key is
 * the draft's), correcting one with an audit trail, reading a group's recent quarters, and the
 * reads behind the dashboard's report pages (a page of reports, one report, its corrections).
 */
import type { Db } from '../../core/store/store.ts';
import { areasWhere, type AdminScope } from '../groups/index.ts';
import { formatQuarter, fromUtcDate, quarterOf, quartersBack, toUtcDate, type LocalDate } from './quarter.ts';
import { reportsReceived } from '../../core/metrics.ts';

/** A report as confirmed by its leader. */
export interface ConfirmedReport {
  groupId: number;
  heldOn: LocalDate;
  format: string;
  topics: string[];
  participantsTotal: number;
  participantsWomen: number;
  participantsEthnicMinority: number;
  place: string;
  notes: string | null;
  photos: string[];
}

export const reportKey = (draftId: string) => `report:${draftId}`;

function columns(report: ConfirmedReport) {
  return {
    quarter: formatQuarter(quarterOf(report.heldOn)),
    heldOn: toUtcDate(report.heldOn),
    format: report.format,
    topics: report.topics,
    participantsTotal: report.participantsTotal,
    participantsWomen: report.participantsWomen,
    participantsEthnicMinority: report.participantsEthnicMinority,
    place: report.place,
    notes: report.notes,
    photos: report.photos,
  };
}

/** Stores a new report; false when one with this draft's key exists already (a double tap). */
export async function saveReport(db: Db, draftId: string, report: ConfirmedReport, by: { personId: number; actor: string; source: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.sessionReport.createMany({
      data: [{ ...columns(report), groupId: report.groupId, source: by.source, reportedById: by.personId, idempotencyKey: reportKey(draftId) }],
      skipDuplicates: true,
    });
    if (count === 0) return false;
    const saved = await tx.sessionReport.findUniqueOrThrow({ where: { idempotencyKey: reportKey(draftId) }, include: { group: { select: { areaId: true } } } });
    await tx.auditLog.create({
      data: { actorId: by.personId, actor: by.actor, action: 'report.create', entity: 'SessionReport', entityId: String(saved.id), areaId: saved.group.areaId, after: columnsJson(report) },
    });
    return true;
  }).then((stored) => {
    if (stored) reportsReceived.inc({ source: by.source });
    return stored;
  });
}

/** Corrects a report; the audit log keeps who changed what (before and after) and when. */
export async function correctReport(db: Db, reportId: number, report: ConfirmedReport, by: { personId: number; actor: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const before = await tx.sessionReport.findUnique({ where: { id: reportId }, include: { group: { select: { areaId: true } } } });
    if (!before) return false;
    await tx.sessionReport.update({ where: { id: reportId }, data: columns(report) });
    // Only the report's own fields: not the row's bookkeeping (ids, keys, timestamps, the group).
    const was: ConfirmedReport = {
      groupId: before.groupId,
      heldOn: fromUtcDate(before.heldOn),
      format: before.format,
      topics: before.topics,
      participantsTotal: before.participantsTotal,
      participantsWomen: before.participantsWomen,
      participantsEthnicMinority: before.participantsEthnicMinority,
      place: before.place,
      notes: before.notes,
      photos: before.photos,
    };
    await tx.auditLog.create({
      data: {
        actorId: by.personId,
        actor: by.actor,
        action: 'report.correct',
        entity: 'SessionReport',
        entityId: String(reportId),
        areaId: before.group.areaId,
        before: columnsJson(was),
        after: columnsJson(report),
      },
    });
    return true;
  });
}

function columnsJson(report: ConfirmedReport) {
  const { heldOn, ...rest } = report;
  return { ...rest, heldOn: `${heldOn.year}-${String(heldOn.month).padStart(2, '0')}-${String(heldOn.day).padStart(2, '0')}` };
}

/** The group's reports of `quarter` and the `back` quarters before it, newest quarter first. */
export async function recentReports(db: Db, groupId: number, today: LocalDate, back = 4) {
  const quarters = quartersBack(quarterOf(today), back).map(formatQuarter);
  const rows = await db.sessionReport.findMany({ where: { groupId, quarter: { in: quarters } }, orderBy: [{ heldOn: 'asc' }, { id: 'asc' }] });
  return quarters.map((quarter) => ({ quarter, reports: rows.filter((r) => r.quarter === quarter) }));
}

/** The report a draft was confirmed into (its key is the draft's), or null. */
export async function reportByDraft(db: Db, draftId: string) {
  return db.sessionReport.findUnique({ where: { idempotencyKey: reportKey(draftId) } });
}

/** One report with its group, or null. */
export async function reportWithGroup(db: Db, reportId: number) {
  return db.sessionReport.findUnique({ where: { id: reportId }, include: { group: true } });
}

/** Which reports the dashboard lists: a quarter ("2026Q1"), within the admin's grants, and under one area's path when given. */
export interface ReportFilter {
  quarter: string;
  grants: AdminScope['grants'];
  underPath: string | null;
}

/** Page `page` (from 1) of the filtered reports, newest session first, with group and area names; and how many there are in all. */
export async function reportsPage(db: Db, filter: ReportFilter, page: number, pageSize: number) {
  const where = {
    quarter: filter.quarter,
    group: { area: { AND: [areasWhere(filter.grants), ...(filter.underPath !== null ? [{ path: { startsWith: filter.underPath } }] : [])] } },
  };
  const [total, rows] = await Promise.all([
    db.sessionReport.count({ where }),
    db.sessionReport.findMany({
      where,
      orderBy: [{ heldOn: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { group: { select: { name: true, area: { select: { name: true } } } } },
    }),
  ]);
  return { total, rows };
}

/** The ids among `reportIds` of the reports corrected at least once. */
export async function correctedReports(db: Db, reportIds: readonly number[]): Promise<Set<number>> {
  const entries = await db.auditLog.findMany({
    where: { action: 'report.correct', entity: 'SessionReport', entityId: { in: reportIds.map(String) } },
    select: { entityId: true },
    distinct: ['entityId'],
  });
  return new Set(entries.map((a) => Number(a.entityId)));
}

/** One report as the dashboard shows it: with its group's name and area, and who reported it; or null. */
export async function reportDetail(db: Db, reportId: number) {
  return db.sessionReport.findUnique({ where: { id: reportId }, include: { group: { select: { name: true, areaId: true } }, reportedBy: { select: { displayName: true, platform: true } } } });
}

/** A report's corrections (its `report.correct` audit entries), newest first, each with its corrector's name when known. */
export async function correctionsOf(db: Db, reportId: number) {
  const corrections = await db.auditLog.findMany({ where: { action: 'report.correct', entity: 'SessionReport', entityId: String(reportId) }, orderBy: [{ at: 'desc' }, { id: 'desc' }] });
  const correctors = await db.person.findMany({ where: { id: { in: corrections.flatMap((c) => (c.actorId === null ? [] : [c.actorId])) } }, select: { id: true, displayName: true } });
  const names = new Map(correctors.map((p) => [p.id, p.displayName]));
  return corrections.map((c) => ({ ...c, correctorName: c.actorId === null ? null : (names.get(c.actorId) ?? null) }));
}
