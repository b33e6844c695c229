/**
 * A villager following their village's communication group from a private chat: joining
 * (by code, link or by choosing the village), stopping and resuming, the language they read,
 * what is kept about them and deleting it. What is stored is only what the first-contact
 * message says: the platform id, the display name, the language and the village (through the
 * group membership); nothing before the person joins or chooses a language.
 */
import { stoppedByUnsubscribe, reasons, stored } from '../delivery/index.ts';
import type { Db } from '../../core/store/store.ts';

export interface Who {
  platform: string;
  /** The person's platform id. */
  userId: string;
  displayName: string;
  /** Their private chat with the bot. */
  chatId: string;
}

const personKey = (who: Pick<Who, 'platform' | 'userId'>) => ({ platform_platformUserId: { platform: who.platform, platformUserId: who.userId } });

export type Joined =
  | { kind: 'joined'; group: { id: number; name: string }; left: { id: number; name: string } | null }
  | { kind: 'already'; group: { id: number; name: string } };

/**
 * The person follows `groupId` in their private chat. A villager follows one village: joining
 * another moves them (their leader roles stay). Joining again changes nothing; joining after
 * a stop resumes.
 */
export async function joinGroup(db: Db, who: Who, groupId: number): Promise<Joined> {
  return db.$transaction(async (tx) => {
    const group = await tx.communicationGroup.findUniqueOrThrow({ where: { id: groupId }, select: { id: true, name: true, areaId: true } });
    const person = await tx.person.upsert({
      where: personKey(who),
      create: { platform: who.platform, platformUserId: who.userId, displayName: who.displayName || who.userId },
      update: who.displayName ? { displayName: who.displayName } : {},
    });
    const memberships = await tx.membership.findMany({ where: { personId: person.id }, include: { group: { select: { id: true, name: true } } } });
    const link = await tx.chatLink.findUnique({ where: { platform_chatId: { platform: who.platform, chatId: who.chatId } } });
    const already = memberships.some((m) => m.groupId === groupId) && link?.subscribed === true && link.active && link.personId === person.id;
    if (already) return { kind: 'already' as const, group: { id: group.id, name: group.name } };
    const left = memberships.find((m) => m.role === 'member' && m.groupId !== groupId) ?? null;
    if (left) await tx.membership.delete({ where: { id: left.id } });
    if (!memberships.some((m) => m.groupId === groupId)) await tx.membership.create({ data: { personId: person.id, groupId, role: 'member' } });
    await tx.chatLink.upsert({
      where: { platform_chatId: { platform: who.platform, chatId: who.chatId } },
      create: { platform: who.platform, chatId: who.chatId, kind: 'private', personId: person.id, groupId, subscribed: true },
      update: { personId: person.id, groupId, subscribed: true, active: true, inactiveReason: null },
    });
    await tx.auditLog.create({
      data: { actorId: person.id, actor: `${who.platform}:${who.userId}`, action: 'subscription.join', entity: 'CommunicationGroup', entityId: String(groupId), areaId: group.areaId },
    });
    return { kind: 'joined' as const, group: { id: group.id, name: group.name }, left: left ? left.group : null };
  });
}

/**
 * One step of the village picker under `parentId` (the top when null): the areas there that lead
 * to a group, by name; the parent area itself; and the parent's own groups, by name.
 */
export async function villageChoices(db: Db, parentId: number | null) {
  const areas = await db.area.findMany({
    where: { parentId, OR: [{ groups: { some: {} } }, { children: { some: {} } }] },
    orderBy: { name: 'asc' },
    select: { id: true, name: true },
  });
  const parent = parentId === null ? null : await db.area.findUnique({ where: { id: parentId }, select: { id: true, name: true, parentId: true } });
  const groups = parentId === null ? [] : await db.communicationGroup.findMany({ where: { areaId: parentId }, orderBy: { name: 'asc' }, select: { id: true, name: true } });
  return { areas, parent, groups };
}

/** Whether the group still exists (a picker's button may outlive it). */
export async function groupExists(db: Db, groupId: number): Promise<boolean> {
  return (await db.communicationGroup.findUnique({ where: { id: groupId }, select: { id: true } })) !== null;
}

export type Stopped = 'stopped' | 'alreadyStopped' | 'notSubscribed';

/**
 * Stops every broadcast of the group's messages to the person at once: their private chats stop
 * receiving them, and what is queued for them is skipped (a message already being handed to the
 * platform cannot be recalled). A leader's report reminders still come.
 */
export async function stopBroadcasts(db: Db, who: Pick<Who, 'platform' | 'userId'>): Promise<Stopped> {
  const person = await db.person.findUnique({ where: personKey(who), select: { id: true } });
  const links = person ? await db.chatLink.findMany({ where: { personId: person.id, kind: 'private' }, select: { id: true, subscribed: true } }) : [];
  if (links.length === 0) return 'notSubscribed';
  if (links.every((l) => !l.subscribed)) return 'alreadyStopped';
  const ids = links.map((l) => l.id);
  return db.$transaction(async (tx) => {
    // Only what is still subscribed: of two stops at once (a double tap), the second finds nothing to change.
    const { count } = await tx.chatLink.updateMany({ where: { id: { in: ids }, subscribed: true }, data: { subscribed: false } });
    if (count === 0) return 'alreadyStopped' as const;
    // The group's messages; not a leader's report reminder (see stoppedByUnsubscribe).
    await tx.delivery.updateMany({ where: { chatLinkId: { in: ids }, status: { in: ['queued', 'leased'] }, broadcast: { kind: { in: [...stoppedByUnsubscribe] } } }, data: { status: 'skipped', ...stored(reasons.unsubscribed), leaseUntil: null, leasedBy: null } });
    await tx.auditLog.create({ data: { actorId: person!.id, actor: `${who.platform}:${who.userId}`, action: 'subscription.stop', entity: 'Person', entityId: String(person!.id) } });
    return 'stopped' as const;
  });
}

export type Resumed = { kind: 'resumed' | 'alreadyOn'; groups: string[] } | { kind: 'notSubscribed' };

export async function resumeBroadcasts(db: Db, who: Pick<Who, 'platform' | 'userId'>): Promise<Resumed> {
  const person = await db.person.findUnique({
    where: personKey(who),
    select: { id: true, memberships: { where: { role: 'member' }, select: { group: { select: { name: true } } } } },
  });
  const links = person ? await db.chatLink.findMany({ where: { personId: person.id, kind: 'private' }, select: { id: true, subscribed: true } }) : [];
  const groups = person?.memberships.map((m) => m.group.name) ?? [];
  if (links.length === 0 || groups.length === 0) return { kind: 'notSubscribed' };
  if (links.every((l) => l.subscribed)) return { kind: 'alreadyOn', groups };
  return db.$transaction(async (tx) => {
    // As for stopping: of two resumes at once, the second finds nothing to change.
    const { count } = await tx.chatLink.updateMany({ where: { id: { in: links.map((l) => l.id) }, subscribed: false }, data: { subscribed: true } });
    if (count === 0) return { kind: 'alreadyOn' as const, groups };
    await tx.auditLog.create({ data: { actorId: person!.id, actor: `${who.platform}:${who.userId}`, action: 'subscription.resume', entity: 'Person', entityId: String(person!.id) } });
    return { kind: 'resumed' as const, groups };
  });
}

/** The person's language for answers and broadcasts (stores the person if new: they chose it). */
export async function setLanguage(db: Db, who: Who, language: string): Promise<void> {
  const person = await db.person.upsert({
    where: personKey(who),
    create: { platform: who.platform, platformUserId: who.userId, displayName: who.displayName || who.userId, language },
    update: { language },
  });
  // A chat's own language would win over the person's; a private chat follows its person.
  await db.chatLink.updateMany({ where: { personId: person.id, kind: 'private' }, data: { language: null } });
}

export interface PersonData {
  platform: string;
  userId: string;
  displayName: string;
  language: string;
  since: Date;
  groups: { name: string; role: string; area: string }[];
  receiving: boolean;
  adminAreas: string[];
  reports: number;
}

/** Everything kept about the person, as /dulieucuatoi shows it; null when nothing is. */
export async function personData(db: Db, who: Pick<Who, 'platform' | 'userId'>): Promise<PersonData | null> {
  const person = await db.person.findUnique({
    where: personKey(who),
    include: {
      memberships: { include: { group: { include: { area: { select: { name: true } } } } } },
      chatLinks: { where: { kind: 'private' }, select: { subscribed: true, active: true } },
      adminGrants: { include: { area: { select: { name: true } } } },
      _count: { select: { reports: true } },
    },
  });
  if (!person) return null;
  return {
    platform: person.platform,
    userId: person.platformUserId,
    displayName: person.displayName,
    language: person.language,
    since: person.createdAt,
    groups: person.memberships.map((m) => ({ name: m.group.name, role: m.role, area: m.group.area.name })),
    receiving: person.chatLinks.some((l) => l.subscribed && l.active) && person.memberships.some((m) => m.role === 'member'),
    adminAreas: person.adminGrants.map((g) => g.area.name),
    reports: person._count.reports,
  };
}

/**
 * Deletes the person: their record, memberships and admin rights, their private chat links (and
 * the messages queued there), conversation state and remembered choices; their id is removed
 * from the audit log. Session reports they filed stay, attributed to no one ("a former leader"),
 * because the Women's Union must account for them. False when nothing was stored.
 */
export async function deletePersonData(db: Db, who: Pick<Who, 'platform' | 'userId'>): Promise<boolean> {
  const person = await db.person.findUnique({ where: personKey(who), include: { chatLinks: { where: { kind: 'private' }, select: { chatId: true } } } });
  if (!person) return false;
  const chatIds = person.chatLinks.map((l) => l.chatId);
  const actor = `${who.platform}:${who.userId}`;
  await db.$transaction([
    db.conversationState.deleteMany({ where: { platform: who.platform, userId: who.userId } }),
    db.chatChoice.deleteMany({ where: { platform: who.platform, chatId: { in: chatIds } } }),
    db.chatLink.deleteMany({ where: { personId: person.id, kind: 'private' } }),
    db.auditLog.updateMany({ where: { OR: [{ actorId: person.id }, { actor }] }, data: { actorId: null, actor: 'deleted-person' } }),
    db.auditLog.updateMany({ where: { entity: 'chat', entityId: { in: chatIds.map((c) => `${who.platform}:${c}`) } }, data: { entityId: 'deleted-person' } }),
    db.person.delete({ where: { id: person.id } }),
    db.auditLog.create({ data: { actor: 'deleted-person', action: 'person.delete', entity: 'Person', entityId: String(person.id) } }),
  ]);
  return true;
}

/** Private followers (subscribed, active) per group, and per area counting everything below it. */
export async function subscriberCounts(db: Db): Promise<{ byGroup: Map<number, number>; byArea: Map<number, number> }> {
  const links = await db.chatLink.findMany({
    where: { kind: 'private', subscribed: true, active: true, person: { memberships: { some: { role: 'member' } } } },
    select: { person: { select: { memberships: { where: { role: 'member' }, select: { groupId: true, group: { select: { area: { select: { path: true } } } } } } } } },
  });
  const byGroup = new Map<number, number>();
  const byArea = new Map<number, number>();
  for (const link of links) {
    for (const m of link.person?.memberships ?? []) {
      byGroup.set(m.groupId, (byGroup.get(m.groupId) ?? 0) + 1);
      for (const id of m.group.area.path.split('/').filter(Boolean).map(Number)) byArea.set(id, (byArea.get(id) ?? 0) + 1);
    }
  }
  return { byGroup, byArea };
}
