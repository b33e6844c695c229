/**
 * The per-platform send clock: each send (a broadcast's or a reply's) reserves the platform's next
 * slot, `intervalMs` after the previous one. On PostgreSQL the clock is the RateClock row, shared
 * by every process; on the embedded database one process holds DATA_DIR (its lock is the lease),
 * so the clock lives in that process's memory and a send costs no query for it.
 */
import type { Db } from '../../core/store/store.ts';
import { SendWindow } from './send-window.ts';

/**
 * A clock's arithmetic is in whole microseconds (as the RateClock row keeps it): intervals and
 * pauses rounded up (never faster than asked), now rounded down.
 */
const usUp = (ms: number) => BigInt(Math.ceil(ms * 1000));
const usDown = (ms: number) => BigInt(Math.floor(ms * 1000));
const msOf = (us: bigint) => Number(us) / 1000;
const later = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * Reserves the next `count` send slots of `platform`, `intervalMs` apart, in the one clock every
 * process shares; returns when the first begins (epoch ms, in microseconds), the others following
 * it. One statement, so two processes never get the same slot.
 */
export async function reserveSlots(db: Db, platform: string, intervalMs: number, nowMs: number, count = 1): Promise<bigint> {
  const span = usUp(intervalMs) * BigInt(count);
  const rows = await db.$queryRaw<{ nextAtUs: bigint }[]>`
    INSERT INTO "RateClock" (platform, "nextAtUs") VALUES (${platform}, ${usDown(nowMs) + span})
    ON CONFLICT (platform) DO UPDATE
       SET "nextAtUs" = GREATEST("RateClock"."nextAtUs", ${usDown(nowMs)}) + ${span}
    RETURNING "nextAtUs"`;
  return BigInt(rows[0]!.nextAtUs) - span;
}

/** No slot on `platform` before `untilMs` (the platform said to slow down). */
export async function pauseClock(db: Db, platform: string, untilMs: number): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "RateClock" (platform, "nextAtUs") VALUES (${platform}, ${usUp(untilMs)})
    ON CONFLICT (platform) DO UPDATE SET "nextAtUs" = GREATEST("RateClock"."nextAtUs", ${usUp(untilMs)})`;
}

export interface RateClock {
  /** Reserves the platform's next slot from `nowMs` on; returns when it begins (ms). */
  reserve(platform: string, intervalMs: number, nowMs: number): Promise<number>;
  /** No slot on `platform` before `untilMs` (the platform said to slow down). */
  pause(platform: string, untilMs: number): Promise<void>;
  /** This process's send window of `platform` (send-window.ts), made at the first call. */
  window(platform: string, perSecond: number): SendWindow;
  /** Other processes take slots from this clock too: a send late for its slot takes a new one (`startInSlot`). */
  shared: boolean;
}

/** This process's send windows, one per platform. */
function sendWindows(): RateClock['window'] {
  const windows = new Map<string, SendWindow>();
  return (platform, perSecond) => {
    let window = windows.get(platform);
    if (!window) windows.set(platform, (window = new SendWindow(perSecond)));
    return window;
  };
}

interface Asked {
  nowMs: number;
  /** When it was asked, in this process's monotonic time: a reservation that waited counts from when its statement goes. */
  askedAt: number;
  resolve: (slotMs: number) => void;
  reject: (error: unknown) => void;
}

/**
 * How long a reservation's statement may take before those waiting on it are told it failed (and
 * send without a slot, as when the clock cannot be read): one statement hung on a dead connection
 * must not hold every send of the platform.
 */
export const clockAnswerAtMostMs = 2_000;

/**
 * The RateClock row, shared by every process. A reservation asked while this process's previous
 * one is on its way to the database waits for it, and all those waiting then take their slots in
 * one statement, in the order asked: under load (replies to many people at once, a broadcast's
 * lanes) a round trip per batch instead of one per send, and no slot reserved that no send waits
 * for — another process's sends keep their share of the rate.
 */
export function databaseClock(db: Db, answerAtMostMs = clockAnswerAtMostMs): RateClock {
  const queues = new Map<string, Asked[]>();
  async function drain(key: string, platform: string, intervalMs: number, queue: Asked[]): Promise<void> {
    for (let waited = false; queue.length > 0; waited = true) {
      const batch = queue.splice(0);
      // No slot before the time any of them asked from; those that waited for the statement before, from now.
      const sentAt = performance.now();
      const nowMs = Math.max(...batch.map((a) => (waited ? a.nowMs + (sentAt - a.askedAt) : a.nowMs)));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the send clock did not answer in ${answerAtMostMs} ms`)), answerAtMostMs);
      });
      try {
        const first = await Promise.race([reserveSlots(db, platform, intervalMs, nowMs, batch.length), late]);
        const interval = usUp(intervalMs);
        batch.forEach((asked, i) => asked.resolve(msOf(first + interval * BigInt(i))));
      } catch (error) {
        for (const asked of batch) asked.reject(error);
      } finally {
        clearTimeout(timer);
      }
    }
    queues.delete(key);
  }
  return {
    reserve(platform, intervalMs, nowMs) {
      return new Promise((resolve, reject) => {
        const key = `${platform}\u0000${intervalMs}`;
        const waiting = queues.get(key);
        const asked = { nowMs, askedAt: performance.now(), resolve, reject };
        if (waiting) return void waiting.push(asked);
        const queue: Asked[] = [asked];
        queues.set(key, queue);
        void drain(key, platform, intervalMs, queue);
      });
    },
    pause: (platform, untilMs) => pauseClock(db, platform, untilMs),
    window: sendWindows(),
    shared: true,
  };
}

/** The same clock in this process's memory, for the sole process of an embedded database. */
export function memoryClock(): RateClock {
  const next = new Map<string, bigint>();
  return {
    async reserve(platform, intervalMs, nowMs) {
      const slot = later(next.get(platform) ?? 0n, usDown(nowMs));
      next.set(platform, slot + usUp(intervalMs));
      return msOf(slot);
    },
    async pause(platform, untilMs) {
      next.set(platform, later(next.get(platform) ?? 0n, usUp(untilMs)));
    },
    window: sendWindows(),
    shared: false,
  };
}
