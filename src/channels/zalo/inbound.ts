/**
 * Zalo update payloads → platform-neutral `InboundEvent`s. Pure functions, read tolerantly: field
 * names vary between Zalo's documentation pages and live traffic (`display_name` / `first_name`,
 * webhook bodies wrapped in `{ ok, result }` or flat, `event_name` sometimes missing).
 */
import type { InboundEvent } from '../channel.ts';
import { parseCommand } from '../text.ts';

/** One Zalo update as received: `{ event_name, message }`. */
export interface ZaloUpdate {
  event_name?: string;
  message?: unknown;
}

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty id from a string or a number. */
function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v.trim() !== '');
}

/**
 * The update in a getUpdates `result` or a webhook body, wrapped (`{ ok: true, result: update }`, as
 * documented) or flat (`{ event_name, message }`, as seen live). Null when the body is not a Zalo update.
 */
export function readUpdate(body: unknown): ZaloUpdate | null {
  let value = body;
  if (isRecord(value) && isRecord(value.result) && !('message' in value) && !('event_name' in value)) value = value.result;
  if (!isRecord(value)) return null;
  if (typeof value.event_name !== 'string' && !isRecord(value.message)) return null;
  return { ...(typeof value.event_name === 'string' ? { event_name: value.event_name } : {}), message: value.message };
}

type MessageKind = 'text' | 'image' | 'sticker' | 'unsupported';

const eventKinds: Record<string, MessageKind> = {
  'message.text.received': 'text',
  'message.image.received': 'image',
  'message.sticker.received': 'sticker',
  'message.unsupported.received': 'unsupported',
};

/** What kind of message an update carries; from its content when the event name is missing or new. */
function kindOf(eventName: string | undefined, message: Fields): MessageKind | null {
  const known = eventName === undefined ? undefined : eventKinds[eventName.toLowerCase()];
  if (known) return known;
  // An event that is not about a message (follow, unfollow ... should Zalo add them) is not ours to answer.
  if (eventName !== undefined && !eventName.toLowerCase().startsWith('message.')) return null;
  if (typeof message.text === 'string') return 'text';
  // A sticker carries its image in `url` too, so it is told apart first.
  if (firstString(message.sticker, message.sticker_id)) return 'sticker';
  if (photoOf(message)) return 'image';
  return 'unsupported';
}

function photoOf(message: Fields): string | undefined {
  return firstString(message.photo, message.photo_url, message.image, message.image_url, message.url);
}

function stickerOf(message: Fields): string | undefined {
  return firstString(message.sticker, message.sticker_id, message.url);
}

/** `message.date` in milliseconds (seconds accepted too); now when missing. */
function dateOf(value: unknown): Date {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) return new Date();
  return new Date(n < 1e11 ? n * 1000 : n);
}

/** True when `text` names the bot: "@<bot name>", case-insensitively. */
export function mentions(text: string | undefined, botName: string | null): boolean {
  return Boolean(text && botName && text.toLowerCase().includes(`@${botName.toLowerCase()}`));
}

/**
 * The event for one update, or null when it carries no message Loa Bản can use (no message, no
 * message id, no chat). `updateId` is `message.message_id`: Zalo has no update id. `botName`
 * (from getMe) is what a group mention names.
 */
export function toInboundEvent(update: ZaloUpdate, botName: string | null): InboundEvent | null {
  const message = update.message;
  if (!isRecord(message)) return null;
  const chat = isRecord(message.chat) ? message.chat : {};
  const from = isRecord(message.from) ? message.from : {};
  const messageId = idOf(message.message_id) ?? idOf(message.msg_id);
  const chatId = idOf(chat.id);
  const kind = kindOf(update.event_name, message);
  if (!messageId || !chatId || !kind) return null;

  const chatType = firstString(chat.chat_type, chat.type)?.toUpperCase();
  const isGroup = chatType === 'GROUP';
  const title = firstString(chat.title, chat.name, chat.display_name);
  const event: InboundEvent = {
    type: 'message',
    platform: 'zalo',
    updateId: messageId,
    chat: { id: chatId, kind: isGroup ? 'group' : 'private', ...(title ? { title } : {}) },
    sender: {
      id: idOf(from.id) ?? chatId,
      displayName: firstString(from.display_name, from.first_name, from.name) ?? '',
    },
    at: dateOf(message.date),
  };

  switch (kind) {
    case 'text': {
      const text = firstString(message.text);
      if (!text) return event;
      const command = parseCommand(text);
      return {
        ...event,
        text,
        ...(command ? { command } : {}),
        ...(isGroup && mentions(text, botName) ? { mentionsBot: true } : {}),
      };
    }
    case 'image': {
      const photo = photoOf(message);
      const caption = firstString(message.caption);
      return {
        ...event,
        ...(photo ? { attachment: { kind: 'photo', ref: photo } } : {}),
        ...(caption ? { text: caption } : {}),
        ...(caption && isGroup && mentions(caption, botName) ? { mentionsBot: true } : {}),
      };
    }
    case 'sticker': {
      const sticker = stickerOf(message);
      return { ...event, ...(sticker ? { attachment: { kind: 'sticker', ref: sticker } } : {}) };
    }
    case 'unsupported':
      // Zalo withholds the content (protected senders): a message without text.
      return event;
  }
}

/** The number a reply to numbered choices names: "2", " 2 ", "2." or "2)" → 2; anything else → null. */
export function choiceNumber(text: string | undefined): number | null {
  const match = /^\s*(\d{1,3})\s*[.)]?\s*$/.exec(text ?? '');
  return match ? Number(match[1]) : null;
}
