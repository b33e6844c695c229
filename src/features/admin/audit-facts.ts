/**
 * What the audit log's entries name, looked up for the page that words them: the people who acted
 * (their name, admin grants and group roles today), and the schedules, reports, groups and areas
 * the entries are about, as far as they still exist. A few queries per page, whatever its length.
 */
import type { AuditLog } from '../../generated/prisma/client.ts';
import type { Db } from '../../core/store/store.ts';
import { areaNames } from '../groups/index.ts';

export interface AuditPerson {
  name: string;
  grants: Array<{ level: string; area: string }>;
  memberships: Array<{ role: string; group: string }>;
}

export interface AuditFacts {
  people: Map<number, AuditPerson>;
  /** The person behind an entry's actor when the entry names them only by "platform:user" or "admin:<id>". */
  actors: Map<string, number>;
  /** Schedules by id, removed ones included (their status says so). */
  schedules: Map<number, { status: string; contentId: string | null; calendarKey: string | null; text: string | null; audience: unknown }>;
  reports: Map<number, { heldOn: Date; groupId: number; group: string }>;
  groups: Map<number, { name: string; areaId: number }>;
  areas: Map<number, string>;
}

type Entry = Pick<AuditLog, 'actorId' | 'actor' | 'entity' | 'entityId' | 'areaId' | 'after'>;

/** A field of an entry's JSON, when it is an object. */
export function field(json: unknown, key: string): unknown {
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>)[key] : undefined;
}

const wholeNumber = (value: unknown): number | null => {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
};
const idsOf = (rows: readonly Entry[], pick: (r: Entry) => unknown[]) => [...new Set(rows.flatMap(pick).map(wholeNumber).filter((n): n is number => n !== null))];
const of = (r: Entry, entity: string) => (r.entity === entity ? [r.entityId] : []);

/** Everything the entries `rows` name that is still in the database. */
export async function auditFacts(db: Db, rows: readonly Entry[]): Promise<AuditFacts> {
  const named = rows.filter((r) => r.actorId === null).map((r) => ({ actor: r.actor, m: /^([a-z]+):(.+)$/.exec(r.actor) }));
  const byAdminId = named.filter((n) => n.m?.[1] === 'admin' && wholeNumber(n.m[2]) !== null).map((n) => ({ actor: n.actor, id: Number(n.m![2]) }));
  const identities = named.filter((n) => n.m && n.m[1] !== 'admin').map((n) => ({ platform: n.m![1]!, platformUserId: n.m![2]! }));
  const found = identities.length === 0 ? [] : await db.person.findMany({ where: { OR: identities }, select: { id: true, platform: true, platformUserId: true } });
  const actors = new Map([...byAdminId.map((a) => [a.actor, a.id] as const), ...found.map((p) => [`${p.platform}:${p.platformUserId}`, p.id] as const)]);
  const personIds = idsOf(rows, (r) => [r.actorId, ...of(r, 'Person'), field(r.after, 'personId'), ...actors.values()]);
  const scheduleIds = idsOf(rows, (r) => of(r, 'Schedule'));
  const reportIds = idsOf(rows, (r) => of(r, 'SessionReport'));
  const [people, schedules, reports] = await Promise.all([
    db.person.findMany({
      where: { id: { in: personIds } },
      select: {
        id: true,
        displayName: true,
        adminGrants: { select: { level: true, area: { select: { name: true } } }, orderBy: { id: 'asc' } },
        memberships: { select: { role: true, group: { select: { name: true } } }, orderBy: { id: 'asc' } },
      },
    }),
    db.schedule.findMany({ where: { id: { in: scheduleIds } }, select: { id: true, status: true, contentId: true, calendarKey: true, text: true, audience: true } }),
    db.sessionReport.findMany({ where: { id: { in: reportIds } }, select: { id: true, heldOn: true, group: { select: { id: true, name: true } } } }),
  ]);
  const audiences = [...rows.map((r) => field(r.after, 'audience')), ...schedules.map((s) => s.audience)];
  const groupIds = idsOf(rows, (r) => [...of(r, 'CommunicationGroup'), field(r.after, 'groupId'), ...audiences.flatMap((a) => (Array.isArray(field(a, 'groupIds')) ? (field(a, 'groupIds') as unknown[]) : []))]);
  const groups = await db.communicationGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true, areaId: true } });
  const areaIds = idsOf(rows, (r) => [r.areaId, ...of(r, 'Area'), field(r.after, 'areaId'), ...audiences.map((a) => field(a, 'areaId'))]);
  return {
    people: new Map(
      people.map((p) => [
        p.id,
        { name: p.displayName, grants: p.adminGrants.map((g) => ({ level: g.level, area: g.area.name })), memberships: p.memberships.map((m) => ({ role: m.role, group: m.group.name })) },
      ]),
    ),
    actors,
    schedules: new Map(schedules.map((s) => [s.id, s])),
    reports: new Map(reports.map((r) => [r.id, { heldOn: r.heldOn, groupId: r.group.id, group: r.group.name }])),
    groups: new Map(groups.map((g) => [g.id, { name: g.name, areaId: g.areaId }])),
    areas: await areaNames(db, areaIds),
  };
}
