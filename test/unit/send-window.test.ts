/**
 * The send window and the clock's slots: a steady run at the clock's pace never waits for the
 * window (so a send never waits in it with its row already marked started), sends a slow moment
 * bunched are held back, and rates that are not whole numbers keep their pace.
 */
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/channels/channel.ts';
import { createLogger } from '../../src/core/log.ts';
import type { Db } from '../../src/core/store/store.ts';
import { memoryClock, type RateClock } from '../../src/features/delivery/rate-clock.ts';
import { SendWindow, lateAtMostMs, nextSlot, renewalsAtMost, slotMs, startInSlot } from '../../src/features/delivery/send-window.ts';
import { pacedChannel } from '../../src/features/delivery/service.ts';
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
    /** A clock at `time` whose renewal hands out `next` (moving the time to it, when a number). */
    const clockAt = (shared: boolean, time: number, next: () => number | null) => {
      const clock = {
        shared,
        time,
        renewed: 0,
        now: () => clock.time,
        renew: async () => {
          clock.renewed++;
          const slot = next();
          if (slot !== null) clock.time = slot;
          return slot;
        },
      };
      return clock;
    };

    it('starts in its slot when it is at most lateAtMostMs late', async () => {
      const clock = clockAt(true, 1_000 + lateAtMostMs, () => 5_000);
      expect(await startInSlot(new SendWindow(30, clock.now), 1_000, clock)).toBe(true);
      expect(clock.renewed).toBe(0);
    });

    it('takes a new slot when later, where other processes share the clock', async () => {
      const clock = clockAt(true, 1_000 + lateAtMostMs + 1, () => 5_000);
      const window = new SendWindow(1, clock.now);
      expect(await startInSlot(window, 1_000, clock)).toBe(true);
      expect(clock.renewed).toBe(1);
      expect(window.delay(clock.time)).toBeGreaterThan(0); // counted, at the new slot: the window is full
    });

    it('keeps its slot however late on a clock no one else takes from (the window sees every send)', async () => {
      const clock = clockAt(false, 1_500, () => 5_000);
      expect(await startInSlot(new SendWindow(30, clock.now), 1_000, clock)).toBe(true);
      expect(clock.renewed).toBe(0);
    });

    it('goes after renewalsAtMost new slots, late, when every one comes late (a process too busy to keep any)', async () => {
      let renewed = 0;
      const time = 1_100;
      const clock = { shared: true, now: () => time, renew: async () => (renewed++, time - 2 * lateAtMostMs) };
      expect(await startInSlot(new SendWindow(30, clock.now), 1_000, clock)).toBe(true);
      expect(renewed).toBe(renewalsAtMost);
    });

    it('does not start when no new slot comes soon (the clock paused): the caller puts it back', async () => {
      const clock = clockAt(true, 1_100, () => null);
      const window = new SendWindow(1, clock.now);
      expect(await startInSlot(window, 1_000, clock)).toBe(false);
      expect(window.delay(clock.time)).toBe(0); // not counted
    });
  });

  describe('the next slot', () => {
    const answering = (slot: number, roundTripMs: number) => {
      let now = 10_000;
      const clock = { reserve: async () => ((now += roundTripMs), slot) };
      return { clock, platform: 'telegram', perSecond: 30, now: () => now };
    };

    it('counts from the clock\'s answer when the slot had begun by then (an idle clock a slow round trip away): not late', async () => {
      expect(await nextSlot(answering(10_000, 40))).toBe(10_040);
    });

    it('is the slot when it is still ahead', async () => {
      const source = answering(performance.timeOrigin, 0);
      const ahead = Date.now() + 30;
      source.now = () => Date.now();
      source.clock.reserve = async () => ahead;
      expect(await nextSlot(source)).toBe(ahead);
      expect(Date.now()).toBeGreaterThanOrEqual(ahead - 1); // waited for it
    });

    it('is none, at once, when further than asked (the clock paused after a 429)', async () => {
      expect(await nextSlot(answering(20_000, 0), 2_000)).toBeNull();
    });
  });

  it('a reply on a shared clock a slow round trip away still goes, at once', async () => {
    const slots = memoryClock();
    const clock: RateClock = {
      reserve: async (...args) => {
        const slot = await slots.reserve(...args);
        await new Promise((resolve) => setTimeout(resolve, 40));
        return slot;
      },
      pause: slots.pause,
      window: memoryClock().window,
      shared: true,
    };
    const sent: string[] = [];
    const channel: Channel = {
      platform: 'telegram',
      maxTextLength: 4096,
      start: async () => {},
      stop: async () => {},
      send: async (target, message) => (sent.push(`${target.chatId}: ${message.text}`), { ok: true, messageIds: ['1'] }),
    };
    const rates = { telegram: { perSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 1 }, zalo: { perSecond: 10, perGroupPerMinute: null, perChatPerSecond: 1 }, sandbox: { perSecond: 1000, perGroupPerMinute: null, perChatPerSecond: 100 } };
    // The clock is given: the database is not used.
    const paced = pacedChannel(channel, {} as Db, { delivery: { rates, graceMinutes: 0, maxAttempts: 3, concurrency: 4 } }, createLogger('silent', false), clock);
    const asked = Date.now();
    await paced.send({ chatId: '42' }, { text: 'Chào chị' });
    expect(sent).toEqual(['42: Chào chị']);
    expect(Date.now() - asked).toBeLessThan(1_000);
  }, 5_000);
});
