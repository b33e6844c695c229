/**
 * A loopback fake of the Zalo Bot Platform API (https://bot.zapps.me/docs/, served at
 * https://bot-api.zaloplatforms.com) that speaks its wire format: `POST /bot<TOKEN>/<method>`
 * with a JSON body, answers `{ ok, result }` or `{ ok:false, error_code, description }`.
 *
 * Documented and reproduced: the methods and their parameters, `getUpdates` taking only
 * `timeout` and answering ONE update object (no `update_id`, no offset), `message.date` in
 * milliseconds, `chat.chat_type` PRIVATE | GROUP, `sendMessage` text 1–2000 characters,
 * `setWebhook` `secret_token` 8–256 characters sent back in `X-Bot-Api-Secret-Token`, the
 * webhook body `{ ok: true, result: { event_name, message } }`.
 *
 * NOT documented by Zalo, so assumed here (each marked "assumed" below):
 * - the HTTP status of error answers (by default the same as `error_code`, as on Telegram;
 *   `errorHttpStatus: 200` answers every error with HTTP 200 instead);
 * - every error `description` except the poll timeout's "Request timeout";
 * - the answers for an unknown token (401), unknown method (404), getUpdates while a webhook
 *   is set (409), rate limiting (429, without any retry hint: Zalo documents none) and a
 *   person who blocked or unfollowed the bot (403);
 * - re-sending a webhook delivery that got no 2xx, and delivering queued updates to a newly
 *   set webhook;
 * - rate limits (off by default; Zalo publishes none).
 * Deliberate difference: webhook URLs may be `http://` (Zalo demands HTTPS).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badGatewayAnswer,
  BodyError,
  jsonAnswer,
  listen,
  loopbackHttp,
  postBody,
  readParams,
  SendLimiter,
  shutdown,
  Sleeper,
  toNumber,
  WebhookQueue,
  WindowPeak,
  writeAnswer,
  mergeHeaders,
} from './fake-http.js';
import type { Answer, AttemptResult, LimitRule, Params } from './fake-http.js';

export type ZaloChatType = 'PRIVATE' | 'GROUP';

/** The sender; the name is in `display_name` or, in some payloads, `first_name`. */
export interface ZaloSender {
  id: string;
  display_name?: string;
  first_name?: string;
  is_bot: boolean;
}

export interface ZaloMessage {
  message_id: string;
  /** Milliseconds since the epoch. */
  date: number;
  from: ZaloSender;
  chat: { id: string; chat_type: ZaloChatType };
  text?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  url?: string;
}

/** One update, as `result` of getUpdates and (wrapped or flat) as a webhook body. */
export interface ZaloUpdate {
  event_name: string;
  message?: ZaloMessage;
}

/** What a call (or every call to a chat) should answer instead of the normal result. */
export type ZaloFault =
  | { kind: 'retryAfter' }
  | { kind: 'blocked' }
  | { kind: 'serverError'; status?: 500 | 502 }
  | { kind: 'slow'; ms: number }
  | { kind: 'drop' };

/** Optional send limits; only the given ones are enforced. */
export interface ZaloLimits {
  globalPerSecond?: number;
  perChatPerSecond?: number;
}

export interface FakeZaloOptions {
  /** The only token the fake accepts (default `'1234567890:zalotestsecret'`). */
  token?: string;
  /** Clock in ms for dates, rate limits and recordings (default `Date.now`). Timers stay real. */
  now?: () => number;
  /** Default `false`: Zalo publishes no rate limits. */
  limits?: ZaloLimits | false;
  /** Where helpers put the sender's name (default `display_name`; the getUpdates docs show `first_name`). */
  payloadVariant?: 'display_name' | 'first_name';
  /** Webhook body: `wrapped` `{ ok, result }` as documented (default) or `flat` `{ event_name, message }` as reported from live traffic. */
  webhookEnvelope?: 'wrapped' | 'flat';
  /** HTTP status of error answers: the `error_code` (default) or always 200 (assumed; undocumented). */
  errorHttpStatus?: 'errorCode' | 200;
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
export interface ZaloCall {
  method: string;
  params: Params;
  at: number;
  status: number;
}

/** A successful sendMessage / sendPhoto / sendSticker. `text` is the caption (or '') for photos. */
export interface ZaloSent {
  method: 'sendMessage' | 'sendPhoto' | 'sendSticker';
  chatId: string;
  text: string;
  caption?: string;
  photo?: string;
  sticker?: string;
  messageId: string;
  at: number;
}

/** One POST to the webhook (`manual`: sent with `postToWebhook`). */
export interface ZaloWebhookDelivery {
  at: number;
  url: string;
  messageId?: string;
  attempt: number;
  status: number;
  error?: string;
  manual: boolean;
}

export interface FakeZaloStats {
  sends: number;
  /** Sends refused with 429 by the configured limits (injected faults not included). */
  throttled: number;
  maxInAnyGlobalWindow: number;
}

/** Who sends a helper-made message: `name` goes to `display_name` or `first_name`. */
export interface ZaloPersonInput {
  id?: string;
  name?: string;
  is_bot?: boolean;
}

export interface ZaloMessageInput {
  chatId: string;
  chatType?: ZaloChatType;
  from?: ZaloPersonInput;
}

const METHODS = [
  'getMe',
  'getUpdates',
  'setWebhook',
  'deleteWebhook',
  'getWebhookInfo',
  'sendMessage',
  'sendPhoto',
  'sendSticker',
  'sendChatAction',
] as const;
type Method = (typeof METHODS)[number];

const TEXT_MAX = 2000;

/** A call that ends with an API error answer. */
class ApiFail extends Error {
  constructor(readonly answer: Answer) {
    super('api failure');
  }
}

class Drop extends Error {}

function ok(result?: unknown): Answer {
  return jsonAnswer(200, result === undefined ? { ok: true } : { ok: true, result });
}

/** A Zalo-looking id: 20 hex digits. */
function zaloId(): string {
  return randomBytes(10).toString('hex');
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

type Handler = (params: Params, at: number, signal: AbortSignal) => Answer | Promise<Answer>;

/** A running fake Zalo Bot API server. Create it with `startFakeZalo`. */
export class FakeZalo {
  /** `http://127.0.0.1:<port>`: use it in place of `https://bot-api.zaloplatforms.com`. */
  readonly apiRoot: string;
  readonly token: string;
  /** Every call, in the order answered. */
  readonly calls: ZaloCall[] = [];
  /** Successful sends. */
  readonly sent: ZaloSent[] = [];
  readonly webhookDeliveries: ZaloWebhookDelivery[] = [];

  private readonly now: () => number;
  private readonly payloadVariant: 'display_name' | 'first_name';
  private readonly webhookEnvelope: 'wrapped' | 'flat';
  private readonly errorHttpStatus: 'errorCode' | 200;
  private readonly limiter: SendLimiter | undefined;
  private readonly peak = new WindowPeak(1000);
  private counters = { sends: 0, throttled: 0 };
  private readonly sleeper = new Sleeper();
  private readonly handlers: Record<Method, Handler>;

  private queue: ZaloUpdate[] = [];
  private waiters: Array<(update: ZaloUpdate | null) => void> = [];
  private webhook: { url: string; secretToken: string } | null = null;
  private webhookUpdatedAt: number;
  private readonly webhookQueue: WebhookQueue<ZaloUpdate>;
  private readonly rewriteWebhookUrl: (url: string) => string;
  private readonly chatTypes = new Map<string, ZaloChatType>();

  private nextFaults: Array<{ method: string; fault: ZaloFault; remaining: number }> = [];
  private readonly chatFaults = new Map<string, ZaloFault>();
  private closing = false;

  /** @internal use `startFakeZalo` */
  constructor(
    private readonly server: http.Server,
    port: number,
    options: FakeZaloOptions,
  ) {
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = options.token ?? '1234567890:zalotestsecret';
    this.now = options.now ?? Date.now;
    this.payloadVariant = options.payloadVariant ?? 'display_name';
    this.webhookEnvelope = options.webhookEnvelope ?? 'wrapped';
    this.errorHttpStatus = options.errorHttpStatus ?? 'errorCode';
    this.webhookUpdatedAt = this.now();
    const limits = options.limits ?? false;
    const rules: LimitRule[] = [];
    if (limits && limits.globalPerSecond !== undefined) rules.push({ scope: 'all', limit: limits.globalPerSecond, windowMs: 1000 });
    if (limits && limits.perChatPerSecond !== undefined) rules.push({ scope: 'chat', limit: limits.perChatPerSecond, windowMs: 1000 });
    this.limiter = rules.length > 0 ? new SendLimiter(rules, () => false) : undefined;
    this.rewriteWebhookUrl = options.rewriteWebhookUrl ?? loopbackHttp;
    this.webhookQueue = new WebhookQueue<ZaloUpdate>({
      retryDelayMs: options.webhookRetryDelayMs ?? 200,
      maxAttempts: options.webhookMaxAttempts ?? 5,
      timeoutMs: options.webhookTimeoutMs ?? 5000,
      now: this.now,
      rewriteUrl: this.rewriteWebhookUrl,
      serialize: (update) => JSON.stringify(this.webhookBody(update)),
      onAttempt: (update, result) => this.recordDelivery(result, false, update.message?.message_id),
    });
    this.handlers = {
      getMe: () => this.getMe(),
      getUpdates: (p, _at, signal) => this.getUpdates(p, signal),
      setWebhook: (p, at) => this.setWebhook(p, at),
      deleteWebhook: (_p, at) => this.deleteWebhook(at),
      getWebhookInfo: () => ok({ url: this.webhook?.url ?? '', updated_at: this.webhookUpdatedAt }),
      sendMessage: (p, at) => this.sendMessage(p, at),
      sendPhoto: (p, at) => this.sendPhoto(p, at),
      sendSticker: (p, at) => this.sendSticker(p, at),
      sendChatAction: (p) => this.sendChatAction(p),
    };
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.handleHttp(req, res).catch((error: unknown) => {
        writeAnswer(res, this.fail(500, `Internal Server Error: ${String(error)}`).answer);
      });
    });
  }

  get stats(): FakeZaloStats {
    return { ...this.counters, maxInAnyGlobalWindow: this.peak.peak };
  }

  /** Successful sends to one chat. */
  sentTo(chatId: string): ZaloSent[] {
    return this.sent.filter((s) => s.chatId === chatId);
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
  failNext(method: string, fault: ZaloFault, count = 1): void {
    this.nextFaults.push({ method, fault, remaining: count });
  }

  /** Every call naming `chatId` answers with `fault` until `clearFaults()`. */
  failChat(chatId: string, fault: ZaloFault): void {
    this.chatFaults.set(chatId, fault);
  }

  clearFaults(): void {
    this.nextFaults = [];
    this.chatFaults.clear();
  }

  /** Hands a raw update to a waiting getUpdates, queues it, or delivers it to the webhook. */
  pushUpdate(update: ZaloUpdate): ZaloUpdate {
    if (this.webhook) this.webhookQueue.push(update);
    else {
      const waiter = this.waiters.shift();
      if (waiter) waiter(update);
      else this.queue.push(update);
    }
    return update;
  }

  /** `message.text.received` from a person. */
  textMessage(input: ZaloMessageInput & { text: string }): ZaloUpdate {
    return this.pushUpdate({ event_name: 'message.text.received', message: { ...this.envelope(input), text: input.text } });
  }

  /** `message.image.received`: `photo` is the image URL. */
  imageMessage(input: ZaloMessageInput & { photo?: string; caption?: string }): ZaloUpdate {
    const message: ZaloMessage = {
      ...this.envelope(input),
      photo: input.photo ?? `https://photo-stal-1.zadn.vn/${zaloId()}.jpg`,
    };
    if (input.caption !== undefined) message.caption = input.caption;
    return this.pushUpdate({ event_name: 'message.image.received', message });
  }

  /** `message.sticker.received`: `sticker` is the sticker id, `url` its image. */
  stickerMessage(input: ZaloMessageInput & { sticker?: string; url?: string }): ZaloUpdate {
    const sticker = input.sticker ?? zaloId();
    return this.pushUpdate({
      event_name: 'message.sticker.received',
      message: {
        ...this.envelope(input),
        sticker,
        url: input.url ?? `https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=${sticker}&size=130`,
      },
    });
  }

  /** `message.unsupported.received`: Zalo withholds the content (protected senders). */
  unsupportedMessage(input: ZaloMessageInput): ZaloUpdate {
    return this.pushUpdate({ event_name: 'message.unsupported.received', message: this.envelope(input) });
  }

  /**
   * POSTs `body` to the current webhook as Zalo would (JSON content type, secret header),
   * with `headers` overriding (an `undefined` value removes a header).
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
    this.recordDelivery({ ...result, at, url, attempt: 1 }, true, undefined);
    return { status: result.status, body: result.body.toString('utf8') };
  }

  /** Stops the server: pending polls are answered, connections closed, deliveries stopped. */
  async close(): Promise<void> {
    this.closing = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
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
      writeAnswer(res, this.fail(404, 'Not Found').answer); // assumed
      return;
    }
    const [, token, name] = route;
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) controller.abort();
    });
    let params: Params = {};
    let answer: Answer;
    try {
      params = await readParams(req, url);
      if (decodeURIComponent(token!) !== this.token) throw this.fail(401, 'Unauthorized'); // assumed
      const method = (METHODS as readonly string[]).includes(name!) ? (name as Method) : undefined; // names are case-sensitive
      if (!method) throw this.fail(404, 'Not Found'); // assumed
      const fault = this.takeNextFault(method);
      if (fault) await this.applyFault(fault);
      answer = await this.handlers[method](params, at, controller.signal);
    } catch (error) {
      if (error instanceof ApiFail) answer = error.answer;
      else if (error instanceof Drop) answer = 'drop';
      else if (error instanceof BodyError) answer = this.fail(400, `Bad Request: ${error.message}`).answer; // assumed
      else throw error;
    }
    this.calls.push({ method: name!, params, at, status: answer === 'drop' ? 0 : answer.status });
    writeAnswer(res, answer);
  }

  /** An error answer; its HTTP status follows `errorHttpStatus`. */
  private fail(code: number, description: string): ApiFail {
    const status = this.errorHttpStatus === 200 ? 200 : code;
    return new ApiFail(jsonAnswer(status, { ok: false, error_code: code, description }));
  }

  private takeNextFault(method: Method): ZaloFault | undefined {
    const index = this.nextFaults.findIndex((f) => f.method === method);
    if (index === -1) return undefined;
    const entry = this.nextFaults[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.nextFaults.splice(index, 1);
    return entry.fault;
  }

  private async applyFault(fault: ZaloFault): Promise<void> {
    switch (fault.kind) {
      case 'slow':
        await this.sleeper.sleep(fault.ms);
        if (this.closing) throw new Drop();
        return;
      case 'drop':
        throw new Drop();
      case 'retryAfter':
        // Zalo documents no rate limits and no retry hint (no retry_after, no Retry-After): none is sent.
        throw this.fail(429, 'Too Many Requests');
      case 'blocked':
        // Assumed: Zalo does not document what a send to a person who blocked or unfollowed the bot answers.
        throw this.fail(403, 'Forbidden: the user has blocked the bot or does not follow it');
      case 'serverError':
        // Assumed shapes: a JSON 500, or the HTML page of a gateway for 502.
        throw new ApiFail(
          fault.status === 502 ? badGatewayAnswer() : this.fail(500, 'Internal Server Error').answer,
        );
    }
  }

  // ---- methods ---------------------------------------------------------------------------

  private getMe(): Answer {
    return ok({
      id: this.token.split(':')[0],
      account_name: 'bot.LoaBanTest',
      account_type: 'BASIC',
      can_join_groups: false,
    });
  }

  private async getUpdates(params: Params, signal: AbortSignal): Promise<Answer> {
    if (this.webhook) throw this.fail(409, 'Conflict: getUpdates is not available while a webhook is set'); // assumed
    const timeoutMs = Math.max(0, (toNumber(params.timeout) ?? 30) * 1000);
    const queued = this.queue.shift();
    if (queued) return ok(queued);
    const update = timeoutMs > 0 && !this.closing ? await this.waitForUpdate(timeoutMs, signal) : null;
    if (update) return ok(update);
    throw this.fail(408, 'Request timeout');
  }

  private waitForUpdate(ms: number, signal: AbortSignal): Promise<ZaloUpdate | null> {
    return new Promise((resolve) => {
      const finish = (update: ZaloUpdate | null): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== finish);
        resolve(update);
      };
      const onAbort = (): void => finish(null);
      const timer = setTimeout(() => finish(null), ms);
      this.waiters.push(finish);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private setWebhook(params: Params, at: number): Answer {
    const url = typeof params.url === 'string' ? params.url : '';
    if (!isHttpUrl(url)) throw this.fail(400, 'Bad Request: url must be a valid HTTPS URL'); // assumed
    const secretToken = typeof params.secret_token === 'string' ? params.secret_token : '';
    if (secretToken.length < 8 || secretToken.length > 256) {
      throw this.fail(400, 'Bad Request: secret_token must be 8-256 characters'); // assumed wording
    }
    const pending = this.webhook ? this.webhookQueue.stop() : this.queue.splice(0);
    this.webhook = { url, secretToken };
    this.webhookUpdatedAt = at;
    this.webhookQueue.start(url, this.webhookHeaders(), pending);
    return ok({ url, updated_at: at });
  }

  private deleteWebhook(at: number): Answer {
    if (this.webhook) {
      this.queue = [...this.webhookQueue.stop(), ...this.queue];
      this.webhook = null;
    }
    this.webhookUpdatedAt = at;
    return ok({ url: '', updated_at: at });
  }

  private async sendMessage(params: Params, at: number): Promise<Answer> {
    const chatId = this.requireChatId(params);
    const text = typeof params.text === 'string' ? params.text : '';
    // Documented: 1 to 2000 characters (counted here in UTF-16 code units). Wording assumed.
    if (text.length < 1 || text.length > TEXT_MAX) throw this.fail(400, 'Bad Request: text must be 1-2000 characters');
    await this.targetChat(chatId);
    this.throttle(chatId, at);
    return this.recordSend({ method: 'sendMessage', chatId, text, messageId: zaloId(), at });
  }

  private async sendPhoto(params: Params, at: number): Promise<Answer> {
    const chatId = this.requireChatId(params);
    const photo = typeof params.photo === 'string' ? params.photo : '';
    if (!isHttpUrl(photo)) throw this.fail(400, 'Bad Request: photo must be an image URL'); // assumed
    const caption = params.caption === undefined || params.caption === null ? undefined : String(params.caption);
    if (caption !== undefined && (caption.length < 1 || caption.length > TEXT_MAX)) {
      throw this.fail(400, 'Bad Request: caption must be 1-2000 characters'); // assumed wording
    }
    await this.targetChat(chatId);
    this.throttle(chatId, at);
    return this.recordSend({
      method: 'sendPhoto',
      chatId,
      text: caption ?? '',
      ...(caption !== undefined ? { caption } : {}),
      photo,
      messageId: zaloId(),
      at,
    });
  }

  private async sendSticker(params: Params, at: number): Promise<Answer> {
    const chatId = this.requireChatId(params);
    const sticker = typeof params.sticker === 'string' ? params.sticker : '';
    if (sticker === '') throw this.fail(400, 'Bad Request: sticker is required'); // assumed
    await this.targetChat(chatId);
    this.throttle(chatId, at);
    return this.recordSend({ method: 'sendSticker', chatId, text: '', sticker, messageId: zaloId(), at });
  }

  private async sendChatAction(params: Params): Promise<Answer> {
    const chatId = this.requireChatId(params);
    if (params.action !== 'typing' && params.action !== 'upload_photo') {
      throw this.fail(400, 'Bad Request: action must be typing or upload_photo'); // assumed
    }
    await this.targetChat(chatId);
    return ok();
  }

  // ---- helpers ---------------------------------------------------------------------------

  private requireChatId(params: Params): string {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === null || String(chatId).trim() === '') {
      throw this.fail(400, 'Bad Request: chat_id is required'); // assumed
    }
    return String(chatId);
  }

  private async targetChat(chatId: string): Promise<void> {
    const fault = this.chatFaults.get(chatId);
    if (fault) await this.applyFault(fault);
  }

  private throttle(chatId: string, at: number): void {
    if (!this.limiter || this.limiter.waitMs(chatId, at) <= 0) return;
    this.counters.throttled += 1;
    throw this.fail(429, 'Too Many Requests'); // assumed; no retry hint (none documented)
  }

  private recordSend(sent: ZaloSent): Answer {
    this.counters.sends += 1;
    this.peak.record(sent.at);
    this.limiter?.record(sent.chatId, sent.at);
    this.sent.push(sent);
    return ok({ message_id: sent.messageId, date: sent.at });
  }

  /** The common part of a helper-made message. */
  private envelope(input: ZaloMessageInput): ZaloMessage {
    const chatType = input.chatType ?? this.chatTypes.get(input.chatId) ?? 'PRIVATE';
    this.chatTypes.set(input.chatId, chatType);
    const from: ZaloSender = {
      id: input.from?.id ?? (chatType === 'PRIVATE' ? input.chatId : 'a1b2c3d4e5f60718293a'),
      [this.payloadVariant]: input.from?.name ?? 'Nguyễn Thị Lan',
      is_bot: input.from?.is_bot ?? false,
    };
    return {
      message_id: zaloId(),
      date: this.now(),
      from,
      chat: { id: input.chatId, chat_type: chatType },
    };
  }

  private webhookBody(update: ZaloUpdate): unknown {
    return this.webhookEnvelope === 'flat' ? update : { ok: true, result: update };
  }

  private webhookHeaders(): Record<string, string> {
    return {
      'content-type': 'application/json',
      ...(this.webhook ? { 'x-bot-api-secret-token': this.webhook.secretToken } : {}),
    };
  }

  private recordDelivery(result: AttemptResult, manual: boolean, messageId: string | undefined): void {
    this.webhookDeliveries.push({
      at: result.at,
      url: result.url,
      ...(messageId !== undefined ? { messageId } : {}),
      attempt: result.attempt,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
      manual,
    });
  }
}

/** Starts a fake Zalo Bot API on 127.0.0.1 at a random port. */
export async function startFakeZalo(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  const server = http.createServer();
  const port = await listen(server);
  return new FakeZalo(server, port, options);
}
