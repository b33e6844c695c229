/**
 * The dashboard's overview of an admin's area this quarter: groups active and silent, sessions
 * and participants (by sex and ethnic-minority status), villagers following privately, and the
 * next scheduled broadcasts that reach the area.
 *
 * "Active" = at least one session of this quarter reported. The bot keeps no record of when a
 * chat last spoke (it stores little about chats on purpose), so reports are the one signal.
 */
import { audienceSchema, type Audience } from '../delivery/index.ts';
import { formatQuarter, localDateOf, quarterOf, type Quarter } from '../reporting/index.ts';
import type { Db } from '../../core/store/store.ts';
import { subscriberCounts } from '../subscriptions/index.ts';
import type { DirectoryFile } from '../faq/index.ts';
import { areasWhere, canSee, isTopLevelAdmin, pathInScope, type AdminScope } from '../groups/index.ts';

export type AudienceLabel = { kind: 'everyone' } | { kind: 'area'; name: string } | { kind: 'groups'; names: string[] };

export interface UpcomingBroadcast {
  scheduleId: number;
  at: Date;
  what: { kind: 'content'; title: string } | { kind: 'calendar'; key: string } | { kind: 'text'; text: string };
  audience: AudienceLabel;
}

export interface Overview {
  quarter: Quarter;
  groups: { total: number; active: number; silent: number };
  sessions: number;
  participants: { total: number; women: number; ethnicMinority: number };
  followers: number;
  /** The first silent groups, tree order (at most `silentShown`). */
  silentGroups: { id: number; name: string; areaName: string }[];
  upcoming: UpcomingBroadcast[];
}

/** Silent groups named on the overview; the compliance page lists them all. */
const silentShown = 20;

/** Schedules looked at to find the next ones reaching the area (the soonest first). */
const upcomingWindow = 200;

/**
 * Whether a broadcast to `audience` reaches the admin's area: everyone; an area inside the scope
 * or above one of the admin's areas (a province-wide message reaches the commune's villages);
 * listed groups of which one is inside the scope. `areaPaths` and `groupAreas` resolve the ids.
 */
export function reachesScope(scope: AdminScope, audience: Audience, areaPaths: ReadonlyMap<number, string>, groupAreas: ReadonlyMap<number, number>): boolean {
  if (audience.groupIds) return audience.groupIds.some((id) => canSee(scope, groupAreas.get(id) ?? -1));
  if (audience.areaId !== undefined) {
    const path = areaPaths.get(audience.areaId);
    return path !== undefined && (pathInScope(scope.grants, path) || scope.grants.some((g) => g.path.startsWith(path)));
  }
  return true;
}

/** The next `limit` active schedules that reach the admin's area, soonest first. */
export async function upcomingBroadcasts(db: Db, scope: AdminScope, limit = 5): Promise<UpcomingBroadcast[]> {
  const schedules = await db.schedule.findMany({
    where: { status: 'active', nextRunAt: { not: null } },
    orderBy: [{ nextRunAt: 'asc' }, { id: 'asc' }],
    take: upcomingWindow,
    select: { id: true, nextRunAt: true, contentId: true, text: true, calendarKey: true, audience: true, content: { select: { title: true } } },
  });
  const parsed = schedules.flatMap((s) => {
    const audience = audienceSchema.safeParse(s.audience);
    return audience.success ? [{ ...s, audience: audience.data }] : [];
  });
  const areaIds = [...new Set(parsed.flatMap((s) => (s.audience.areaId === undefined ? [] : [s.audience.areaId])))];
  const groupIds = [...new Set(parsed.flatMap((s) => s.audience.groupIds ?? []))];
  const [areas, groups] = await Promise.all([
    db.area.findMany({ where: { id: { in: areaIds } }, select: { id: true, name: true, path: true } }),
    db.communicationGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true, areaId: true } }),
  ]);
  const areaPaths = new Map(areas.map((a) => [a.id, a.path]));
  const areaNames = new Map(areas.map((a) => [a.id, a.name]));
  const groupAreas = new Map(groups.map((g) => [g.id, g.areaId]));
  const groupNames = new Map(groups.map((g) => [g.id, g.name]));
  return parsed
    .filter((s) => reachesScope(scope, s.audience, areaPaths, groupAreas))
    .slice(0, limit)
    .map((s) => ({
      scheduleId: s.id,
      at: s.nextRunAt!,
      what: s.content ? { kind: 'content', title: s.content.title } : s.calendarKey ? { kind: 'calendar', key: s.calendarKey } : { kind: 'text', text: s.text ?? s.contentId ?? '' },
      audience: s.audience.groupIds
        ? // Only the groups the admin may see are named.
          { kind: 'groups', names: s.audience.groupIds.filter((id) => canSee(scope, groupAreas.get(id) ?? -1)).map((id) => groupNames.get(id) ?? `#${id}`) }
        : s.audience.areaId !== undefined
          ? { kind: 'area', name: areaNames.get(s.audience.areaId) ?? `#${s.audience.areaId}` }
          : { kind: 'everyone' },
    }));
}

/** The overview of the admin's scope for the quarter `now` is in (in `timeZone`). */
export async function overview(db: Db, scope: AdminScope, now: Date, timeZone: string): Promise<Overview> {
  const quarter = quarterOf(localDateOf(now, timeZone));
  const inScope = { area: areasWhere(scope.grants) };
  const thisQuarter = formatQuarter(quarter);
  const [groups, active, silentGroups, sums, counts, upcoming] = await Promise.all([
    db.communicationGroup.findMany({ where: inScope, select: { id: true } }),
    db.communicationGroup.count({ where: { ...inScope, reports: { some: { quarter: thisQuarter } } } }),
    db.communicationGroup.findMany({
      where: { ...inScope, reports: { none: { quarter: thisQuarter } } },
      select: { id: true, name: true, area: { select: { name: true } } },
      orderBy: [{ area: { path: 'asc' } }, { name: 'asc' }],
      take: silentShown,
    }),
    db.sessionReport.aggregate({
      where: { quarter: thisQuarter, group: inScope },
      _count: { _all: true },
      _sum: { participantsTotal: true, participantsWomen: true, participantsEthnicMinority: true },
    }),
    subscriberCounts(db),
    upcomingBroadcasts(db, scope),
  ]);
  return {
    quarter,
    groups: { total: groups.length, active, silent: groups.length - active },
    sessions: sums._count._all,
    participants: {
      total: sums._sum.participantsTotal ?? 0,
      women: sums._sum.participantsWomen ?? 0,
      ethnicMinority: sums._sum.participantsEthnicMinority ?? 0,
    },
    followers: groups.reduce((n, g) => n + (counts.byGroup.get(g.id) ?? 0), 0),
    silentGroups: silentGroups.map((g) => ({ id: g.id, name: g.name, areaName: g.area.name })),
    upcoming,
  };
}

/** A number or address of the directory that villagers do not see until the province confirms it. */
export interface PendingDirectoryEntry {
  /** The area's name, or the file's area code when no area has it (e.g. "national", another province's). */
  place: string;
  name: string;
  phone: string | null;
}

/**
 * The directory's unconfirmed entries (`confirmed: false`) an admin should see: those of areas in
 * their scope, and, for admins of a top-level area, those of files whose area code is no area here.
 */
export async function pendingDirectory(db: Db, scope: AdminScope, directory: ReadonlyMap<string, DirectoryFile>): Promise<PendingDirectoryEntry[]> {
  const files = [...directory.values()]
    .map((file) => ({ file, pending: [...file.hotlines, ...file.trustedAddresses].filter((e) => e.confirmed === false) }))
    .filter((f) => f.pending.length > 0);
  if (files.length === 0) return [];
  const areas = await db.area.findMany({ where: { code: { in: files.map((f) => f.file.area) } }, select: { id: true, code: true, name: true } });
  const byCode = new Map(areas.map((a) => [a.code, a]));
  const topLevel = isTopLevelAdmin(scope);
  return files.flatMap(({ file, pending }) => {
    const area = byCode.get(file.area);
    if (area ? !canSee(scope, area.id) : !topLevel) return [];
    return pending.map((e) => ({ place: area?.name ?? file.area, name: e.name, phone: e.phone ?? null }));
  });
}
