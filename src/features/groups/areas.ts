/**
 * The area tree (province → … → village, any depth). Each area keeps `path`, the chain of its
 * ancestors' ids ("/1/4/9/"), so "everything under this commune" is one indexed prefix query.
 */
import { matchByName } from '../../core/text/names.ts';
import { subscriberCounts } from '../subscriptions/subscribers.ts';
import type { Db } from '../../core/store/store.ts';

export interface NewArea {
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  isDemo?: boolean;
}

/** Creates an area under `parentId` (or at the top) and sets its path. */
export async function createArea(db: Db, area: NewArea) {
  const parent = area.parentId === null ? null : await db.area.findUniqueOrThrow({ where: { id: area.parentId } });
  return db.$transaction(async (tx) => {
    const created = await tx.area.create({ data: { ...area, path: '' } });
    return tx.area.update({ where: { id: created.id }, data: { path: `${parent?.path ?? '/'}${created.id}/` } });
  });
}

/** The ids of `areaId` and every area below it. */
export async function subtreeIds(db: Db, areaId: number): Promise<number[]> {
  const root = await db.area.findUnique({ where: { id: areaId }, select: { path: true } });
  if (!root) return [];
  const rows = await db.area.findMany({ where: { path: { startsWith: root.path } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Names from the top of the tree down to `areaId`, e.g. ["Tỉnh …", "Xã …", "Bản …"]. */
export async function areaPathNames(db: Db, areaId: number): Promise<string[]> {
  const area = await db.area.findUniqueOrThrow({ where: { id: areaId }, select: { path: true } });
  const ids = area.path.split('/').filter(Boolean).map(Number);
  const rows = await db.area.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => byId.get(id) ?? '?');
}

export interface Place {
  id: number;
  code: string;
  name: string;
}

/** `areaId` and its ancestors, nearest first: village, commune, …, province. */
export async function placesUp(db: Db, areaId: number): Promise<Place[]> {
  const area = await db.area.findUnique({ where: { id: areaId }, select: { path: true } });
  if (!area) return [];
  const ids = area.path.split('/').filter(Boolean).map(Number);
  const rows = await db.area.findMany({ where: { id: { in: ids } }, select: { id: true, code: true, name: true } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.reverse().flatMap((id) => byId.get(id) ?? []);
}

/**
 * Where the person behind a chat lives, as far as Loa Bản knows: a group chat's group area, or
 * the group a person belongs to. Nearest first; empty when unknown.
 */
export async function placesOfChat(db: Db, chat: { platform: string; chatId: string; kind: string; userId: string }): Promise<Place[]> {
  const link = await db.chatLink.findUnique({
    where: { platform_chatId: { platform: chat.platform, chatId: chat.chatId } },
    select: { group: { select: { areaId: true } } },
  });
  let areaId = link?.group?.areaId;
  if (areaId === undefined && chat.kind === 'private') {
    const membership = await db.membership.findFirst({
      where: { person: { platform: chat.platform, platformUserId: chat.userId } },
      orderBy: { id: 'asc' },
      select: { group: { select: { areaId: true } } },
    });
    areaId = membership?.group.areaId;
  }
  return areaId === undefined ? [] : placesUp(db, areaId);
}

/** Every group with its area path, leaders and linked chats, for operators (`loaban groups`). */
export async function listGroups(db: Db) {
  const [groups, areas, counts] = await Promise.all([
    db.communicationGroup.findMany({
      orderBy: { id: 'asc' },
      include: {
        area: { select: { path: true } },
        memberships: { where: { role: { in: ['leader', 'deputy'] } }, include: { person: { select: { displayName: true, platform: true } } }, orderBy: { id: 'asc' } },
        chatLinks: { where: { active: true }, select: { platform: true, chatId: true, kind: true, personId: true }, orderBy: { id: 'asc' } },
      },
    }),
    db.area.findMany({ select: { id: true, name: true } }),
    subscriberCounts(db),
  ]);
  const names = new Map(areas.map((a) => [a.id, a.name]));
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    areaPath: g.area.path.split('/').filter(Boolean).map((id) => names.get(Number(id)) ?? '?'),
    leaders: g.memberships.map((m) => ({ name: m.person.displayName, role: m.role, platform: m.person.platform })),
    // Group chats and leaders' own chats; villagers' private chats are theirs, counted but not listed.
    chats: g.chatLinks
      .filter((c) => c.kind === 'group' || g.memberships.some((m) => m.personId === c.personId))
      .map((c) => ({ platform: c.platform, kind: c.kind, chatId: c.chatId })),
    joinCode: g.joinCode,
    subscribers: counts.byGroup.get(g.id) ?? 0,
  }));
}

/** Every area with how many villagers follow a group under it privately, and how many groups it has; tree order. */
export async function listAreaSubscribers(db: Db) {
  const [areas, groups, counts] = await Promise.all([
    db.area.findMany({ select: { id: true, name: true, level: true, path: true }, orderBy: { path: 'asc' } }),
    db.communicationGroup.findMany({ select: { area: { select: { path: true } } } }),
    subscriberCounts(db),
  ]);
  return areas.map((a) => ({
    id: a.id,
    name: a.name,
    level: a.level,
    depth: a.path.split('/').filter(Boolean).length - 1,
    groups: groups.filter((g) => g.area.path.startsWith(a.path)).length,
    subscribers: counts.byArea.get(a.id) ?? 0,
  }));
}

export class AreaNotFound extends Error {
  override name = 'AreaNotFound';
  constructor(
    readonly query: string,
    readonly candidates: Array<{ id: number; name: string }>,
  ) {
    super(query);
  }
}

/** An area by id, or by name as everywhere else (`matchByName`: code, whole name, whole words); none or several → AreaNotFound listing the candidates. */
export async function findArea(db: Db, idOrName: string) {
  const trimmed = idOrName.trim();
  if (/^\d+$/.test(trimmed)) {
    const area = await db.area.findUnique({ where: { id: Number(trimmed) } });
    if (area) return area;
  }
  const matches = matchByName(await db.area.findMany({ orderBy: { id: 'asc' } }), trimmed);
  if (matches.length === 1) return matches[0]!;
  throw new AreaNotFound(trimmed, matches.map((a) => ({ id: a.id, name: a.name })));
}
