/**
 * The chats the bot can send to (ChatLink): what the platforms tell of them (the bot added to a
 * group or removed, a group that moved) and what the outbox learns from failed sends.
 */
import type { Db } from '../../core/store/store.ts';
import { reasons, stored } from './reasons.ts';

/** The chat blocked or removed the bot: inactive from now on, and its other queued messages skipped. */
export async function stopChat(db: Db, chatLinkId: number, reason: string): Promise<void> {
  await db.$transaction([
    db.chatLink.update({ where: { id: chatLinkId }, data: { active: false, inactiveReason: reason } }),
    // Claimed ahead but not started ('leased') counts as waiting too: its send will not start.
    db.delivery.updateMany({
      where: { chatLinkId, status: { in: ['queued', 'leased'] } },
      data: { status: 'skipped', ...stored(reasons.stopped(reason)), leaseUntil: null, leasedBy: null },
    }),
  ]);
}

/**
 * A group became a supergroup at `newChatId`. The ChatLink follows it; when the bot already
 * knows the new chat (its first message came before our send), the old link is retired and
 * the delivery moves to the new one, unless the broadcast already has one there.
 * 'resend': send the delivery again now; 'skipped': the new chat gets it through its own row.
 */
export async function moveChat(db: Db, platform: string, chatLinkId: number, newChatId: string, deliveryId: number): Promise<'resend' | 'skipped'> {
  return db.$transaction(async (tx) => {
    const existing = await tx.chatLink.findUnique({ where: { platform_chatId: { platform, chatId: newChatId } } });
    // No other link there, or this link already followed the group (a send read the chat before it moved).
    if (!existing || existing.id === chatLinkId) {
      await tx.chatLink.update({ where: { id: chatLinkId }, data: { chatId: newChatId } });
      return 'resend' as const;
    }
    const old = await tx.chatLink.update({ where: { id: chatLinkId }, data: { active: false, inactiveReason: `moved to ${newChatId}` } });
    if (existing.groupId === null && old.groupId !== null) await tx.chatLink.update({ where: { id: existing.id }, data: { groupId: old.groupId } });
    const delivery = await tx.delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    const twin = await tx.delivery.findUnique({ where: { broadcastId_chatLinkId: { broadcastId: delivery.broadcastId, chatLinkId: existing.id } } });
    if (twin) {
      await tx.delivery.update({ where: { id: deliveryId }, data: { status: 'skipped', ...stored(reasons.moved(newChatId)), leaseUntil: null, leasedBy: null } });
      return 'skipped' as const;
    }
    await tx.delivery.update({ where: { id: deliveryId }, data: { chatLinkId: existing.id } });
    return 'resend' as const;
  });
}

/** The bot was added to a group chat: it is known and active (again), with its title. */
export async function chatJoined(db: Db, platform: string, chatId: string, title: string | undefined): Promise<void> {
  await db.chatLink.upsert({
    where: { platform_chatId: { platform, chatId } },
    create: { platform, chatId, kind: 'group', title: title ?? null },
    update: { active: true, inactiveReason: null, title: title ?? undefined },
  });
}

/** The bot was removed from the chat (or blocked by the person): inactive, saying why. */
export async function chatLeft(db: Db, platform: string, chatId: string, reason: string): Promise<void> {
  await db.chatLink.updateMany({ where: { platform, chatId }, data: { active: false, inactiveReason: reason } });
}

/** A group became a supergroup at `newChatId`: its ChatLink follows, unless the bot already knows the new chat. */
export async function chatMoved(db: Db, platform: string, chatId: string, newChatId: string): Promise<void> {
  const target = await db.chatLink.findUnique({ where: { platform_chatId: { platform, chatId: newChatId } } });
  if (!target) await db.chatLink.updateMany({ where: { platform, chatId }, data: { chatId: newChatId } });
}
