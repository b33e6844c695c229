/** Telegram updates → platform-neutral InboundEvents. Returns null for updates the bot ignores. */
import type { Update, Message, User, Chat } from 'telegraf/types';
import { z } from 'zod';
import type { ChatKind, InboundEvent } from '../channel.ts';
import { parseCommand } from '../text.ts';

const user = z.looseObject({ id: z.number().int(), first_name: z.string().optional(), last_name: z.string().optional(), username: z.string().optional() });
const chat = z.looseObject({ id: z.number().int(), type: z.enum(['private', 'group', 'supergroup', 'channel']), title: z.string().optional() });
const message = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
});
const member = z.looseObject({ status: z.string() });
/** The fields of an update that the bot reads, with their types; anything else is passed over. */
const readableUpdate = z.looseObject({
  update_id: z.number().int(),
  message: message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: user, data: z.string().optional(), message: message.optional() }).optional(),
  my_chat_member: z.looseObject({ chat, from: user, date: z.number().int(), old_chat_member: member, new_chat_member: member }).optional(),
});

/** True when `body` is an update whose parts the bot reads have the types Telegram documents. */
export function isReadableUpdate(body: unknown): body is Update {
  return readableUpdate.safeParse(body).success;
}

/** Who the bot is, from getMe: needed to see commands and mentions addressed to it. */
export interface BotIdentity {
  id: number;
  username: string;
}

function displayName(user: Pick<User, 'first_name' | 'last_name' | 'username'> | undefined): string {
  if (!user) return '';
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || '';
}

function chatOf(chat: Chat): { id: string; kind: ChatKind; title?: string } | null {
  if (chat.type === 'channel') return null;
  const kind: ChatKind = chat.type === 'private' ? 'private' : 'group';
  return { id: String(chat.id), kind, ...('title' in chat && chat.title ? { title: chat.title } : {}) };
}

function mentions(message: Message, text: string, me: BotIdentity | null): boolean {
  if (!me) return false;
  const entities = ('entities' in message ? message.entities : undefined) ?? ('caption_entities' in message ? message.caption_entities : undefined) ?? [];
  return entities.some(
    (e) =>
      (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${me.username.toLowerCase()}`) ||
      (e.type === 'text_mention' && e.user.id === me.id),
  );
}

function fromMessage(updateId: string, message: Message, me: BotIdentity | null): InboundEvent | null {
  const chat = chatOf(message.chat);
  if (!chat) return null;
  const sender = { id: String(message.from?.id ?? message.chat.id), displayName: displayName(message.from) };
  const base = { platform: 'telegram' as const, updateId, chat, sender, at: new Date(message.date * 1000) };
  if ('migrate_to_chat_id' in message) return { ...base, type: 'chatMigrated', newChatId: String(message.migrate_to_chat_id) };
  if ('migrate_from_chat_id' in message) {
    return { ...base, type: 'chatMigrated', chat: { ...chat, id: String(message.migrate_from_chat_id) }, newChatId: chat.id };
  }
  const text = 'text' in message ? message.text : 'caption' in message ? message.caption : undefined;
  const attachment =
    'photo' in message && message.photo.length > 0
      ? { kind: 'photo' as const, ref: message.photo.at(-1)!.file_id }
      : 'document' in message
        ? { kind: 'file' as const, ref: message.document.file_id }
        : 'sticker' in message
          ? { kind: 'sticker' as const, ref: message.sticker.file_id }
          : undefined;
  if (text === undefined && !attachment) return null; // joins, pins, title changes…
  const reply = 'reply_to_message' in message ? message.reply_to_message : undefined;
  const command = parseCommand(text, me?.username);
  return {
    ...base,
    type: 'message',
    ...(text !== undefined ? { text } : {}),
    ...(attachment ? { attachment } : {}),
    ...(command ? { command } : {}),
    ...(text !== undefined && mentions(message, text, me) ? { mentionsBot: true } : {}),
    ...(reply ? { replyTo: { messageId: String(reply.message_id), fromBot: Boolean(me && reply.from?.id === me.id) } } : {}),
  };
}

/** The event an update means, or null when the bot has nothing to do with it. */
export function toInboundEvent(update: Update, me: BotIdentity | null): InboundEvent | null {
  const event = readUpdate(update, me);
  return event && me ? { ...event, botUsername: me.username } : event;
}

function readUpdate(update: Update, me: BotIdentity | null): InboundEvent | null {
  const updateId = String(update.update_id);
  if ('message' in update) return fromMessage(updateId, update.message, me);
  if ('callback_query' in update) {
    const query = update.callback_query;
    const chat = query.message ? chatOf(query.message.chat) : null;
    if (!chat || !('data' in query)) return null;
    return {
      type: 'button',
      platform: 'telegram',
      updateId,
      chat,
      sender: { id: String(query.from.id), displayName: displayName(query.from) },
      buttonData: query.data,
      ...(query.message ? { buttonMessageId: String(query.message.message_id) } : {}),
      at: new Date(),
    };
  }
  if ('my_chat_member' in update) {
    const change = update.my_chat_member;
    const chat = chatOf(change.chat);
    if (!chat) return null;
    const now = change.new_chat_member.status;
    const before = change.old_chat_member.status;
    const inside = (s: string) => s === 'member' || s === 'administrator' || s === 'creator' || s === 'restricted';
    const type = inside(now) && !inside(before) ? 'botAdded' : !inside(now) && inside(before) ? 'botRemoved' : null;
    if (!type || (type === 'botAdded' && chat.kind === 'private')) return null;
    return { type, platform: 'telegram', updateId, chat, sender: { id: String(change.from.id), displayName: displayName(change.from) }, at: new Date(change.date * 1000) };
  }
  return null;
}
