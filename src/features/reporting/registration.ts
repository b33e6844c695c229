/**
 * Group leaders, as the report conversation knows them: `/dangky <code>` redeems a leader's
 * invite (subscriptions/invites.ts) and links the chat to the group; `ledGroups` finds the groups
 * a person leads; a leader writing privately has that private chat kept for reminders.
 */
import type { Db } from '../../core/store/store.ts';
import type { Turn } from '../../bot/turn.ts';
import { redeemInvite } from '../subscriptions/index.ts';

/** `/dangky <code>`: the sender becomes the leader (or deputy) the invite names, or is told why not. */
export async function register(turn: Turn, now: Date): Promise<void> {
  const { t, event } = turn;
  const code = event.command!.args.trim();
  if (code === '') return void (await turn.reply({ text: t('register.howTo') }));
  const result = await redeemInvite(turn.db, code, { platform: event.platform, chat: event.chat, sender: event.sender }, now);
  if (!result.ok) return void (await turn.reply({ text: t(`register.${result.reason}`) }));
  const where = t(event.chat.kind === 'group' ? 'register.linkedGroupChat' : 'register.linkedPrivateChat');
  await turn.reply({ text: t('register.done', { role: t(`register.role.${result.role}`), group: result.group.name, where }) });
}

/** The groups the sender leads (leader or deputy), first joined first. */
export async function ledGroups(db: Db, platform: string, userId: string) {
  const person = await db.person.findUnique({
    where: { platform_platformUserId: { platform, platformUserId: userId } },
    include: { memberships: { where: { role: { in: ['leader', 'deputy'] } }, include: { group: true }, orderBy: { id: 'asc' } } },
  });
  return person ? { person, groups: person.memberships.map((m) => m.group) } : null;
}

/**
 * A leader writing privately: their private chat is where reminders go. (On Telegram a leader
 * registers in the group's chat, and a bot may only write privately to someone who wrote first.)
 */
export async function rememberPrivateChat(turn: Turn, personId: number): Promise<void> {
  const e = turn.event;
  if (e.chat.kind !== 'private') return;
  await turn.db.chatLink.upsert({
    where: { platform_chatId: { platform: e.platform, chatId: e.chat.id } },
    create: { platform: e.platform, chatId: e.chat.id, kind: 'private', personId },
    update: { personId, active: true, inactiveReason: null },
  });
}
