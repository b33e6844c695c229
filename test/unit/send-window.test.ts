/**
 * The send window and the clock's slots: a steady run at the clock's pace never waits for the
 * window (so a send never waits in it with its row already marked started), sends a slow moment
 * bunched are held back, and rates that are not whole numbers keep their pace.
 */
import { describe, expect, it } from 'vitest';
import { SendWindow, lateAtMostMs, slotMs, startInSlot } from '../../src/features/delivery/send-window.ts';
import { peak } from '../support/rates.ts';

/** Sends due at `at` (ms), one after the other, each as soon as the window lets it; when they started. */
function run(window: SendWindow, at: number[]): number[] {
  let now = -Infinity;
  return at.map((due) => {
    now = Math.max(now, due);
    now += window.delay(now);
    window.count(now);
    return now;
  });
}

describe('the send window', () => {
  it.each([30, 10, 300, 2.5, 1.5, 0.5])('at %s a second, sends at the clock\'s slots never wait', (perSecond) => {
    const window = new SendWindow(perSecond);
    const slots = Array.from({ length: 400 }, (_, i) => 5_000 + i * slotMs(perSecond));
    expect(run(window, slots)).toEqual(slots);
  });

  it.each([30, 300])('at %s a second, sends bunched by a slow moment go at most that many in any second', (perSecond) => {
    const window = new SendWindow(perSecond);
    // On time, then a quarter of a second in which nothing could go, then everything held up at once.
    const slots = Array.from({ length: 3 * perSecond }, (_, i) => i * slotMs(perSecond));
    const late = slots.map((t) => (t > 1000 && t < 1250 ? 1250 : t));
    const started = run(window, late);
    expect(peak(started, 1000)).toBeLessThanOrEqual(perSecond);
    // Held back no longer than the stall: the run ends at most a quarter of a second (and a slot) late.
    expect(started.at(-1)! - slots.at(-1)!).toBeLessThanOrEqual(250 + slotMs(perSecond));
  });

  it('keeps a pace that is not a whole number: 1.5 a second is one every 680 ms, not one a second', () => {
    const window = new SendWindow(1.5);
    const started = run(window, Array.from({ length: 31 }, () => 0));
    expect(started[1]! - started[0]!).toBeCloseTo(680, 6);
    expect(30_000 / (started.at(-1)! - started[0]!)).toBeCloseTo(1.47, 2);
  });

  describe('a send late for its slot', () => {
    /** A clock at `now` whose renewal hands out `next` and moves the time to it. */
    const clockAt = (shared: boolean, now: number, next: number) => {
      const clock = { shared, time: now, renewed: 0, now: () => clock.time, renew: async () => (clock.renewed++, (clock.time = next)) };
      return clock;
    };

    it('starts in its slot when it is at most lateAtMostMs late', async () => {
      const clock = clockAt(true, 1_000 + lateAtMostMs, 5_000);
      await startInSlot(new SendWindow(30, clock.now), 1_000, clock);
      expect(clock.renewed).toBe(0);
    });

    it('takes a new slot when later, where other processes share the clock', async () => {
      const clock = clockAt(true, 1_000 + lateAtMostMs + 1, 5_000);
      const window = new SendWindow(1, clock.now);
      await startInSlot(window, 1_000, clock);
      expect(clock.renewed).toBe(1);
      expect(window.delay(clock.time)).toBeGreaterThan(0); // counted, at the new slot: the window is full
    });

    it('keeps its slot however late on a clock no one else takes from (the window sees every send)', async () => {
      const clock = clockAt(false, 1_500, 5_000);
      await startInSlot(new SendWindow(30, clock.now), 1_000, clock);
      expect(clock.renewed).toBe(0);
    });
  });
});
