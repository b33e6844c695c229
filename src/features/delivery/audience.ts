/**
 * Who a broadcast reaches. An audience narrows "everyone" by area subtree, listed groups,
 * language and platform; it resolves to the chats that receive the message: each targeted
 * group's group chats, and the private chats of its members (villagers who follow the bot
 * one to one, as most do on Zalo). Leaders and admins are reached in their groups, not
 * privately. Only active, subscribed chats on a platform this deployment sends on count.
 */
import { z } from 'zod';
import { platforms } from '../../channels/channel.ts';
import type { Db } from '../../core/store/store.ts';
import { subtreeIds } from '../groups/index.ts';

export const audienceSchema = z.strictObject({
  areaId: z.number().int().positive().optional(),
  groupIds: z.array(z.number().int().positive()).min(1).optional(),
  language: z.string().regex(/^[a-z]{2,3}$/).optional(),
  platform: z.enum(platforms).optional(),
});
export type Audience = z.infer<typeof audienceSchema>;

export interface Target {
  chatLinkId: number;
  platform: string;
  chatId: string;
  /** The language the chat reads: the chat's own, else its person's, else Vietnamese. */
  language: string;
}

/** The group ids an audience names (null: every group). */
async function groupsOf(db: Db, audience: Audience): Promise<number[] | null> {
  let ids: number[] | null = null;
  if (audience.areaId !== undefined) {
    const areas = await subtreeIds(db, audience.areaId);
    const rows = await db.communicationGroup.findMany({ where: { areaId: { in: areas } }, select: { id: true } });
    ids = rows.map((r) => r.id);
  }
  if (audience.groupIds) {
    const listed = new Set(audience.groupIds);
    ids = ids === null ? [...listed] : ids.filter((id) => listed.has(id));
  }
  return ids;
}

/** The chats `audience` reaches now, on `platforms`, each once, in a stable order. */
export async function resolveAudience(db: Db, audience: Audience, platforms: readonly string[]): Promise<Target[]> {
  const groups = await groupsOf(db, audience);
  const groupChat = groups === null ? { groupId: { not: null } } : { groupId: { in: groups } };
  const membership = groups === null ? { role: 'member' } : { role: 'member', groupId: { in: groups } };
  const onPlatforms = audience.platform ? [audience.platform].filter((p) => platforms.includes(p)) : [...platforms];
  const links = await db.chatLink.findMany({
    where: {
      active: true,
      subscribed: true,
      platform: { in: onPlatforms },
      OR: [
        { kind: 'group', ...groupChat },
        { kind: 'private', person: { memberships: { some: membership } } },
      ],
    },
    select: { id: true, platform: true, chatId: true, language: true, person: { select: { language: true } } },
    orderBy: { id: 'asc' },
  });
  return links
    .map((l) => ({ chatLinkId: l.id, platform: l.platform, chatId: l.chatId, language: l.language ?? l.person?.language ?? 'vi' }))
    .filter((t) => !audience.language || t.language === audience.language);
}

/** Ids in `audience` that name no area or group: an operator's typo, refused before anything is queued. */
export async function unknownIds(db: Db, audience: Audience): Promise<{ areaId?: number; groupIds: number[] }> {
  const missing: { areaId?: number; groupIds: number[] } = { groupIds: [] };
  if (audience.areaId !== undefined && !(await db.area.findUnique({ where: { id: audience.areaId } }))) missing.areaId = audience.areaId;
  if (audience.groupIds) {
    const found = await db.communicationGroup.findMany({ where: { id: { in: audience.groupIds } }, select: { id: true } });
    const known = new Set(found.map((g) => g.id));
    missing.groupIds = audience.groupIds.filter((id) => !known.has(id));
  }
  return missing;
}
