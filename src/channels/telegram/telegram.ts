/**
 * The Telegram channel, on telegraf. Owns Telegram's side of the conversation: long polling
 * (default) or a webhook with a secret, mapping updates to InboundEvents, sending with
 * Telegram's limits (4096 characters, inline buttons), editing its own messages (a picker changes
 * in place), and mapping failures to SendErrors.
 * Telegram being unreachable at start is logged and retried; it never stops the rest of the app.
 */
import type { FastifyInstance } from 'fastify';
import { Telegraf, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup, Update } from 'telegraf/types';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/log.ts';
import type { Button, Channel, ChannelStatus, InboundEvent, InboundHandler, MessageRef, OutboundMessage, SendResult, SendTarget } from '../channel.ts';
import { splitText } from '../text.ts';
import { registerWebhook } from '../webhook.ts';
import { toSendError } from './errors.ts';
import { isReadableUpdate, toInboundEvent, type BotIdentity } from './inbound.ts';

export interface TelegramOptions {
  token: string;
  apiRoot: string;
  /** null: long polling. */
  webhook: { url: string; secret: string } | null;
  /** The app's http server; the webhook route is registered on it before it listens. */
  http: FastifyInstance;
  log: Logger;
  /** Longest wait for one API call before it counts as a transient failure. */
  requestTimeoutMs?: number;
  /** First wait before retrying a failed start (doubles up to a minute). */
  retryStartMs?: number;
}

type CallApiSignal = NonNullable<NonNullable<Parameters<Telegraf['telegram']['callApi']>[2]>['signal']>;

const allowedUpdates = ['message', 'callback_query', 'my_chat_member'] as const;
const captionLimit = 1024;
export const telegramWebhookPath = '/webhooks/telegram';

/**
 * The commands Telegram shows in its "/" menu, described from locales: a private chat's for
 * everyone (villagers first: a leader finds reporting in the bot's own menu, which follows roles);
 * a group chat's for the group's leaders, who link it, report in it and show its join code there.
 */
const privateCommands = ['start', 'menu', 'hoi', 'thamgia', 'dunglai', 'tieptuc', 'ngonngu', 'dulieucuatoi', 'trogiup'] as const;
const groupCommands = ['dangky', 'baocao', 'mathamgia', 'hoi', 'trogiup'] as const;

/** Buttons as Telegram's inline keyboard. */
const keyboard = (buttons: Button[][]): InlineKeyboardMarkup => ({ inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))) });

export class TelegramChannel implements Channel {
  readonly platform = 'telegram' as const;
  readonly maxTextLength = 4096;
  private readonly bot: Telegraf;
  private readonly log: Logger;
  private me: BotIdentity | null = null;
  private handler: InboundHandler | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private wakeRetry: (() => void) | null = null;
  private receiving: ChannelStatus = { ok: false, receiving: 'starting' };

  constructor(private readonly options: TelegramOptions) {
    this.log = options.log.child({ channel: 'telegram' });
    this.bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot, webhookReply: false } });
    this.bot.use(async (ctx) => this.dispatch(ctx.update));
    this.bot.catch((error, ctx) => this.log.error({ err: error, updateId: ctx.update.update_id }, 'update not handled'));
    if (options.webhook) {
      registerWebhook(options.http, {
        path: telegramWebhookPath,
        secretHeader: 'x-telegram-bot-api-secret-token',
        secret: options.webhook.secret,
        log: this.log,
        handle: async (body) => {
          if (!isReadableUpdate(body)) return false;
          const event = this.handler ? toInboundEvent(body, this.me) : null;
          if (event) await this.handleEvent(event, body);
          return true;
        },
      });
    }
  }

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
    this.running = this.run();
  }

  status(): ChannelStatus {
    return this.receiving;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.receiving = { ok: false, receiving: 'stopped' };
    this.wakeRetry?.();
    if (!this.options.webhook) {
      try {
        this.bot.stop('shutdown');
      } catch {
        // not polling yet
      }
    }
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  async send(target: SendTarget, message: OutboundMessage): Promise<SendResult> {
    const pieces = splitText(message.text, this.maxTextLength);
    if (!pieces) return { ok: false, error: { kind: 'invalid', reason: 'text has no place to split' }, sentMessageIds: [] };
    const sent: string[] = [];
    const markup = message.buttons?.length ? keyboard(message.buttons) : undefined;
    try {
      let rest = pieces;
      // An address Telegram fetches itself, or our own bytes (a chart) uploaded as multipart.
      const image = message.imageUrl ?? (message.image ? { source: message.image.png, filename: message.image.filename } : undefined);
      if (image) {
        const caption = pieces[0]!.length <= captionLimit ? pieces[0] : undefined;
        const lastAndOnly = caption !== undefined && pieces.length === 1;
        const photo = await this.bot.telegram.callApi(
          'sendPhoto',
          { chat_id: target.chatId, photo: image, ...(caption ? { caption } : {}), ...(lastAndOnly && markup ? { reply_markup: markup } : {}) },
          { signal: this.timeout() },
        );
        sent.push(String(photo.message_id));
        if (caption !== undefined) rest = pieces.slice(1);
      }
      for (const [i, text] of rest.entries()) {
        const last = i === rest.length - 1;
        const result = await this.bot.telegram.callApi(
          'sendMessage',
          { chat_id: target.chatId, text, ...(last && markup ? { reply_markup: markup } : {}) },
          { signal: this.timeout() },
        );
        sent.push(String(result.message_id));
      }
      return { ok: true, messageIds: sent };
    } catch (error) {
      return { ok: false, error: toSendError(error), sentMessageIds: sent };
    }
  }

  /**
   * Replaces a message's text and inline buttons (editMessageText). A message that would not
   * change is left as it is; one with an image or over the limit is `invalid` (send it anew).
   */
  async edit(target: MessageRef, message: OutboundMessage): Promise<SendResult> {
    if (message.imageUrl || message.image || message.text.length > this.maxTextLength || message.text.trim() === '') {
      return { ok: false, error: { kind: 'invalid', reason: 'this message cannot replace another' }, sentMessageIds: [] };
    }
    try {
      await this.bot.telegram.callApi(
        'editMessageText',
        { chat_id: target.chatId, message_id: Number(target.messageId), text: message.text, ...(message.buttons?.length ? { reply_markup: keyboard(message.buttons) } : {}) },
        { signal: this.timeout() },
      );
      return { ok: true, messageIds: [target.messageId] };
    } catch (error) {
      if (error instanceof TelegramError && /message is not modified/i.test(error.description)) return { ok: true, messageIds: [target.messageId] };
      return { ok: false, error: toSendError(error), sentMessageIds: [] };
    }
  }

  /** An abort signal for one API call. telegraf types it with the `abort-controller` polyfill; Node's own works at run time. */
  private timeout(): CallApiSignal {
    return AbortSignal.timeout(this.options.requestTimeoutMs ?? 15_000) as unknown as CallApiSignal;
  }

  /** Until stopped: learn who the bot is, announce its commands, then poll or set the webhook. */
  private async run(): Promise<void> {
    let wait = this.options.retryStartMs ?? 1000;
    while (!this.stopped) {
      try {
        const me = await this.bot.telegram.getMe();
        this.me = { id: me.id, username: me.username };
        this.bot.botInfo = me;
        await this.announceCommands();
        if (this.options.webhook) {
          await this.bot.telegram.setWebhook(this.options.webhook.url, {
            secret_token: this.options.webhook.secret,
            allowed_updates: [...allowedUpdates],
          });
          this.log.info({ bot: me.username, webhook: this.options.webhook.url }, 'telegram webhook set');
          this.receiving = { ok: true, receiving: 'webhook' };
          return;
        }
        this.log.info({ bot: me.username }, 'telegram long polling');
        this.receiving = { ok: true, receiving: 'polling' };
        await this.bot.launch({ allowedUpdates: [...allowedUpdates], dropPendingUpdates: false });
        return; // launch resolves when polling is stopped
      } catch (error) {
        if (this.stopped) return;
        this.receiving = { ok: false, receiving: 'starting', problem: `telegram is not reachable: ${(error as Error)?.message ?? String(error)}` };
        this.log.error({ err: error, retryInMs: wait }, 'telegram is not reachable; retrying');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wakeRetry = () => (clearTimeout(timer), resolve());
        });
        wait = Math.min(wait * 2, 60_000);
      }
    }
  }

  /** The command list in Telegram's menu is a nicety: failing to set it is logged, nothing more. */
  private async announceCommands(): Promise<void> {
    const t = translator();
    try {
      const describe = (commands: readonly string[]) => commands.map((command) => ({ command, description: t(`commands.${command}`) }));
      await this.bot.telegram.setMyCommands(describe(privateCommands));
      await this.bot.telegram.setMyCommands(describe(groupCommands), { scope: { type: 'all_group_chats' } });
    } catch (error) {
      this.log.warn({ err: error }, 'could not set the command list; going on');
    }
  }

  private async dispatch(update: Update): Promise<void> {
    if (!isReadableUpdate(update)) return void this.log.warn({ updateId: (update as { update_id?: unknown }).update_id }, 'malformed update passed over');
    const event = toInboundEvent(update, this.me);
    if (event) await this.handleEvent(event, update);
  }

  private async handleEvent(event: InboundEvent, update: Update): Promise<void> {
    if (!this.handler || this.stopped) throw new Error('telegram channel is not running');
    if ('callback_query' in update) {
      // Stops the button's spinner; not essential.
      this.bot.telegram.answerCbQuery(update.callback_query.id).catch((error) => this.log.debug({ err: error }, 'answerCallbackQuery failed'));
    }
    const work = this.handler(event);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }
}
