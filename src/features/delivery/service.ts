/**
 * Delivery put together: every minute (and at start) due schedules become broadcasts, other jobs
 * queue theirs (the report reminders), broadcasts expand into the outbox, and one dispatcher per
 * platform drains it. Direct sends (replies, alerts) are paced through the same per-platform slot
 * clock, so they share one budget with broadcasts and never wait behind them: a reply takes the
 * next slot, at most a few lanes' worth (a fraction of a second) after the ones already reserved.
 */
import type { Channel, MessageRef, OutboundMessage, SendResult, SendTarget } from '../../channels/channel.ts';
import type { Config } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import { workerName } from '../../core/store/presence.ts';
import type { Lead } from '../../core/store/presence.ts';
import type { Db } from '../../core/store/store.ts';
import { expandDue, messageSource } from './broadcasts.ts';
import { ChatGate } from './chat-gate.ts';
import { nextSlot, startInSlot } from './send-window.ts';
import type { Dispatcher, StillWanted } from './dispatcher.ts';
import { databaseClock, type RateClock } from './rate-clock.ts';
import { runDueSchedules, type ScheduleLibrary } from './schedules.ts';

/** Work that queues broadcasts of its own on each tick (the report reminders); returns how many it queued. */
export type DeliveryJob = (now: Date) => Promise<number>;

export interface DeliveryService {
  dispatchers: Dispatcher[];
  /** Runs due schedules and jobs and expands due broadcasts now (the minute tick does the same). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface DeliveryOptions {
  db: Db;
  channels: Channel[];
  config: Pick<Config, 'delivery' | 'timeZone' | 'quietHours'>;
  library: ScheduleLibrary;
  /** The embedded database: this is the only process, every old lease is dead. */
  soleProcess: boolean;
  log: Logger;
  now?: () => Date;
  /** Run on each tick after the schedules; one that fails is logged and runs again next minute. */
  jobs?: DeliveryJob[];
  /** Re-checks a delivery just before it goes (a report reminder to a group that has reported since is skipped). */
  stillWanted?: StillWanted;
  /** The platforms' send clock, shared with the paced replies (rate-clock.ts); absent: the database's. */
  clock?: RateClock;
  /** The workers alive on the database now (core/store/presence.ts), on PostgreSQL; null when it cannot tell. */
  aliveWorkers?: () => Promise<string[] | null>;
  /**
   * Where several processes share the database: the tick's lock, null while another process holds
   * it (core/store/presence.ts). A tick waits a little for its turn (a "send now" longer), then
   * leaves the work to that process and the next minute.
   */
  tickLock?: () => Promise<Lead | null>;
  /** Every platform this deployment sends on (a broadcast is expanded for all, whichever process expands it); absent: the channels'. */
  platforms?: string[];
}

/** How long a tick waits while another process ticks: the minute's, and one asked for now (a "send now"). */
const minuteWaitMs = 5_000;
const kickWaitMs = 30_000;

function ratesFor(config: Pick<Config, 'delivery'>, platform: string) {
  return config.delivery.rates[platform as keyof Config['delivery']['rates']];
}

export async function startDelivery(options: DeliveryOptions): Promise<DeliveryService> {
  // Loaded here, not with the slice: the commands that only read or list (`loaban groups`) need neither.
  const [{ default: cron }, { Dispatcher }] = await Promise.all([import('node-cron'), import('./dispatcher.ts')]);
  const { db, channels, config, log } = options;
  const now = options.now ?? (() => new Date());
  const platforms = options.platforms ?? channels.map((c) => c.platform);
  const messageFor = messageSource(db);
  const dispatchers = channels.map(
    (channel) =>
      new Dispatcher({
        db,
        channel,
        limits: ratesFor(config, channel.platform),
        worker: workerName,
        aliveWorkers: options.aliveWorkers,
        messageFor,
        stillWanted: options.stillWanted,
        timeZone: config.timeZone,
        quietHours: config.quietHours,
        maxAttempts: config.delivery.maxAttempts,
        concurrency: config.delivery.concurrency,
        soleProcess: options.soleProcess,
        clock: options.clock,
        log,
        now: () => now().getTime(),
      }),
  );
  let ticking: Promise<void> | null = null;
  let stopped = false;
  /**
   * Several processes on one database tick one at a time (a lock per tick): each finds what the one
   * before did. Returns the lock's release, or null when this tick is left to the process holding it.
   */
  async function takeTurn(waitMs: number): Promise<(() => Promise<void>) | null> {
    if (!options.tickLock) return async () => {};
    for (const until = Date.now() + waitMs; ; ) {
      const lead = await options.tickLock();
      if (lead) return () => lead.release();
      if (Date.now() > until || stopped) return null;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  const tickNow = (waitMs: number) =>
    (ticking ??= (async () => {
      try {
        const release = await takeTurn(waitMs);
        if (!release) return;
        try {
          await tickOnce(now());
        } finally {
          await release();
        }
      } catch (error) {
        log.error({ err: error }, 'schedule tick failed; it runs again next minute');
      } finally {
        ticking = null;
      }
    })());
  const tick = () => tickNow(kickWaitMs);
  /** One tick: due schedules and jobs become broadcasts, due broadcasts expand into the outbox. */
  async function tickOnce(at: Date): Promise<void> {
    const runs = await runDueSchedules({ db, library: options.library, timeZone: config.timeZone }, at, config.delivery.graceMinutes);
    if (runs.broadcasts.length > 0 || runs.skipped > 0) log.info(runs, 'schedules ran');
    let queued = 0;
    for (const job of options.jobs ?? []) {
      queued += await job(at).catch((error: unknown) => {
        log.error({ err: error }, 'delivery job failed; it runs again next minute');
        return 0;
      });
    }
    const expanded = await expandDue(db, platforms, at);
    for (const e of expanded) log.info(e, 'broadcast queued');
    if (expanded.length > 0 || queued > 0) for (const d of dispatchers) d.wake();
  }
  for (const d of dispatchers) await d.start();
  await tickNow(minuteWaitMs);
  const job = cron.schedule('* * * * *', () => void tickNow(minuteWaitMs), { name: 'delivery-tick' });
  return {
    dispatchers,
    tick,
    async stop() {
      stopped = true;
      await job.destroy();
      await ticking;
      await Promise.all(dispatchers.map((d) => d.stop()));
    },
  };
}

/** Times a reply the platform throttled is sent again after the wait it was told. */
const throttledRetries = 2;

/**
 * `channel` with each send first taking a slot of its platform's clock, for sends outside the
 * outbox (replies, alerts), and keeping to the per-chat limits (ChatGate): replies to one chat
 * queue behind each other, never faster than the platform allows, and one the platform still
 * throttles is sent again after the wait it was told — never dropped. If the clock cannot be read
 * the message still goes: a reply matters more than the budget. A chat id starting with "-" is a
 * group (Telegram's numbering), for the per-group limit.
 */
export function pacedChannel(channel: Channel, db: Db, config: Pick<Config, 'delivery'>, log: Logger, clock: RateClock = databaseClock(db)): Channel {
  const limits = ratesFor(config, channel.platform);
  const window = clock.window(channel.platform, limits.perSecond);
  // A tenth under the platform's per-chat limit: two replies reserved a second apart may reach it closer together.
  const gate = new ChatGate({ ...limits, perChatPerSecond: limits.perChatPerSecond * 0.9 });
  const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, Math.ceil(ms))) : Promise.resolve());
  /** The platform's next slot, waited for; now when the clock cannot be read. */
  async function slot(): Promise<number> {
    try {
      return (await nextSlot({ clock, platform: channel.platform, perSecond: limits.perSecond, now: Date.now })) ?? Date.now();
    } catch (error) {
      log.warn({ err: error, platform: channel.platform }, 'send pacing unavailable; sending at once');
      return Date.now();
    }
  }
  /** Waits for this chat's next turn (reserved at once, so concurrent replies queue) and a platform slot. */
  async function turn(chatId: string): Promise<void> {
    const at = gate.nextAllowed(chatId, chatId.startsWith('-'), Date.now());
    gate.record(chatId, at);
    await sleep(at - Date.now());
    await startInSlot(window, await slot(), { shared: clock.shared, now: Date.now, renew: slot });
  }
  let sends = 0;
  /** One platform call to `chatId` in its turn, made again after a throttle the platform announced. */
  async function paced(chatId: string, call: () => Promise<SendResult>): Promise<SendResult> {
    if (++sends % 1000 === 0) gate.prune(Date.now());
    for (let attempt = 0; ; attempt++) {
      await turn(chatId);
      const result = await call();
      if (result.ok || result.error.kind !== 'throttled' || attempt >= throttledRetries || result.sentMessageIds.length > 0) return result;
      gate.block(chatId, Date.now() + result.error.retryAfterMs);
    }
  }
  const edit = channel.edit?.bind(channel);
  return {
    platform: channel.platform,
    maxTextLength: channel.maxTextLength,
    start: (handler) => channel.start(handler),
    stop: () => channel.stop(),
    ...(channel.status && { status: () => channel.status!() }),
    send: (target: SendTarget, message: OutboundMessage) => paced(target.chatId, () => channel.send(target, message)),
    // An edit counts against the platform's limits as a send does.
    ...(edit ? { edit: (target: MessageRef, message: OutboundMessage) => paced(target.chatId, () => edit(target, message)) } : {}),
  };
}
