/**
 * Who a person can play in the sandbox: a villager or the leader of each demo group, or a
 * Women's Union admin, each with the chats they would have (a private chat, the group chat).
 */
import { sandboxPrivateChatId, type ChatKind } from '../channel.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Db } from '../../core/store/store.ts';

export interface Persona {
  key: string;
  role: 'villager' | 'leader' | 'admin';
  displayName: string;
  label: string;
  chats: { id: string; kind: ChatKind; title: string }[];
}

export const privateChatId = sandboxPrivateChatId;

export async function listPersonas(db: Db, t: Translate): Promise<Persona[]> {
  const groups = await db.communicationGroup.findMany({
    orderBy: { id: 'asc' },
    include: {
      area: true,
      chatLinks: { where: { platform: 'sandbox', kind: 'group' } },
      memberships: { where: { role: { in: ['leader', 'deputy'] } }, include: { person: true } },
    },
  });
  const personas: Persona[] = [];
  for (const group of groups) {
    const groupChat = group.chatLinks[0];
    const groupChats = groupChat ? [{ id: groupChat.chatId, kind: 'group' as const, title: group.name }] : [];
    const villager = `villager-${group.area.code}`;
    const villagerName = t('sandbox:villagerName', { area: group.area.name });
    personas.push({
      key: villager,
      role: 'villager',
      displayName: villagerName,
      label: t('sandbox:villagerLabel', { name: villagerName, group: group.name }),
      chats: [{ id: privateChatId(villager), kind: 'private', title: t('sandbox:privateChat') }, ...groupChats],
    });
    for (const m of group.memberships.filter((m) => m.person.platform === 'sandbox')) {
      const key = m.person.platformUserId;
      personas.push({
        key,
        role: 'leader',
        displayName: m.person.displayName,
        label: t('sandbox:leaderLabel', { name: m.person.displayName, group: group.name }),
        chats: [{ id: privateChatId(key), kind: 'private', title: t('sandbox:privateChat') }, ...groupChats],
      });
    }
  }
  // One entry per admin, naming every area of theirs (a district admin may have two communes).
  const grants = await db.adminGrant.findMany({ where: { person: { platform: 'sandbox' } }, include: { person: true, area: true }, orderBy: { id: 'asc' } });
  const admins = new Map<number, { person: (typeof grants)[number]['person']; areas: string[] }>();
  for (const grant of grants) {
    const admin = admins.get(grant.personId) ?? { person: grant.person, areas: [] };
    admin.areas.push(grant.area.name);
    admins.set(grant.personId, admin);
  }
  for (const { person, areas } of admins.values()) {
    const key = person.platformUserId;
    personas.push({
      key,
      role: 'admin',
      displayName: person.displayName,
      label: t('sandbox:adminLabel', { name: person.displayName, area: areas.join(', ') }),
      chats: [{ id: privateChatId(key), kind: 'private', title: t('sandbox:privateChat') }],
    });
  }
  return personas;
}
