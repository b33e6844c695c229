/**
 * The operators' listings of groups and areas (`loaban groups`, `--by-area`): each with how many
 * villagers follow it privately — the area tree read with the subscriptions.
 */
import { subscriberCounts } from './subscribers.ts';
import type { Db } from '../../core/store/store.ts';

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
