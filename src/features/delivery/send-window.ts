/**
 * The platform-wide limit where the platform counts it: at most `limit` sends start in any window
 * of `limit` slots, in this process (each RateClock keeps one per platform, for broadcasts and
 * replies alike) — `limit` is the rate's whole part (at least one), the window that many of the
 * clock's slots long. The slot clock (rate-clock.ts) spaces the sends so that the window never holds
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

  /** Counts a send starting now if the window has room: false when it has none (another send took it). */
  tryTake(): boolean {
    const now = this.now();
    if (this.delay(now) > 0) return false;
    this.count(now);
    return true;
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
 * way to the platform (and the hosts' clocks, where dispatchers run on several). A send later
 * than this (a long write, a collection) takes a new slot.
 */
export const lateAtMostMs = 10;

/** New slots a late send takes at most; then it goes, late (a process too busy to keep any). */
export const renewalsAtMost = 3;

/** Where a slot comes from: the platform's clock (rate-clock.ts), and the caller's time. */
export interface SlotSource {
  clock: { reserve(platform: string, intervalMs: number, nowMs: number): Promise<number> };
  platform: string;
  perSecond: number;
  now: () => number;
}

/**
 * Reserves the platform's next slot and waits for it. Returns when the send may count from: the
 * slot, or the clock's answer when the slot had already begun by then (an idle clock, a slow round
 * trip to the database) — a slow answer is not a late send. Null, without waiting, when the slot
 * is more than `atMostMs` away (the clock paused after a 429).
 */
export async function nextSlot(source: SlotSource, atMostMs = Infinity): Promise<number | null> {
  const slot = await source.clock.reserve(source.platform, slotMs(source.perSecond), source.now());
  const answered = source.now();
  if (slot - answered > atMostMs) return null;
  if (slot > answered) await sleep(Math.ceil(slot - answered));
  return Math.max(slot, answered);
}

/**
 * Starts a send whose slot began at `slot` (the caller's time, `now`), counting it in the window:
 * once the window has room and — on a clock other processes share — within `lateAtMostMs` of its
 * slot, else in the slot `renew` gives (at most `renewalsAtMost` times). False when `renew` gives
 * none (the next is far): the send does not start.
 */
export async function startInSlot(window: SendWindow, slot: number, clock: { shared: boolean; now: () => number; renew: () => Promise<number | null> }): Promise<boolean> {
  let due: number | null = slot;
  for (let renewals = 0; due !== null; ) {
    await window.room();
    if (!clock.shared || clock.now() - due <= lateAtMostMs || renewals === renewalsAtMost) {
      // Counted in this same turn, or another send took the room meanwhile: look again.
      if (window.tryTake()) return true;
      continue;
    }
    renewals++;
    due = await clock.renew();
  }
  return false;
}
