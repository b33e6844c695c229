/**
 * The one shape every chat platform takes inside Loa Bản: an inbound stream of
 * normalised events, an outbound `send` that answers with a message id or a typed
 * `SendError`, and `edit` where the platform can replace a message it sent. Nothing outside
 * src/channels/ knows a platform's JSON.
 */

/** The platforms Loa Bản speaks, the one list the rest of the code reads. */
export const platforms = ['telegram', 'zalo', 'sandbox'] as const;
export type Platform = (typeof platforms)[number];

/** The sandbox's chat id of a person's private chat (the demo data links one per demo person). */
export const sandboxPrivateChatId = (personKey: string) => `private:${personKey}`;
export type ChatKind = 'private' | 'group';

/** A button the person can tap; `data` comes back as `InboundEvent.buttonData`. */
export interface Button {
  label: string;
  data: string;
}

/** What the bot says: text, optionally an image and buttons (rows of buttons). */
export interface OutboundMessage {
  text: string;
  imageUrl?: string;
  /**
   * An image made here (a chart), uploaded as bytes where the platform takes uploads (Telegram);
   * the sandbox shows it inline. Zalo's sendPhoto takes only an address, so there the text goes
   * alone: it must say everything without the picture. Ignored when `imageUrl` is given.
   */
  image?: { png: Buffer; filename: string };
  buttons?: Button[][];
}

/** Where a message goes. */
export interface SendTarget {
  chatId: string;
}

/** A message the bot sent, to replace it. */
export interface MessageRef {
  chatId: string;
  messageId: string;
}

/** A platform failure, mapped at the edge to what the rest of the system can act on. */
export type SendError =
  /** Over a rate limit: try this chat (or platform) again after `retryAfterMs`. */
  | { kind: 'throttled'; retryAfterMs: number; reason: string }
  /** Blocked, kicked, deactivated: never retry this chat. */
  | { kind: 'stopped'; reason: string }
  /** The group became a supergroup: the chat now lives at `newChatId`. */
  | { kind: 'chatMoved'; newChatId: string; reason: string }
  /** Retrying cannot help (bad request, text with no place to split). */
  | { kind: 'invalid'; reason: string }
  /** Network, 5xx, timeout: retry with backoff. */
  | { kind: 'transient'; reason: string };

export type SendResult =
  | { ok: true; messageIds: string[] }
  | { ok: false; error: SendError; sentMessageIds: string[] };

/** What happened in a chat, in platform-neutral terms. */
export type InboundEventType =
  | 'message'
  | 'button'
  /** The bot was added to a group. */
  | 'botAdded'
  /** The bot was removed from a group, or blocked in a private chat. */
  | 'botRemoved'
  /** The group became a supergroup with a new id (`newChatId`). */
  | 'chatMigrated';

export interface InboundEvent {
  type: InboundEventType;
  platform: Platform;
  /** The platform's id for this update: the dedupe key. */
  updateId: string;
  chat: { id: string; kind: ChatKind; title?: string };
  sender: { id: string; displayName: string };
  text?: string;
  /** A platform file id or URL of a photo or file the person sent. */
  attachment?: { kind: 'photo' | 'file' | 'sticker'; ref: string };
  /** The message this one replies to, and whether that message was the bot's. */
  replyTo?: { messageId: string; fromBot: boolean };
  /** `/baocao 12/3 ...` → command "baocao", args "12/3 ...". Lower-case, without @botname. */
  command?: { name: string; args: string };
  /** True when the text names the bot (@mention) in a group. */
  mentionsBot?: boolean;
  /** The `data` of the button that was tapped. */
  buttonData?: string;
  /** The bot's message whose button was tapped, where the platform says which (Telegram, the sandbox). */
  buttonMessageId?: string;
  /** When the chat moved: the new chat id (chatMigrated). */
  newChatId?: string;
  /** The bot's own username on the platform, when known (for links such as t.me/<bot>?start=…). */
  botUsername?: string;
  at: Date;
}

/** Handles one event; the channel acknowledges the update only after this resolves. */
export type InboundHandler = (event: InboundEvent) => Promise<void>;

/** How a channel is receiving, for the readiness check: `problem` in English for operators, when not ok. */
export interface ChannelStatus {
  ok: boolean;
  /** `standby`: another process on the same database polls; this one takes over if it stops (polling-turn.ts). */
  receiving: 'webhook' | 'polling' | 'standby' | 'local' | 'starting' | 'stopped';
  problem?: string;
}

export interface Channel {
  readonly platform: Platform;
  /** The longest text one platform message can carry. */
  readonly maxTextLength: number;
  /** Starts receiving (polling or webhook) and hands each event to `handler`. */
  start(handler: InboundHandler): Promise<void>;
  /** Stops receiving; in-flight handlers are awaited. */
  stop(): Promise<void>;
  /** Sends one message, split into several when the text is over the platform limit. */
  send(target: SendTarget, message: OutboundMessage): Promise<SendResult>;
  /**
   * Replaces the text and buttons of a message the bot sent, so that a picker changes in place
   * instead of sending a new copy with every tap. Absent where the platform cannot edit (Zalo).
   * `invalid` when this message cannot become that one (an image, a text over the limit, a message
   * too old to edit): the caller sends it anew.
   */
  edit?(target: MessageRef, message: OutboundMessage): Promise<SendResult>;
  /** Whether it is receiving: the webhook set, polling answered; absent: in-process, always. */
  status?(): ChannelStatus;
}
