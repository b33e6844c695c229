/**
 * Drains the outbox of one platform through its channel. A few lanes work at once, each:
 * claim the most urgent due delivery, wait for the chat's own limits and for a slot of the
 * platform clock, mark the send started, send, record the result. What a platform answers
 * decides what happens next:
 *   throttled  that chat (and, when several chats are throttled at once, the platform) waits
 *              the time given; the try does not count;
 *   transient  retried with exponential backoff and jitter, up to `maxAttempts`, then failed;
 *   stopped    failed, and the chat is marked inactive so later audiences leave it out;
 *   chatMoved  the chat's id is updated and the message goes again at once;
 *   invalid    failed with the platform's reason.
 * Every reason it stores (a kind and text) is built by reasons.ts.
 * Nothing is sent to villagers in quiet hours: lanes sleep until morning.
 *
 * The unavoidable window: between the platform accepting a message and its row marked sent (the write in flight and
 * its own, ~1 ms each locally: `groupedMarks`), a crash leaves the row `sending`, then failed as "in doubt" (outbox.ts).
 */
import type { Channel, OutboundMessage, SendError } from '../../channels/channel.ts';
import { splitText } from '../../channels/text.ts';
import type { QuietHours, RateLimits } from '../../core/config.ts';
import type { Logger } from '../../core/log.ts';
import type { Db } from '../../core/store/store.ts';
import { ChatGate } from './chat-gate.ts';
import { nextSlot, startInSlot, type SlotSource } from './send-window.ts';
import { claimDue, groupedMarks, markFailed, markSkipped, recordPart, recoverLeases, release, requeue, stoppedByUnsubscribe, type Claimed, chatsOf, type ClaimedChat, claimLeaseMs, type SendMarks } from './outbox.ts';
import { databaseClock, type RateClock } from './rate-clock.ts';
import { backoffMs, quietUntil } from '../../core/time.ts';
import { moveChat, stopChat } from './chats.ts';
import { reasons, type Reason } from './reasons.ts';

/** What a broadcast says to a chat reading `language`. */
export type MessageFor = (broadcastId: number, language: string) => Promise<OutboundMessage | null>;

/** Asked just before a delivery goes: why it should not go any more (then it is skipped), or null. */
export type StillWanted = (broadcastId: number, broadcastKind: string) => Promise<Reason | null>;

export interface DispatcherOptions {
  db: Db;
  channel: Channel;
  limits: RateLimits;
  /** This process's name in leases: host and pid. */
  worker: string;
  messageFor: MessageFor;
  /** Re-checks a delivery queued long ago (held through quiet hours) before it goes; absent: always wanted. */
  stillWanted?: StillWanted;
  timeZone: string;
  quietHours: QuietHours;
  maxAttempts: number;
  concurrency: number;
  /** True when this is the only process on the database (embedded PGlite): all old leases are dead. */
  soleProcess: boolean;
  /** The platform's send clock (rate-clock.ts); absent: the database's, shared by every process. */
  clock?: RateClock;
  /** The workers alive on the database now (presence.ts), null when it cannot tell: the rows of others are taken back without waiting for their leases. */
  aliveWorkers?: () => Promise<string[] | null>;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** How often an idle lane looks for due work (ms). */
  idleMs?: number;
}

export interface DispatchStats {
  sent: number;
  failed: number;
  throttled: number;
  retried: number;
}

/** Throttles from this many different chats within a second mean the platform-wide limit. */
const platformThrottleChats = 2;
/** A chat's own limit further away than this releases the claim instead of holding a lane. */
const holdAtMostMs = 2_000;
const recoverEveryMs = 15_000;

export class Dispatcher {
  readonly stats: DispatchStats = { sent: 0, failed: 0, throttled: 0, retried: 0 };
  private readonly gate: ChatGate;
  private readonly now: () => number;
  private readonly slots: SlotSource;
  private readonly platform: string;
  private readonly clock: RateClock;
  private readonly marks: SendMarks;
  private running = false;
  private lanes: Promise<void>[] = [];
  private wakers = new Set<() => void>();
  private recentThrottles: { chatId: string; at: number }[] = [];
  private lastRecovery = 0;
  /** Chats a lane is writing to now: one send at a time per chat, so the chat gate sees each send before the next. */
  private readonly busyChats = new Set<number>();
  /** Deliveries claimed in one batch and not yet taken by a lane, with their chats. */
  private claimedAhead: Array<{ claimed: Claimed; link: ClaimedChat | null; at: number }> = [];
  private claiming: Promise<void> | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.gate = new ChatGate(options.limits);
    this.now = options.now ?? Date.now;
    this.platform = options.channel.platform;
    this.clock = options.clock ?? databaseClock(options.db);
    this.slots = { clock: this.clock, platform: this.platform, perSecond: options.limits.perSecond, now: () => this.now() };
    this.marks = groupedMarks(options.db);
  }

  async start(): Promise<void> {
    if (this.running) return;
    const recovered = await recoverLeases(this.options.db, this.platform, new Date(this.now()), this.options.soleProcess, await this.alive());
    this.lastRecovery = this.now();
    if (recovered.requeued + recovered.inDoubt > 0) this.options.log.warn({ platform: this.platform, ...recovered }, 'outbox: took back deliveries of a stopped process');
    this.running = true;
    this.lanes = Array.from({ length: this.options.concurrency }, (_, lane) => this.lane(lane));
  }

  /** The workers alive now, when this process can tell (else only expired leases are taken back). */
  private async alive(): Promise<string[] | undefined> {
    try {
      return (await this.options.aliveWorkers?.()) ?? undefined;
    } catch (error) {
      this.options.log.warn({ err: error }, 'could not tell which processes are alive; taking back expired leases only');
      return undefined;
    }
  }

  /** Finishes the sends in flight, releases claims not yet tried, and returns. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers) wake();
    await Promise.all(this.lanes);
    this.lanes = [];
    await this.claiming?.catch(() => {});
    const ahead = this.claimedAhead.splice(0);
    for (const { claimed } of ahead) await release(this.options.db, claimed.id, new Date(this.now())).catch(() => {});
  }

  /**
   * The next due delivery and its chat. Lanes share batches: one query claims as many deliveries as
   * there are lanes, and one reads their chats (a send costs the two writes around it, not four queries).
   */
  private async nextClaim(now: number): Promise<{ claimed: Claimed; link: ClaimedChat | null } | null> {
    if (this.claimedAhead.length === 0) {
      this.claiming ??= (async () => {
        const { db } = this.options;
        const batch = await claimDue(db, this.platform, this.options.worker, this.options.concurrency, new Date(now));
        const chats = await chatsOf(db, batch.map((c) => c.chatLinkId));
        this.claimedAhead.push(...batch.map((claimed) => ({ claimed, link: chats.get(claimed.chatLinkId) ?? null, at: now })));
      })().finally(() => (this.claiming = null));
      await this.claiming;
    }
    const next = this.claimedAhead.shift();
    // Waited too long in the batch (lanes held up by a pause): its lease may run out mid-send; back to the queue.
    if (next && this.now() - next.at > claimLeaseMs / 2) {
      await release(this.options.db, next.claimed.id, new Date(this.now()));
      return this.nextClaim(this.now());
    }
    return next ? { claimed: next.claimed, link: next.link } : null;
  }

  /** Claims taken ahead for a chat whose link just changed (stopped, moved): back to the queue, to be read afresh. */
  private async forgetAhead(chatLinkId: number): Promise<void> {
    const stale = this.claimedAhead.filter((c) => c.claimed.chatLinkId === chatLinkId);
    this.claimedAhead = this.claimedAhead.filter((c) => c.claimed.chatLinkId !== chatLinkId);
    for (const { claimed } of stale) await release(this.options.db, claimed.id, new Date(this.now()));
  }

  /** New work is due: idle lanes look now instead of at their next poll. */
  wake(): void {
    for (const wake of this.wakers) wake();
  }

  /** Sleeps `ms`, or less when woken or stopped. */
  private pause(ms: number): Promise<void> {
    if (!this.running || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /** Sleeps exactly until `at` (ms); stop does not cut it short, so a reserved slot is kept. */
  private async until(at: number): Promise<void> {
    const wait = at - this.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }

  private async lane(lane: number): Promise<void> {
    const { db, log } = this.options;
    while (this.running) {
      try {
        const now = this.now();
        const quietEnd = quietUntil(new Date(now), this.options.timeZone, this.options.quietHours);
        if (quietEnd) {
          // Claims taken ahead go back to the queue for the morning, not to an expired lease.
          for (const { claimed } of this.claimedAhead.splice(0)) await release(db, claimed.id, quietEnd);
          await this.pause(Math.min(quietEnd.getTime() - now, 60_000));
          continue;
        }
        if (lane === 0 && now - this.lastRecovery > recoverEveryMs) {
          this.lastRecovery = now;
          this.gate.prune(now);
          const recovered = await recoverLeases(db, this.platform, new Date(now), false, await this.alive());
          if (recovered.requeued + recovered.inDoubt > 0) log.warn({ platform: this.platform, ...recovered }, 'outbox: took back the deliveries of a process that stopped');
        }
        const next = await this.nextClaim(now);
        if (!next) {
          await this.pause(this.options.idleMs ?? 1_000);
          continue;
        }
        const { claimed, link } = next;
        if (this.busyChats.has(claimed.chatLinkId)) {
          // Another lane is writing to this chat; its next turn counts from the end of that send.
          await release(db, claimed.id, new Date(now + 1000 / this.options.limits.perChatPerSecond));
          continue;
        }
        this.busyChats.add(claimed.chatLinkId);
        try {
          await this.deliver(claimed, link);
        } finally {
          this.busyChats.delete(claimed.chatLinkId);
        }
      } catch (error) {
        log.error({ err: error, platform: this.platform }, 'outbox: dispatcher lane failed; retrying shortly');
        await this.pause(1_000);
      }
    }
  }

  /** Waits for the chat's limits and a platform slot: its start, or null when the claim was released instead. */
  private async waitTurn(claimed: Claimed, chatId: string, isGroup: boolean): Promise<number | null> {
    const allowed = this.gate.nextAllowed(chatId, isGroup, this.now());
    if (allowed - this.now() > holdAtMostMs) {
      await release(this.options.db, claimed.id, new Date(allowed));
      return null;
    }
    await this.until(allowed);
    return nextSlot(this.slots);
  }

  /** A slot for a send marked started: null when further than holdAtMostMs (it is put back); now when the clock cannot be read (it goes, not in doubt). */
  private slotSoon(): Promise<number | null> {
    return nextSlot(this.slots, holdAtMostMs).catch((err: unknown) => (this.options.log.warn({ err, platform: this.platform }, 'outbox: no slot from the send clock; sending now'), this.now()));
  }

  private async deliver(claimed: Claimed, link: ClaimedChat | null): Promise<void> {
    const { db } = this.options;
    const needsSubscription = stoppedByUnsubscribe.includes(claimed.broadcastKind);
    if (!link || !link.active || (needsSubscription && !link.subscribed)) {
      const reason = link?.active ? reasons.unsubscribed : reasons.inactive(link?.inactiveReason ?? null);
      await markSkipped(db, claimed.id, reason);
      return;
    }
    const obsolete = await this.options.stillWanted?.(claimed.broadcastId, claimed.broadcastKind);
    if (obsolete) {
      await markSkipped(db, claimed.id, obsolete);
      return;
    }
    const message = await this.options.messageFor(claimed.broadcastId, link.language ?? link.person?.language ?? 'vi');
    const parts = message ? splitText(message.text, this.options.channel.maxTextLength) : null;
    if (!message || !parts || parts.length === 0) {
      await markFailed(db, claimed.id, message ? reasons.unsplittable : reasons.noContent);
      this.stats.failed++;
      return;
    }
    const isGroup = link.kind === 'group';
    let slot = await this.waitTurn(claimed, link.chatId, isGroup);
    if (slot === null) return;
    const quietEnd = quietUntil(new Date(this.now()), this.options.timeZone, this.options.quietHours);
    if (quietEnd) {
      await release(db, claimed.id, quietEnd);
      return;
    }
    // Room in the send window while the row is only leased; after the write, a wait only if it bunched sends.
    const window = this.clock.window(this.platform, this.options.limits.perSecond);
    await window.room();
    if (!(await this.marks.sending({ id: claimed.id, worker: this.options.worker, now: new Date(this.now()), needsSubscription }))) return;

    const ids: string[] = [];
    for (let part = claimed.partsSent; part < parts.length; part++) {
      // Between the parts of a split message: the chat's limits and a slot again.
      if (part > claimed.partsSent) slot = await this.until(this.gate.nextAllowed(link.chatId, isGroup, this.now())).then(() => this.slotSoon());
      // No slot soon (the clock paused after a 429): back to the queue, the parts sent kept, rather than wait marked started.
      const started = slot !== null && (await startInSlot(window, slot, { shared: this.clock.shared, now: () => this.now(), renew: () => this.slotSoon() }));
      if (!started) return requeue(db, claimed.id, new Date(this.now()), null, false);
      const result = await this.options.channel.send(
        { chatId: link.chatId },
        { text: parts[part]!, ...(part === 0 && message.imageUrl ? { imageUrl: message.imageUrl } : {}) },
      );
      this.gate.record(link.chatId, this.now());
      if (!result.ok) {
        ids.push(...result.sentMessageIds);
        if (part > claimed.partsSent || result.sentMessageIds.length > 0) await recordPart(db, claimed.id, part + result.sentMessageIds.length, ids);
        await this.failure(claimed, link, result.error);
        return;
      }
      ids.push(...result.messageIds);
      if (part + 1 < parts.length) await recordPart(db, claimed.id, part + 1, ids);
    }
    await this.marks.sent({ id: claimed.id, now: new Date(this.now()), partsSent: parts.length, messageIds: ids });
    this.stats.sent++;
  }

  private async failure(claimed: Claimed, link: { id: number; chatId: string }, error: SendError): Promise<void> {
    const { db, log } = this.options;
    const now = this.now();
    switch (error.kind) {
      case 'throttled': {
        this.stats.throttled++;
        const until = now + error.retryAfterMs;
        this.gate.block(link.chatId, until);
        this.recentThrottles = this.recentThrottles.filter((t) => t.at > now - 1_000);
        this.recentThrottles.push({ chatId: link.chatId, at: now });
        if (new Set(this.recentThrottles.map((t) => t.chatId)).size >= platformThrottleChats) await this.clock.pause(this.platform, until);
        await requeue(db, claimed.id, new Date(until), reasons.throttled(error.reason), false);
        return;
      }
      case 'transient': {
        const tries = claimed.attempts + 1;
        if (tries >= this.options.maxAttempts) {
          await markFailed(db, claimed.id, reasons.gaveUp(error.reason, tries));
          this.stats.failed++;
          return;
        }
        this.stats.retried++;
        await requeue(db, claimed.id, new Date(now + backoffMs(tries, this.options.random)), reasons.outage(error.reason), true);
        return;
      }
      case 'stopped':
        await markFailed(db, claimed.id, reasons.stopped(error.reason));
        await stopChat(db, link.id, error.reason);
        await this.forgetAhead(link.id);
        this.stats.failed++;
        log.info({ platform: this.platform, chatId: link.chatId, reason: error.reason }, 'outbox: chat stopped receiving; left out from now on');
        return;
      case 'chatMoved': {
        const moved = await moveChat(db, this.platform, link.id, error.newChatId, claimed.id);
        await this.forgetAhead(link.id);
        if (moved === 'resend') await requeue(db, claimed.id, new Date(now), reasons.followed(error.newChatId), false);
        return;
      }
      case 'invalid':
        await markFailed(db, claimed.id, reasons.refused(error.reason));
        this.stats.failed++;
        return;
    }
  }
}
