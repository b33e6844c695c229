/**
 * The Zalo channel: talks to the Zalo Bot Platform (`POST {apiRoot}/bot{token}/{method}`, JSON)
 * with axios. Receives by webhook (`POST /webhooks/zalo` on the app's http server) or by long
 * polling `getUpdates`, turns updates into `InboundEvent`s, and sends text (split at 2000
 * characters), photos and buttons (as numbered choices remembered per chat). Every Zalo failure
 * leaves here as a `SendError`.
 */
import axios, { type AxiosInstance } from 'axios';
import type { FastifyInstance } from 'fastify';
import type { ChoiceMemory } from './choices.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/log.ts';
import type { Channel, ChannelStatus, InboundEvent, InboundHandler, OutboundMessage, SendResult, SendTarget } from '../channel.ts';
import { registerWebhook } from '../webhook.ts';
import { emptyPollCode, readAnswer, requestFailure, type ZaloOutcome } from './errors.ts';
import { choiceNumber, readUpdate, toInboundEvent, type ZaloUpdate } from './inbound.ts';
import { renderPieces } from './outbound.ts';

export interface ZaloOptions {
  /** The bot token, "bot_id:secret". */
  token: string;
  /** e.g. https://bot-api.zaloplatforms.com (no trailing slash). */
  apiRoot: string;
  /** Receive by webhook at this public URL, checking this secret; null → long polling. */
  webhook: { url: string; secret: string } | null;
  /** The app's http server: the webhook route is registered on it in the constructor. */
  http: FastifyInstance;
  /** Numbered choices memory (Zalo has no buttons). */
  choices: ChoiceMemory;
  log: Logger;
  /** getUpdates `timeout` in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Longest wait for one API call (sends), in ms (default 15000); a poll waits its timeout + 10 s. */
  requestTimeoutMs?: number;
  /** Wait after a 429 that carries no hint, in ms (default 1000; Zalo documents no hint). */
  defaultRetryAfterMs?: number;
}

/** Zalo's limit for `sendMessage` text, 1–2000 characters (documented). */
const textMax = 2000;
/** Zalo's limit for a `sendPhoto` caption: 1–2000 characters, documented like the text's. */
const captionMax = 2000;
const webhookPath = '/webhooks/zalo';
const secretHeader = 'x-bot-api-secret-token';
const backoffFirstMs = 1000;
const backoffMaxMs = 30_000;

interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The Zalo Bot Platform as a `Channel`. Construct before the http server listens; `start` after. */
export class ZaloChannel implements Channel {
  readonly platform = 'zalo' as const;
  readonly maxTextLength = textMax;

  private readonly api: AxiosInstance;
  private readonly log: Logger;
  private readonly pollTimeoutSeconds: number;
  private readonly requestTimeoutMs: number;
  private readonly defaultRetryAfterMs: number;
  private handler: InboundHandler | null = null;
  private botName: string | null = null;
  private polling: Promise<void> | null = null;
  private abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private receiving: ChannelStatus = { ok: false, receiving: 'starting' };

  constructor(private readonly options: ZaloOptions) {
    this.log = options.log.child({ channel: 'zalo' });
    this.pollTimeoutSeconds = options.pollTimeoutSeconds ?? 30;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 1000;
    this.api = axios.create({
      baseURL: `${options.apiRoot}/bot${options.token}`,
      headers: { 'content-type': 'application/json' },
      validateStatus: () => true,
    });
    const webhook = options.webhook;
    if (webhook) {
      registerWebhook(options.http, {
        path: webhookPath,
        secretHeader,
        secret: webhook.secret,
        handle: (body) => this.receiveWebhook(body),
        log: this.log,
      });
    }
  }

  /**
   * Starts receiving: registers the webhook with Zalo (a failure is logged; the route still works)
   * or removes it and starts long polling. Also asks Zalo for the bot's name (for group mentions).
   */
  async start(handler: InboundHandler): Promise<void> {
    if (this.handler) throw new Error('the Zalo channel is already started');
    this.abort = new AbortController();
    this.handler = handler;
    await this.identify();
    const webhook = this.options.webhook;
    if (webhook) {
      const outcome = await this.call('setWebhook', { url: webhook.url, secret_token: webhook.secret });
      if (outcome.ok) this.log.info({ url: webhook.url }, 'zalo webhook set');
      else this.log.error({ url: webhook.url, error: outcome.error }, 'zalo setWebhook failed; the webhook route still answers');
      this.receiving = outcome.ok ? { ok: true, receiving: 'webhook' } : { ok: false, receiving: 'webhook', problem: `zalo setWebhook failed: ${outcome.error.reason}` };
      return;
    }
    const outcome = await this.call('deleteWebhook', {});
    if (!outcome.ok) this.log.warn({ error: outcome.error }, 'zalo deleteWebhook failed; polling anyway');
    this.receiving = { ok: true, receiving: 'polling' };
    this.polling = this.pollLoop(handler, this.abort.signal);
  }

  status(): ChannelStatus {
    return this.receiving;
  }

  /** Stops receiving (a pending poll is aborted) and waits for the updates being handled. */
  async stop(): Promise<void> {
    this.handler = null;
    this.receiving = { ok: false, receiving: 'stopped' };
    this.abort.abort();
    await this.polling;
    this.polling = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Sends `message` to a chat: an image first (`sendPhoto`, the first text piece as its caption),
   * then the text in pieces of at most 2000 characters; buttons as numbered choices at the end.
   * Stops at the first piece Zalo refuses, returning the ids of the pieces already sent.
   */
  async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
    const buttons = message.buttons?.flat() ?? [];
    const pieces = renderPieces(message.text, buttons, translator()('choices.hint'), textMax);
    if (!pieces) {
      return { ok: false, error: { kind: 'invalid', reason: `a word is longer than ${textMax} characters: no place to split` }, sentMessageIds: [] };
    }
    const calls: Array<{ method: 'sendPhoto' | 'sendMessage'; body: Record<string, unknown> }> = [];
    if (message.imageUrl) {
      const caption = pieces[0] !== undefined && pieces[0].length <= captionMax ? pieces.shift() : undefined;
      calls.push({ method: 'sendPhoto', body: { chat_id: target.chatId, photo: message.imageUrl, ...(caption ? { caption } : {}) } });
    }
    for (const text of pieces) calls.push({ method: 'sendMessage', body: { chat_id: target.chatId, text } });
    if (calls.length === 0) return { ok: false, error: { kind: 'invalid', reason: 'nothing to send: empty text' }, sentMessageIds: [] };

    // Remembered before sending, so a quick "2" already finds them. A message without choices
    // clears the old ones: a "2" typed after it is a number (of people, say), not a stale choice.
    await this.options.choices.remember(target.chatId, buttons);
    const sent: string[] = [];
    for (const { method, body } of calls) {
      const outcome = await this.call(method, body);
      if (!outcome.ok) return { ok: false, error: outcome.error, sentMessageIds: sent };
      const result = outcome.result as { message_id?: unknown } | undefined;
      sent.push(String(result?.message_id ?? ''));
    }
    return { ok: true, messageIds: sent };
  }

  /** One API call; never throws. */
  private async call(method: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<ZaloOutcome> {
    try {
      const answer = await this.api.post(`/${method}`, body, {
        timeout: options.timeoutMs ?? this.requestTimeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return readAnswer(answer.status, answer.data, answer.headers as Record<string, unknown>, this.defaultRetryAfterMs);
    } catch (error) {
      return requestFailure(error);
    }
  }

  /** Asks Zalo who the bot is; its name is what a group mention names. A failure is not fatal. */
  private async identify(): Promise<void> {
    const outcome = await this.call('getMe', {});
    if (!outcome.ok) {
      this.log.warn({ error: outcome.error }, 'zalo getMe failed; group mentions will not be recognised');
      return;
    }
    const me = (outcome.result ?? {}) as Record<string, unknown>;
    const name = [me.display_name, me.account_name, me.name].find((v): v is string => typeof v === 'string' && v !== '');
    this.botName = name ?? null;
    this.log.info({ bot: this.botName, id: me.id }, 'zalo bot identified');
  }

  /** The event for an update, with a reply "2" to numbered choices read as the second button. */
  private async toEvent(update: ZaloUpdate): Promise<InboundEvent | null> {
    const event = toInboundEvent(update, this.botName);
    if (!event || event.type !== 'message' || event.attachment) return event;
    const n = choiceNumber(event.text);
    const button = n === null ? null : await this.options.choices.recall(event.chat.id, n);
    return button ? { ...event, type: 'button', buttonData: button.data } : event;
  }

  /** Hands one update to `handler`; updates that carry nothing usable are skipped. */
  private async dispatch(update: ZaloUpdate, handler: InboundHandler): Promise<void> {
    const event = await this.toEvent(update);
    if (!event) {
      this.log.debug({ event: update.event_name }, 'zalo update without a usable message ignored');
      return;
    }
    await handler(event);
  }

  /** Runs `work` as an in-flight task that `stop` waits for. */
  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** The webhook's handler: false for a body that is not a Zalo update (400); throws when handling failed (500: Zalo re-sends). */
  private async receiveWebhook(body: unknown): Promise<boolean> {
    const update = readUpdate(body);
    if (!update) return false;
    const handler = this.handler;
    if (!handler) throw new Error('the Zalo channel is not receiving (not started, or stopping)');
    await this.track(this.dispatch(update, handler));
    return true;
  }

  /**
   * Long polling: one update per answer; 408 is an empty poll. Failures back off 1 s, 2 s, 4 s …
   * up to 30 s, reset by any answer. A failing handler is logged and polling goes on: nothing ends
   * this loop but `stop`.
   */
  private async pollLoop(handler: InboundHandler, signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const outcome = await this.call('getUpdates', { timeout: this.pollTimeoutSeconds }, { timeoutMs: (this.pollTimeoutSeconds + 10) * 1000, signal });
        if (outcome.ok) {
          failures = 0;
          this.receiving = { ok: true, receiving: 'polling' };
          // Zalo has no offset: an update it answered with is gone from its side, so handle it even when stopping.
          await this.handlePolled(outcome.result, handler);
          continue;
        }
        if (signal.aborted) break;
        if (outcome.code === emptyPollCode) {
          failures = 0;
          this.receiving = { ok: true, receiving: 'polling' };
          continue;
        }
        const delayMs = Math.min(backoffFirstMs * 2 ** failures, backoffMaxMs);
        failures += 1;
        // One failed poll is a hiccup; three in a row (about 7 s of backing off) is not receiving.
        if (failures >= 3) this.receiving = { ok: false, receiving: 'polling', problem: `zalo getUpdates failing: ${outcome.error.reason}` };
        const level = outcome.error.kind === 'transient' ? 'warn' : 'error';
        this.log[level]({ error: outcome.error, retryInMs: delayMs }, 'zalo getUpdates failed');
        await sleep(delayMs, signal);
      } catch (error) {
        // Not expected (call never throws); kept so that the loop cannot die.
        this.log.error({ err: error }, 'zalo poll loop error');
        await sleep(backoffFirstMs, signal);
      }
    }
  }

  private async handlePolled(result: unknown, handler: InboundHandler): Promise<void> {
    const update = readUpdate(result);
    if (!update) {
      this.log.warn('zalo getUpdates answered something that is not an update; skipped');
      return;
    }
    const message = update.message as { message_id?: unknown } | undefined;
    try {
      await this.track(this.dispatch(update, handler));
    } catch (error) {
      this.log.error({ err: error, messageId: message?.message_id, event: update.event_name }, 'zalo update handling failed');
    }
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
