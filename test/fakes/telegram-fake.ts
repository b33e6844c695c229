/**
 * A loopback fake of the Telegram Bot API (https://core.telegram.org/bots/api) that speaks
 * the wire format: `POST|GET /bot<TOKEN>/<method>` with JSON, urlencoded or multipart
 * parameters, answers `{ ok, result }` / `{ ok:false, error_code, description, parameters? }`.
 * Give `fake.apiRoot` to telegraf as `telegram.apiRoot`.
 *
 * Error descriptions are the strings the real API answers with (they are not in the
 * official documentation; see test/fixtures/telegram/README.md for where each was seen).
 * Deliberate differences from the real service:
 * - webhook URLs may be `http://` (Telegram demands HTTPS), and `https://` loopback URLs are
 *   delivered over plain HTTP (see `rewriteWebhookUrl`);
 * - unknown methods answer `Not Found: method not found` (the real API says only `Not Found`);
 * - text length is counted in UTF-16 code units of the raw text; the real API counts the
 *   text after entity parsing (for `parse_mode`), also in UTF-16 code units;
 * - `timeout` of getUpdates may be fractional (seconds), for fast tests.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badGatewayAnswer,
  BodyError,
  isUploadedFile,
  jsonAnswer,
  listen,
  loopbackHttp,
  parseBody,
  postBody,
  readParams,
  SendLimiter,
  shutdown,
  Sleeper,
  toNumber,
  truthy,
  WebhookQueue,
  WindowPeak,
  writeAnswer,
  mergeHeaders,
} from './fake-http.js';
import type { Answer, AttemptResult, Params } from './fake-http.js';

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  width: number;
  height: number;
}

export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  sender_chat?: TgChat;
  chat: TgChat;
  date: number;
  edit_date?: number;
  reply_to_message?: TgMessage;
  text?: string;
  entities?: TgMessageEntity[];
  photo?: TgPhotoSize[];
  caption?: string;
  reply_markup?: unknown;
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

export interface TgChatMember {
  user: TgUser;
  status: 'member' | 'left' | 'kicked';
  until_date?: number;
}

export interface TgChatMemberUpdated {
  chat: TgChat;
  from: TgUser;
  date: number;
  old_chat_member: TgChatMember;
  new_chat_member: TgChatMember;
}

/** A Telegram Update: `update_id` plus exactly one of the optional fields. */
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  channel_post?: TgMessage;
  callback_query?: TgCallbackQuery;
  my_chat_member?: TgChatMemberUpdated;
  [field: string]: unknown;
}

/** What a call (or every call to a chat) should answer instead of the normal result. */
export type TelegramFault =
  | { kind: 'retryAfter'; seconds: number }
  | { kind: 'blocked' }
  | { kind: 'kicked' }
  | { kind: 'deactivated' }
  | { kind: 'migrated'; newChatId: number | string }
  | { kind: 'serverError'; status?: 500 | 502 }
  /** A gateway's HTML page with a status below 500 (a proxy's 403 or 413): not JSON. */
  | { kind: 'gatewayPage'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'drop' };

/** Telegram's published limits; `false` turns enforcement off. */
export interface TelegramLimits {
  /** Successful sends in any 1000 ms window, all chats together (default 30). */
  globalPerSecond?: number;
  /** Successful sends to one group (chat id < 0) in any 60 000 ms window (default 20). */
  perGroupPerMinute?: number;
  /** Successful sends to one chat in any 1000 ms window (default 1). */
  perChatPerSecond?: number;
}

export interface FakeTelegramOptions {
  /** The only token the fake accepts (default `'123456:TEST'`); the bot id is its prefix. */
  token?: string;
  limits?: TelegramLimits | false;
  /** Clock in ms for dates, rate limits and recordings (default `Date.now`). Timers stay real. */
  now?: () => number;
  /** Delay before re-sending an update the webhook did not accept (default 200 ms). */
  webhookRetryDelayMs?: number;
  /** Attempts per update before giving it up (default 5). */
  webhookMaxAttempts?: number;
  /** How long one webhook POST may take (default 5000 ms). */
  webhookTimeoutMs?: number;
  /** Maps a registered webhook URL to the one POSTed to (default: loopback https → http). */
  rewriteWebhookUrl?: (url: string) => string;
}

/** One API call as the fake answered it (`status` 0: the socket was dropped). */
export interface TelegramCall {
  method: string;
  params: Params;
  at: number;
  status: number;
  /** The call came in the body of a webhook answer (telegraf's `webhookReply`). */
  viaWebhookReply?: true;
}

/** A successful sendMessage / sendPhoto. `text` is the caption (or '') for photos. */
export interface TelegramSent {
  method: 'sendMessage' | 'sendPhoto';
  chatId: string;
  text: string;
  caption?: string;
  /** The photo URL or file_id, or `upload:<filename>` for an uploaded file. */
  photo?: string;
  /** An uploaded photo's part as it came (multipart): file name, content type and size in bytes. */
  upload?: { filename: string; contentType: string; size: number };
  replyMarkup?: unknown;
  messageId: number;
  at: number;
}

/** One POST to the webhook (`manual`: sent with `postToWebhook`). */
export interface TelegramWebhookDelivery {
  at: number;
  url: string;
  updateId?: number;
  attempt: number;
  status: number;
  error?: string;
  manual: boolean;
}

export interface FakeTelegramStats {
  /** Successful sendMessage / sendPhoto calls. */
  sends: number;
  /** Sends refused with 429 by the rate limits (injected `retryAfter` faults not included). */
  throttled: number;
  /** The most successful sends seen in any 1000 ms window. */
  maxInAnyGlobalWindow: number;
}

export interface TextMessageInput {
  chatId: number | string;
  chatType?: TgChat['type'];
  chatTitle?: string;
  from?: Partial<TgUser>;
  text: string;
  /** The message this one replies to: a message id in that chat (the bot's, if the fake knows it) or a message. */
  replyTo?: number | TgMessage;
}

export interface PhotoMessageInput {
  chatId: number | string;
  chatType?: TgChat['type'];
  chatTitle?: string;
  from?: Partial<TgUser>;
  caption?: string;
}

export interface CallbackQueryInput {
  chatId: number | string;
  from?: Partial<TgUser>;
  data: string;
  /** The bot message the button belongs to (default: a new bot message in that chat). */
  messageId?: number;
}

export interface MembershipInput {
  chatId: number | string;
  chatType?: TgChat['type'];
  chatTitle?: string;
  /** The person who added or removed the bot. */
  from?: Partial<TgUser>;
}

const ALL_METHODS = [
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'setMyCommands',
  'deleteMyCommands',
  'getMyCommands',
  'sendMessage',
  'sendPhoto',
  'editMessageText',
  'editMessageReplyMarkup',
  'answerCallbackQuery',
  'sendChatAction',
  'getChat',
  'leaveChat',
] as const;
type Method = (typeof ALL_METHODS)[number];

/** Update types delivered when `allowed_updates` was never given (per the getUpdates docs). */
const DEFAULT_EXCLUDED_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** The sender Telegram shows on a supergroup's `migrate_from_chat_id` service message. */
const GROUP_ANONYMOUS_BOT: TgUser = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

/** A call that ends with an API error answer. */
class ApiFail extends Error {
  constructor(readonly answer: Answer) {
    super('api failure');
  }
}

/** A call whose socket is destroyed without an answer. */
class Drop extends Error {}

function ok(result: unknown, description?: string): Answer {
  return jsonAnswer(200, description === undefined ? { ok: true, result } : { ok: true, result, description });
}

function fail(code: number, description: string, parameters?: Record<string, unknown>): ApiFail {
  const body = { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) };
  return new ApiFail(jsonAnswer(code, body));
}

/** Canonical chat id string (`"-100123"`), or undefined when it is not a numeric id. */
function normalizeChatId(value: unknown): string | undefined {
  const text = String(value).trim();
  return /^-?\d+$/.test(text) ? BigInt(text).toString() : undefined;
}

function chatTypeOf(chatId: string): TgChat['type'] {
  if (chatId.startsWith('-100')) return 'supergroup';
  return chatId.startsWith('-') ? 'group' : 'private';
}

/** A parameter that may arrive JSON-encoded (form and multipart bodies); undefined when unparsable. */
function jsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function parseList(value: unknown): string[] | undefined {
  const list = value === '' ? [] : jsonParam(value);
  return Array.isArray(list) ? list.map(String) : undefined;
}

/** `bot_command` and `mention` entities as Telegram marks them (offsets in UTF-16 code units). */
function entitiesOf(text: string): TgMessageEntity[] {
  const entities: TgMessageEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|\s)/g)) {
    entities.push({ type: 'bot_command', offset: match.index + match[1]!.length, length: match[2]!.length });
  }
  for (const match of text.matchAll(/(^|[^\w/@])(@[A-Za-z0-9_]{5,32})\b/g)) {
    entities.push({ type: 'mention', offset: match.index + match[1]!.length, length: match[2]!.length });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

type Handler = (params: Params, at: number, signal: AbortSignal) => Answer | Promise<Answer>;

interface PollWaiter {
  wake: () => void;
  supersede: () => void;
}

interface WebhookState {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** A running fake Telegram Bot API server. Create it with `startFakeTelegram`. */
export class FakeTelegram {
  /** `http://127.0.0.1:<port>`: the `apiRoot` for telegraf. */
  readonly apiRoot: string;
  readonly token: string;
  /** The bot as it appears in `from` of its own messages. */
  readonly botUser: TgUser;
  /** Every call, in the order answered. */
  readonly calls: TelegramCall[] = [];
  /** Successful sendMessage / sendPhoto calls. */
  readonly sent: TelegramSent[] = [];
  readonly webhookDeliveries: TelegramWebhookDelivery[] = [];
  /** Commands set with setMyCommands, by `scope type:language_code`. */
  readonly commands = new Map<string, unknown[]>();

  private readonly now: () => number;
  private readonly limiter: SendLimiter | undefined;
  private readonly peak = new WindowPeak(1000);
  private counters = { sends: 0, throttled: 0 };
  private readonly sleeper = new Sleeper();
  private readonly handlers: Record<Method, Handler>;
  private readonly methodsByLowerName = new Map<string, Method>(ALL_METHODS.map((m) => [m.toLowerCase(), m]));

  private queue: TgUpdate[] = [];
  private lastUpdateId = 100_000_000;
  private allowedUpdates: string[] | undefined;
  private poll: PollWaiter | null = null;
  private webhook: WebhookState | null = null;
  private readonly webhookQueue: WebhookQueue<TgUpdate>;
  private readonly rewriteWebhookUrl: (url: string) => string;

  private readonly chats = new Map<string, TgChat>();
  private readonly messageCounters = new Map<string, number>();
  private readonly messages = new Map<string, TgMessage>();
  private readonly openCallbackQueries = new Set<string>();
  private callbackCounter = 0;
  private fileCounter = 0;

  private nextFaults: Array<{ method: string; fault: TelegramFault; remaining: number }> = [];
  private readonly holds = new Map<string, { answers: number; open: Promise<void>; release: () => void }>();
  private readonly chatFaults = new Map<string, TelegramFault>();
  private closing = false;

  /** @internal use `startFakeTelegram` */
  constructor(
    private readonly server: http.Server,
    port: number,
    options: FakeTelegramOptions,
  ) {
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = options.token ?? '123456:TEST';
    this.now = options.now ?? Date.now;
    this.botUser = {
      id: Number(this.token.split(':')[0]) || 123456,
      is_bot: true,
      first_name: 'Loa Bản',
      username: 'loaban_test_bot',
    };
    const limits = options.limits === undefined ? {} : options.limits;
    this.limiter =
      limits === false
        ? undefined
        : new SendLimiter(
            [
              { scope: 'all', limit: limits.globalPerSecond ?? 30, windowMs: 1000 },
              { scope: 'group', limit: limits.perGroupPerMinute ?? 20, windowMs: 60_000 },
              { scope: 'chat', limit: limits.perChatPerSecond ?? 1, windowMs: 1000 },
            ],
            (chatId) => chatId.startsWith('-'),
          );
    this.rewriteWebhookUrl = options.rewriteWebhookUrl ?? loopbackHttp;
    this.webhookQueue = new WebhookQueue<TgUpdate>({
      retryDelayMs: options.webhookRetryDelayMs ?? 200,
      maxAttempts: options.webhookMaxAttempts ?? 5,
      timeoutMs: options.webhookTimeoutMs ?? 5000,
      now: this.now,
      rewriteUrl: this.rewriteWebhookUrl,
      serialize: (update) => JSON.stringify(update),
      onAttempt: (update, result) => this.recordDelivery(result, false, update.update_id),
      onDelivered: (_update, result) => void this.runWebhookReply(result),
    });
    this.handlers = {
      getMe: () => this.getMe(),
      getUpdates: (p, _at, signal) => this.getUpdates(p, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.getWebhookInfo(),
      setMyCommands: (p) => this.setMyCommands(p),
      deleteMyCommands: (p) => this.deleteMyCommands(p),
      getMyCommands: (p) => ok(this.commands.get(this.commandsKey(p)) ?? []),
      sendMessage: (p, at) => this.sendMessage(p, at),
      sendPhoto: (p, at) => this.sendPhoto(p, at),
      editMessageText: (p, at) => this.editMessage(p, at, true),
      editMessageReplyMarkup: (p, at) => this.editMessage(p, at, false),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      sendChatAction: (p) => this.sendChatAction(p),
      getChat: (p) => this.getChat(p),
      leaveChat: (p) => this.leaveChat(p),
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handleHttp(req, res).catch((error: unknown) => {
        writeAnswer(res, jsonAnswer(500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(error)}` }));
      });
    });
  }

  /** Send counters; `reset()` clears them. */
  get stats(): FakeTelegramStats {
    return { ...this.counters, maxInAnyGlobalWindow: this.peak.peak };
  }

  /** Successful sends to one chat. */
  sentTo(chatId: number | string): TelegramSent[] {
    const key = normalizeChatId(chatId) ?? String(chatId);
    return this.sent.filter((s) => s.chatId === key);
  }

  /** A message as it is now in a chat (after any edits), or undefined when the fake never saw it. */
  messageIn(chatId: number | string, messageId: number): TgMessage | undefined {
    return this.messages.get(`${normalizeChatId(chatId) ?? String(chatId)}:${messageId}`);
  }

  /** Successful edits (editMessageText, editMessageReplyMarkup) of messages in one chat, in order. */
  editsIn(chatId: number | string): TelegramCall[] {
    const key = normalizeChatId(chatId) ?? String(chatId);
    return this.calls.filter((c) => c.method.startsWith('editMessage') && c.status === 200 && normalizeChatId(c.params.chat_id) === key);
  }

  /** Clears calls, sent, webhook deliveries and stats (not queues, faults, webhook or rate windows). */
  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.webhookDeliveries.length = 0;
    this.counters = { sends: 0, throttled: 0 };
    this.peak.reset();
  }

  /** The next `count` calls to `method` answer with `fault`. */
  failNext(method: string, fault: TelegramFault, count = 1): void {
    this.nextFaults.push({ method: method.toLowerCase(), fault, remaining: count });
  }

  /** Every call naming `chatId` answers with `fault` until `clearFaults()`. */
  failChat(chatId: number | string, fault: TelegramFault): void {
    this.chatFaults.set(normalizeChatId(chatId) ?? String(chatId), fault);
  }

  /**
   * Carries out every later call to `method` at once (a message is delivered) but holds its answer
   * until `release(method)`: what a bot sees when Telegram took a message and the answer is on its
   * way — a bot that dies now has still sent it.
   */
  hold(method: string): void {
    if (this.holds.has(method.toLowerCase())) return;
    let release = () => {};
    const open = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(method.toLowerCase(), { answers: 0, open, release });
  }

  /** Answers held since `hold(method)`, now waiting. */
  heldAnswers(method: string): number {
    return this.holds.get(method.toLowerCase())?.answers ?? 0;
  }

  /** Lets the held answers of `method` go, and later calls answer at once again. */
  release(method: string): void {
    this.holds.get(method.toLowerCase())?.release();
    this.holds.delete(method.toLowerCase());
  }

  /** Removes every injected fault (including those the membership helpers set). */
  clearFaults(): void {
    this.nextFaults = [];
    this.chatFaults.clear();
  }

  /**
   * Queues a raw Update for getUpdates, or delivers it to the webhook when one is set.
   * `update_id` is assigned (increasing) when absent.
   */
  pushUpdate(update: Omit<TgUpdate, 'update_id'> & { update_id?: number }): TgUpdate {
    const updateId = update.update_id ?? this.lastUpdateId + 1;
    this.lastUpdateId = Math.max(this.lastUpdateId, updateId);
    const full = { ...update, update_id: updateId } as TgUpdate;
    if (this.webhook) {
      if (this.isAllowed(full, this.webhook.allowedUpdates)) this.webhookQueue.push(full);
    } else {
      this.queue.push(full);
      if (this.isAllowed(full, this.allowedUpdates)) this.poll?.wake();
    }
    return full;
  }

  /** A person's text message (commands and @mentions get their entities). */
  textMessage(input: TextMessageInput): TgUpdate {
    const chat = this.rememberChat(input.chatId, input.chatType, input.chatTitle, input.from);
    const message: TgMessage = {
      message_id: this.nextMessageId(String(chat.id)),
      from: this.personIn(chat, input.from),
      chat,
      date: this.unixNow(),
      text: input.text,
    };
    if (input.replyTo !== undefined) message.reply_to_message = this.replyTarget(chat, input.replyTo);
    const entities = entitiesOf(input.text);
    if (entities.length > 0) message.entities = entities;
    return this.pushMessage(message);
  }

  /** A person's photo, with an optional caption. */
  photoMessage(input: PhotoMessageInput): TgUpdate {
    const chat = this.rememberChat(input.chatId, input.chatType, input.chatTitle, input.from);
    const message: TgMessage = {
      message_id: this.nextMessageId(String(chat.id)),
      from: this.personIn(chat, input.from),
      chat,
      date: this.unixNow(),
      photo: this.photoSizes(),
    };
    if (input.caption !== undefined) message.caption = input.caption;
    return this.pushMessage(message);
  }

  /** A tap on an inline button of a bot message. */
  callbackQuery(input: CallbackQueryInput): TgUpdate {
    const chat = this.rememberChat(input.chatId);
    const known = input.messageId === undefined ? undefined : this.messages.get(`${chat.id}:${input.messageId}`);
    const message =
      known ??
      this.storeMessage({
        message_id: input.messageId ?? this.nextMessageId(String(chat.id)),
        from: this.botUser,
        chat,
        date: this.unixNow(),
        text: '…',
        reply_markup: { inline_keyboard: [[{ text: input.data, callback_data: input.data }]] },
      });
    this.callbackCounter += 1;
    const id = `${this.botUser.id}${String(this.callbackCounter).padStart(9, '0')}`;
    this.openCallbackQueries.add(id);
    return this.pushUpdate({
      callback_query: {
        id,
        from: this.personIn(chat, input.from),
        message,
        chat_instance: String(-(Math.abs(chat.id) * 7919 + 13)),
        data: input.data,
      },
    });
  }

  /** my_chat_member: the bot became a member of a group; clears faults for that chat. */
  botAddedToGroup(input: MembershipInput): TgUpdate {
    const chat = this.rememberChat(input.chatId, input.chatType, input.chatTitle);
    this.chatFaults.delete(String(chat.id));
    return this.membershipUpdate(chat, input.from, { status: 'left' }, { status: 'member' });
  }

  /**
   * my_chat_member: the bot was removed from a group (`left` in a basic group, `kicked` in a
   * supergroup, as Telegram reports it); later calls to that chat answer 403 kicked.
   */
  botRemovedFromGroup(input: MembershipInput): TgUpdate {
    const chat = this.rememberChat(input.chatId, input.chatType, input.chatTitle);
    this.chatFaults.set(String(chat.id), { kind: 'kicked' });
    const removed: Omit<TgChatMember, 'user'> =
      chat.type === 'group' ? { status: 'left' } : { status: 'kicked', until_date: 0 };
    return this.membershipUpdate(chat, input.from, { status: 'member' }, removed);
  }

  /** my_chat_member in a private chat: the person blocked the bot; later calls answer 403 blocked. */
  botBlockedByUser(input: { chatId: number | string; from?: Partial<TgUser> }): TgUpdate {
    const chat = this.rememberChat(input.chatId, 'private', undefined, input.from);
    this.chatFaults.set(String(chat.id), { kind: 'blocked' });
    return this.membershipUpdate(chat, input.from, { status: 'member' }, { status: 'kicked', until_date: 0 });
  }

  /**
   * A group became a supergroup. Queues the old group's message with `migrate_to_chat_id`
   * (returned) and the supergroup's message with `migrate_from_chat_id`, as Telegram sends
   * both; later calls to the old id answer 400 with `migrate_to_chat_id`.
   */
  groupMigrated(input: { chatId: number | string; newChatId: number | string; from?: Partial<TgUser> }): TgUpdate {
    const oldChat = this.rememberChat(input.chatId, 'group');
    const newChat = this.rememberChat(input.newChatId, 'supergroup', oldChat.title);
    const date = this.unixNow();
    const update = this.pushMessage({
      message_id: this.nextMessageId(String(oldChat.id)),
      from: this.personIn(oldChat, input.from),
      chat: oldChat,
      date,
      migrate_to_chat_id: newChat.id,
    });
    this.pushMessage({
      message_id: this.nextMessageId(String(newChat.id)),
      from: GROUP_ANONYMOUS_BOT,
      sender_chat: newChat,
      chat: newChat,
      date,
      migrate_from_chat_id: oldChat.id,
    });
    this.chatFaults.set(String(oldChat.id), { kind: 'migrated', newChatId: newChat.id });
    return update;
  }

  /**
   * POSTs `body` to the current webhook as Telegram would (JSON content type, secret header),
   * with `headers` overriding (an `undefined` value removes a header). For malformed,
   * oversized or wrongly signed deliveries.
   */
  async postToWebhook(
    body: string | object,
    headers: Record<string, string | undefined> = {},
  ): Promise<{ status: number; body: string }> {
    if (!this.webhook) throw new Error('no webhook is set');
    const url = this.webhook.url;
    const sent = mergeHeaders(this.webhookHeaders(), headers);
    const at = this.now();
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const result = await postBody(this.rewriteWebhookUrl(url), text, sent, 30_000, new AbortController().signal);
    const attempt: AttemptResult = { ...result, at, url, attempt: 1 };
    this.recordDelivery(attempt, true, undefined);
    if (result.status >= 200 && result.status < 300) await this.runWebhookReply(attempt);
    return { status: result.status, body: result.body.toString('utf8') };
  }

  /** Stops the server: pending long polls are answered, connections closed, deliveries stopped. */
  async close(): Promise<void> {
    this.closing = true;
    for (const method of [...this.holds.keys()]) this.release(method);
    this.poll?.wake();
    this.webhookQueue.stop();
    this.sleeper.wakeAll();
    await shutdown(this.server);
  }

  // ---- HTTP layer ----------------------------------------------------------------------

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = this.now();
    const url = new URL(req.url ?? '/', this.apiRoot);
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!route) {
      writeAnswer(res, jsonAnswer(404, { ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    const [, token, name] = route;
    let params: Params;
    try {
      params = await readParams(req, url);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      const answer = fail(400, `Bad Request: ${error.message}`).answer;
      this.record(name!, {}, at, answer);
      writeAnswer(res, answer);
      return;
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) controller.abort();
    });
    let answer: Answer;
    if (decodeURIComponent(token!) !== this.token) {
      answer = jsonAnswer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      this.record(name!, params, at, answer);
    } else {
      answer = await this.run(name!, params, at, controller.signal, false);
    }
    writeAnswer(res, answer);
  }

  /** Executes one call (from HTTP or a webhook answer), records it and returns the answer. */
  private async run(name: string, params: Params, at: number, signal: AbortSignal, viaWebhookReply: boolean): Promise<Answer> {
    const method = this.methodsByLowerName.get(name.toLowerCase());
    let answer: Answer;
    if (!method) {
      answer = jsonAnswer(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    } else {
      try {
        const fault = this.takeNextFault(method);
        if (fault) await this.applyFault(fault, params.chat_id);
        answer = await this.handlers[method](params, at, signal);
      } catch (error) {
        if (error instanceof ApiFail) answer = error.answer;
        else if (error instanceof Drop) answer = 'drop';
        else throw error;
      }
    }
    this.record(method ?? name, params, at, answer, viaWebhookReply);
    const hold = this.holds.get(name.toLowerCase());
    if (hold) {
      hold.answers++;
      await hold.open;
    }
    return answer;
  }

  private record(method: string, params: Params, at: number, answer: Answer, viaWebhookReply = false): void {
    const call: TelegramCall = { method, params, at, status: answer === 'drop' ? 0 : answer.status };
    if (viaWebhookReply) call.viaWebhookReply = true;
    this.calls.push(call);
  }

  private takeNextFault(method: Method): TelegramFault | undefined {
    const index = this.nextFaults.findIndex((f) => f.method === method.toLowerCase());
    if (index === -1) return undefined;
    const entry = this.nextFaults[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.nextFaults.splice(index, 1);
    return entry.fault;
  }

  /** Waits (slow), throws Drop (drop) or throws the fault's error answer. */
  private async applyFault(fault: TelegramFault, chatIdParam: unknown): Promise<void> {
    switch (fault.kind) {
      case 'slow':
        await this.sleeper.sleep(fault.ms);
        if (this.closing) throw new Drop();
        return;
      case 'drop':
        throw new Drop();
      case 'retryAfter':
        throw fail(429, `Too Many Requests: retry after ${fault.seconds}`, { retry_after: fault.seconds });
      case 'blocked':
        throw fail(403, 'Forbidden: bot was blocked by the user');
      case 'deactivated':
        throw fail(403, 'Forbidden: user is deactivated');
      case 'kicked': {
        const chatId = normalizeChatId(chatIdParam);
        const type = chatId ? (this.chats.get(chatId)?.type ?? chatTypeOf(chatId)) : 'group';
        throw fail(403, `Forbidden: bot was kicked from the ${type === 'private' ? 'group' : type} chat`);
      }
      case 'migrated':
        throw fail(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
          migrate_to_chat_id: Number(fault.newChatId),
        });
      case 'gatewayPage':
        throw new ApiFail(badGatewayAnswer(fault.status));
      case 'serverError':
        throw new ApiFail(
          fault.status === 502
            ? badGatewayAnswer()
            : jsonAnswer(500, { ok: false, error_code: 500, description: 'Internal Server Error' }),
        );
    }
  }

  // ---- validation helpers ----------------------------------------------------------------

  /** The chat id of a call, after applying that chat's persistent fault. */
  private async targetChat(params: Params): Promise<string> {
    const chatId = this.requireChatId(params);
    const fault = this.chatFaults.get(chatId);
    if (fault) await this.applyFault(fault, chatId);
    return chatId;
  }

  private requireChatId(params: Params): string {
    const raw = params.chat_id;
    if (raw === undefined || raw === null || String(raw).trim() === '') throw fail(400, 'Bad Request: chat_id is empty');
    const chatId = normalizeChatId(raw);
    if (!chatId) throw fail(400, 'Bad Request: chat not found');
    return chatId;
  }

  private requireText(params: Params): string {
    const text = params.text === undefined || params.text === null ? '' : String(params.text);
    if (text.trim() === '') throw fail(400, 'Bad Request: message text is empty');
    if (text.length > TEXT_LIMIT) throw fail(400, 'Bad Request: message is too long');
    return text;
  }

  private optionalCaption(params: Params): string | undefined {
    if (params.caption === undefined || params.caption === null) return undefined;
    const caption = String(params.caption);
    if (caption.length > CAPTION_LIMIT) throw fail(400, 'Bad Request: message caption is too long');
    return caption;
  }

  private checkParseMode(params: Params): void {
    const mode = params.parse_mode;
    if (mode === undefined || mode === null || mode === '') return;
    if (!['HTML', 'Markdown', 'MarkdownV2'].includes(String(mode))) throw fail(400, 'Bad Request: unsupported parse_mode');
  }

  /** The parsed reply_markup (JSON string or object), validated like the API does. */
  private replyMarkup(params: Params): Record<string, unknown> | undefined {
    const raw = params.reply_markup;
    if (raw === undefined || raw === null || raw === '') return undefined;
    const unparsable = fail(400, "Bad Request: can't parse reply keyboard markup JSON object");
    let markup: unknown = raw;
    if (typeof raw === 'string') {
      try {
        markup = JSON.parse(raw);
      } catch {
        throw unparsable;
      }
    }
    if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) throw unparsable;
    const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (keyboard !== undefined) {
      if (!Array.isArray(keyboard) || !keyboard.every((row) => Array.isArray(row))) {
        throw fail(400, 'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
      }
      for (const button of (keyboard as unknown[][]).flat()) {
        const { text, callback_data: data } = (button ?? {}) as { text?: unknown; callback_data?: unknown };
        // Wording assumed for a button without text; BUTTON_DATA_INVALID is the real answer for bad callback_data.
        if (typeof text !== 'string' || text === '') throw fail(400, "Bad Request: can't parse inline keyboard button: Text must be non-empty");
        if (data !== undefined && (typeof data !== 'string' || data === '' || Buffer.byteLength(data) > 64)) {
          throw fail(400, 'Bad Request: BUTTON_DATA_INVALID');
        }
      }
    }
    return markup as Record<string, unknown>;
  }

  /** Counts the send against the rate limits or answers 429. */
  private throttle(chatId: string, at: number): void {
    if (!this.limiter) return;
    const waitMs = this.limiter.waitMs(chatId, at);
    if (waitMs <= 0) return;
    this.counters.throttled += 1;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw fail(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
  }

  private recordSend(sent: TelegramSent): void {
    this.counters.sends += 1;
    this.peak.record(sent.at);
    this.limiter?.record(sent.chatId, sent.at);
    this.sent.push(sent);
  }

  // ---- methods ---------------------------------------------------------------------------

  private getMe(): Answer {
    return ok({
      ...this.botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    });
  }

  private async getUpdates(params: Params, signal: AbortSignal): Promise<Answer> {
    this.poll?.supersede();
    if (this.webhook) {
      throw fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = toNumber(params.offset);
    const limit = Math.min(100, Math.max(1, Math.trunc(toNumber(params.limit) ?? 100)));
    const timeoutMs = Math.max(0, (toNumber(params.timeout) ?? 0) * 1000);
    if (params.allowed_updates !== undefined) {
      const list = parseList(params.allowed_updates);
      this.allowedUpdates = list && list.length > 0 ? list : undefined;
    }
    if (offset !== undefined) {
      // A negative offset keeps only the last -offset updates; a positive one confirms all below it.
      this.queue = offset < 0 ? this.queue.slice(offset) : this.queue.filter((u) => u.update_id >= offset);
    }
    let batch = this.selectUpdates(limit);
    if (batch.length === 0 && timeoutMs > 0 && !this.closing) {
      const outcome = await this.waitForUpdate(timeoutMs, signal);
      if (outcome === 'superseded') {
        throw fail(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
      }
      batch = this.webhook ? [] : this.selectUpdates(limit);
    }
    return ok(batch);
  }

  private selectUpdates(limit: number): TgUpdate[] {
    const batch: TgUpdate[] = [];
    for (const update of this.queue) {
      if (batch.length >= limit) break;
      if (this.isAllowed(update, this.allowedUpdates)) batch.push(update);
    }
    return batch;
  }

  private isAllowed(update: TgUpdate, allowed: string[] | undefined): boolean {
    const type = Object.keys(update).find((key) => key !== 'update_id') ?? '';
    return allowed ? allowed.includes(type) : !DEFAULT_EXCLUDED_UPDATES.has(type);
  }

  private waitForUpdate(ms: number, signal: AbortSignal): Promise<'update' | 'timeout' | 'superseded' | 'aborted'> {
    return new Promise((resolve) => {
      const finish = (outcome: 'update' | 'timeout' | 'superseded' | 'aborted'): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.poll === waiter) this.poll = null;
        resolve(outcome);
      };
      const onAbort = (): void => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), ms);
      const waiter: PollWaiter = { wake: () => finish('update'), supersede: () => finish('superseded') };
      this.poll = waiter;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private setWebhook(params: Params): Answer {
    const url = params.url === undefined || params.url === null ? '' : String(params.url);
    if (url === '') return this.deleteWebhook(params);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    }
    const secretToken = params.secret_token === undefined || params.secret_token === null ? undefined : String(params.secret_token);
    // Allowed: 1-256 characters A-Z, a-z, 0-9, _ and - (setWebhook docs). The error wording is assumed.
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw fail(400, 'Bad Request: secret token contains unallowed characters');
    }
    const allowedUpdates =
      params.allowed_updates === undefined ? this.webhook?.allowedUpdates : parseList(params.allowed_updates);
    const unchanged = this.webhook?.url === url && this.webhook.secretToken === secretToken;
    const pending = this.webhook ? this.webhookQueue.stop() : this.takeQueue();
    this.webhook = { url, ...(secretToken ? { secretToken } : {}), ...(allowedUpdates?.length ? { allowedUpdates } : {}) };
    this.poll?.wake();
    const deliver = truthy(params.drop_pending_updates) ? [] : pending.filter((u) => this.isAllowed(u, this.webhook!.allowedUpdates));
    this.webhookQueue.start(url, this.webhookHeaders(), deliver);
    return ok(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(params: Params): Answer {
    const drop = truthy(params.drop_pending_updates);
    if (!this.webhook) {
      if (drop) this.queue = [];
      return ok(true, 'Webhook is already deleted');
    }
    const pending = this.webhookQueue.stop();
    this.webhook = null;
    this.queue = drop ? [] : [...pending, ...this.queue];
    return ok(true, 'Webhook was deleted');
  }

  private getWebhookInfo(): Answer {
    const hook = this.webhook;
    if (!hook) return ok({ url: '', has_custom_certificate: false, pending_update_count: this.queue.length });
    return ok({
      url: hook.url,
      has_custom_certificate: false,
      pending_update_count: this.webhookQueue.pending,
      ip_address: '127.0.0.1',
      ...(hook.lastErrorDate !== undefined
        ? { last_error_date: hook.lastErrorDate, last_error_message: hook.lastErrorMessage }
        : {}),
      max_connections: 40,
      ...(hook.allowedUpdates ? { allowed_updates: hook.allowedUpdates } : {}),
    });
  }

  private commandsKey(params: Params): string {
    const scope = jsonParam(params.scope) as { type?: unknown } | undefined;
    const type = scope?.type ?? 'default';
    return `${String(type)}:${params.language_code === undefined ? '' : String(params.language_code)}`;
  }

  private setMyCommands(params: Params): Answer {
    const commands = jsonParam(params.commands);
    if (!Array.isArray(commands)) throw fail(400, "Bad Request: can't parse commands JSON object");
    for (const entry of commands as Array<{ command?: unknown; description?: unknown }>) {
      const valid =
        typeof entry?.command === 'string' &&
        /^[a-z0-9_]{1,32}$/.test(entry.command) &&
        typeof entry.description === 'string' &&
        entry.description.length >= 1 &&
        entry.description.length <= 256;
      if (!valid) throw fail(400, 'Bad Request: BOT_COMMAND_INVALID');
    }
    this.commands.set(this.commandsKey(params), commands);
    return ok(true);
  }

  private deleteMyCommands(params: Params): Answer {
    this.commands.delete(this.commandsKey(params));
    return ok(true);
  }

  private async sendMessage(params: Params, at: number): Promise<Answer> {
    const chatId = this.requireChatId(params);
    const text = this.requireText(params);
    this.checkParseMode(params);
    const markup = this.replyMarkup(params);
    await this.targetChat(params);
    this.throttle(chatId, at);
    const message = this.botMessage(chatId, at, params, markup, { text });
    this.recordSend({
      method: 'sendMessage',
      chatId,
      text,
      ...(markup ? { replyMarkup: markup } : {}),
      messageId: message.message_id,
      at,
    });
    return ok(message);
  }

  private async sendPhoto(params: Params, at: number): Promise<Answer> {
    const chatId = this.requireChatId(params);
    const photo = params.photo;
    if (photo === undefined || photo === null || photo === '') throw fail(400, 'Bad Request: there is no photo in the request');
    const caption = this.optionalCaption(params);
    this.checkParseMode(params);
    const markup = this.replyMarkup(params);
    await this.targetChat(params);
    this.throttle(chatId, at);
    const message = this.botMessage(chatId, at, params, markup, {
      photo: this.photoSizes(),
      ...(caption ? { caption } : {}),
    });
    this.recordSend({
      method: 'sendPhoto',
      chatId,
      text: caption ?? '',
      ...(caption !== undefined ? { caption } : {}),
      photo: isUploadedFile(photo) ? `upload:${photo.filename}` : String(photo),
      ...(isUploadedFile(photo) ? { upload: { filename: photo.filename, contentType: photo.contentType, size: photo.size } } : {}),
      ...(markup ? { replyMarkup: markup } : {}),
      messageId: message.message_id,
      at,
    });
    return ok(message);
  }

  private async editMessage(params: Params, at: number, withText: boolean): Promise<Answer> {
    if (params.inline_message_id !== undefined) return ok(true);
    const chatId = this.requireChatId(params);
    const text = withText ? this.requireText(params) : undefined;
    if (withText) this.checkParseMode(params);
    const markup = this.replyMarkup(params);
    await this.targetChat(params);
    const message = this.messages.get(`${chatId}:${toNumber(params.message_id) ?? ''}`);
    if (!message) throw fail(400, 'Bad Request: message to edit not found');
    if (message.from?.id !== this.botUser.id) throw fail(400, "Bad Request: message can't be edited");
    const inline = markup && 'inline_keyboard' in markup ? markup : undefined;
    const newText = text ?? message.text;
    if (newText === message.text && JSON.stringify(inline) === JSON.stringify(message.reply_markup)) {
      throw fail(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    if (newText !== undefined) message.text = newText;
    if (inline) message.reply_markup = inline;
    else delete message.reply_markup;
    message.edit_date = Math.floor(at / 1000);
    return ok(message);
  }

  private answerCallbackQuery(params: Params): Answer {
    const id = params.callback_query_id === undefined ? '' : String(params.callback_query_id);
    if (!this.openCallbackQueries.delete(id)) {
      throw fail(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
    }
    return ok(true);
  }

  private async sendChatAction(params: Params): Promise<Answer> {
    if (!CHAT_ACTIONS.has(String(params.action))) throw fail(400, 'Bad Request: wrong parameter action in request');
    await this.targetChat(params);
    return ok(true);
  }

  private async getChat(params: Params): Promise<Answer> {
    const chatId = await this.targetChat(params);
    return ok(this.rememberChat(chatId));
  }

  private async leaveChat(params: Params): Promise<Answer> {
    const chatId = await this.targetChat(params);
    this.chatFaults.set(chatId, { kind: 'kicked' });
    return ok(true);
  }

  // ---- messages and chats ----------------------------------------------------------------

  private botMessage(
    chatId: string,
    at: number,
    params: Params,
    markup: Record<string, unknown> | undefined,
    content: Partial<TgMessage>,
  ): TgMessage {
    const chat = this.rememberChat(chatId);
    const message: TgMessage = {
      message_id: this.nextMessageId(chatId),
      from: this.botUser,
      chat,
      date: Math.floor(at / 1000),
    };
    const replyParameters = jsonParam(params.reply_parameters) as { message_id?: unknown } | undefined;
    const replyId = toNumber(replyParameters?.message_id ?? params.reply_to_message_id);
    const replied = replyId === undefined ? undefined : this.messages.get(`${chatId}:${replyId}`);
    if (replied) message.reply_to_message = replied;
    Object.assign(message, content);
    // Only inline keyboards are part of a sent Message; reply keyboards are not echoed.
    if (markup && 'inline_keyboard' in markup) message.reply_markup = markup;
    return this.storeMessage(message);
  }

  private storeMessage(message: TgMessage): TgMessage {
    this.messages.set(`${message.chat.id}:${message.message_id}`, message);
    return message;
  }

  private pushMessage(message: TgMessage): TgUpdate {
    this.storeMessage(message);
    return this.pushUpdate(message.chat.type === 'channel' ? { channel_post: message } : { message });
  }

  private replyTarget(chat: TgChat, replyTo: number | TgMessage): TgMessage {
    if (typeof replyTo !== 'number') return replyTo;
    return (
      this.messages.get(`${chat.id}:${replyTo}`) ?? {
        message_id: replyTo,
        from: this.botUser,
        chat,
        date: this.unixNow(),
        text: '…',
      }
    );
  }

  private membershipUpdate(
    chat: TgChat,
    from: Partial<TgUser> | undefined,
    before: Omit<TgChatMember, 'user'>,
    after: Omit<TgChatMember, 'user'>,
  ): TgUpdate {
    return this.pushUpdate({
      my_chat_member: {
        chat,
        from: this.personIn(chat, from),
        date: this.unixNow(),
        old_chat_member: { user: this.botUser, ...before },
        new_chat_member: { user: this.botUser, ...after },
      },
    });
  }

  /** The chat object for `chatId`, created on first use and updated by the given details. */
  private rememberChat(
    chatIdInput: number | string,
    type?: TgChat['type'],
    title?: string,
    person?: Partial<TgUser>,
  ): TgChat {
    const chatId = normalizeChatId(chatIdInput);
    if (!chatId) throw new Error(`not a numeric chat id: ${String(chatIdInput)}`);
    let chat = this.chats.get(chatId);
    if (!chat) {
      const chatType = type ?? chatTypeOf(chatId);
      const id = Number(chatId);
      chat =
        chatType === 'private'
          ? { id, first_name: 'Lan', last_name: 'Nguyễn', type: chatType }
          : { id, title: `Test group ${chatId}`, type: chatType };
      this.chats.set(chatId, chat);
    }
    if (type) chat.type = type;
    if (title !== undefined && chat.type !== 'private') chat.title = title;
    if (chat.type === 'private' && person) {
      for (const key of ['first_name', 'last_name', 'username'] as const) {
        if (person[key] !== undefined) chat[key] = person[key];
      }
    }
    return chat;
  }

  /** A person in `chat`: in private chats the chat's own user, elsewhere a default member. */
  private personIn(chat: TgChat, overrides: Partial<TgUser> = {}): TgUser {
    const base: TgUser =
      chat.type === 'private'
        ? {
            id: chat.id,
            is_bot: false,
            first_name: chat.first_name ?? 'Lan',
            ...(chat.last_name ? { last_name: chat.last_name } : {}),
            ...(chat.username ? { username: chat.username } : {}),
            language_code: 'vi',
          }
        : { id: 5012345678, is_bot: false, first_name: 'Lan', last_name: 'Nguyễn', language_code: 'vi' };
    return { ...base, ...overrides };
  }

  private nextMessageId(chatId: string): number {
    const next = (this.messageCounters.get(chatId) ?? 0) + 1;
    this.messageCounters.set(chatId, next);
    return next;
  }

  private photoSizes(): TgPhotoSize[] {
    this.fileCounter += 1;
    const n = this.fileCounter;
    return [
      [90, 51],
      [320, 180],
      [800, 450],
    ].map(([width, height], i) => ({
      file_id: `AgACAgUAAxkBAAI${n.toString(36).padStart(6, '0')}${i}`,
      file_unique_id: `AQAD${n.toString(36)}${i}`,
      file_size: Math.round((width! * height!) / 10),
      width: width!,
      height: height!,
    }));
  }

  private unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  private takeQueue(): TgUpdate[] {
    const taken = this.queue;
    this.queue = [];
    return taken;
  }

  // ---- webhook ---------------------------------------------------------------------------

  private webhookHeaders(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.webhook?.secretToken) headers['x-telegram-bot-api-secret-token'] = this.webhook.secretToken;
    return headers;
  }

  private recordDelivery(result: AttemptResult, manual: boolean, updateId: number | undefined): void {
    this.webhookDeliveries.push({
      at: result.at,
      url: result.url,
      ...(updateId !== undefined ? { updateId } : {}),
      attempt: result.attempt,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      manual,
    });
    if (!manual && this.webhook && (result.status < 200 || result.status > 299)) {
      this.webhook.lastErrorDate = Math.floor(result.at / 1000);
      this.webhook.lastErrorMessage = result.status
        ? `Wrong response from the webhook: ${result.status} ${http.STATUS_CODES[result.status] ?? ''}`.trim()
        : (result.error ?? 'Connection failed');
    }
  }

  /** Telegram executes a method call given in the body of a 2xx webhook answer. */
  private async runWebhookReply(result: AttemptResult): Promise<void> {
    if (result.body.length === 0 || this.closing) return;
    let params: Params;
    try {
      params = parseBody(result.body, result.contentType || 'application/json');
    } catch {
      return;
    }
    const { method, ...rest } = params;
    if (typeof method !== 'string') return;
    await this.run(method, rest, this.now(), new AbortController().signal, true);
  }
}

/** Starts a fake Telegram Bot API on 127.0.0.1 at a random port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const server = http.createServer();
  const port = await listen(server);
  return new FakeTelegram(server, port, options);
}
