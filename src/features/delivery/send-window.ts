/**
 * The platform-wide limit where the platform counts it: at most `limit` sends start in any window
 * of `limit` slots, in this process (each RateClock keeps one per platform, for broadcasts and
 * replies alike) — `limit` is the rate's whole part (at least one), the window that many of the
 * clock's slots long. The slot clock (outbox.ts) spaces the sends so that the window never holds
 * them back in a steady run; it holds back only those a slow moment bunched together (a database
 * write between a send's slot and the send ran long, a busy event loop woke a reply late), which the
 * platform would refuse (429) — pausing a whole broadcast. Real time, not the dispatcher's clock:
 * it is about what the platform sees.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The clock's slots are this much longer than the rate asks (2 %), for the time a request takes
 * to reach the platform: sends that reach it a little late or early still keep to its limit.
 */
export const slotMargin = 1.02;

/** The clock's interval between two sends at `perSecond` (ms). */
export const slotMs = (perSecond: number) => (1000 / perSecond) * slotMargin;

export class SendWindow {
  private readonly limit: number;
  private readonly windowMs: number;
  /** Start times (ms) within the window, oldest first. */
  private readonly started: number[] = [];

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limit = Math.max(1, Math.floor(perSecond));
    this.windowMs = this.limit * slotMs(perSecond);
  }

  /** How long a send must wait from `at` (ms) for room in the window: 0 when it may start. */
  delay(at: number): number {
    while (this.started.length > 0 && this.started[0]! <= at - this.windowMs) this.started.shift();
    return this.started.length < this.limit ? 0 : this.started[0]! + this.windowMs - at;
  }

  /** Counts a send started at `at` (ms). */
  count(at: number): void {
    this.started.push(at);
  }

  /** Waits until the window has room, without taking it: before the write that marks a send started. */
  async room(): Promise<void> {
    for (let wait = this.delay(this.now()); wait > 0; wait = this.delay(this.now())) await sleep(Math.ceil(wait));
  }

  /** Waits until a send may start, and counts it (in the same turn as the last look: no other send slips in between). */
  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = this.delay(now);
      if (wait <= 0) return this.count(now);
      await sleep(Math.ceil(wait));
    }
  }
}

/**
 * How late after its slot a send may start (ms) when other processes take slots from the same
 * clock (the RateClock row on PostgreSQL). Each process's window sees only its own sends; slots
 * come `slotMs` apart, so sends that each start within this of their slot keep to the limit in
 * any second — the slots' 2 % margin is 20 ms a second: half of it is this, half is left for the
 * way to the platform. A send later than this (a long write, a collection) takes a new slot.
 */
export const lateAtMostMs = 10;

/**
 * Starts a send whose slot began at `slot` (the dispatcher's clock, `now`): once the window has
 * room, and — on a clock other processes share — within `lateAtMostMs` of its slot, else in the
 * slot `renew` reserves and waits for. Counts it in the window.
 */
export async function startInSlot(window: SendWindow, slot: number, clock: { shared: boolean; now: () => number; renew: () => Promise<number> }): Promise<void> {
  for (let due = slot; ; due = await clock.renew()) {
    await window.room();
    // No await between this look and the count: no other send slips in.
    if (!clock.shared || clock.now() - due <= lateAtMostMs) return window.take();
  }
}
