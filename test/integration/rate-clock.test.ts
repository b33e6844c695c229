/**
 * The platform's send clock: the database's (shared by every process on PostgreSQL) and the one
 * in memory (the embedded database's sole process) hand out the same slots for the same calls.
 */
import { describe, expect, it } from 'vitest';
import { databaseClock, memoryClock } from '../../src/features/delivery/rate-clock.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { watched } from '../support/adapter.ts';
import { backends, freshStore } from '../support/stores.ts';

describe.each(backends)('the send clock (%s)', (backend) => {
  it('in memory, slots as the database gives them: spaced by the interval, never before now, none during a pause', async () => {
    const store = await freshStore(backend);
    try {
      const clocks = { database: databaseClock(store.prisma), memory: memoryClock() };
      const slots: Record<string, number[]> = { database: [], memory: [] };
      for (const [name, clock] of Object.entries(clocks)) {
        const t0 = 1_000_000;
        const take = async (at: number, interval = 100, platform = 'telegram') => slots[name]!.push(await clock.reserve(platform, interval, at));
        await take(t0); // first: now
        await take(t0); // queued behind it
        await take(t0 + 10);
        await take(t0 + 1_000); // after a quiet spell: now again
        await take(t0 + 1_000, 100, 'zalo'); // another platform has its own clock
        await clock.pause('telegram', t0 + 5_000);
        await take(t0 + 1_200); // not before the pause ends
        await take(t0 + 9_000, 33.4); // intervals that are not whole milliseconds: kept to the microsecond
        await take(t0 + 9_000, 33.4);
      }
      expect(slots.memory).toEqual(slots.database);
      expect(slots.memory).toEqual([1_000_000, 1_000_100, 1_000_200, 1_001_000, 1_001_000, 1_005_000, 1_009_000, 1_009_033.4]);
    } finally {
      await store.close();
    }
  });

  it('300 a second means 300 a second: slots 3⅓ ms apart, not rounded up to 4 ms (250 a second)', async () => {
    const store = await freshStore(backend);
    try {
      for (const clock of [databaseClock(store.prisma), memoryClock()]) {
        const t0 = 2_000_000;
        const slots: number[] = [];
        for (let i = 0; i <= 300; i++) slots.push(await clock.reserve('zalo', 1000 / 300, t0));
        // The 301st slot begins one second after the first, not before (never faster than asked).
        expect(slots[300]! - slots[0]!).toBeGreaterThanOrEqual(1000);
        expect(slots[300]! - slots[0]!).toBeLessThan(1001);
        expect(slots.filter((slot, i) => i > 0 && slot - slots[i - 1]! < 1000 / 300)).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });

  it('reservations asked together (replies under load, two processes) share a statement: each its own slot, in the order asked, spaced by the interval', async () => {
    const store = await freshStore(backend);
    const statements: string[] = [];
    // Each statement takes a while, as a round trip to a busy server does: reservations asked meanwhile wait for the next.
    const slow = new PrismaClient({ adapter: watched(store.adapterFactory, async (sql) => void (/RateClock/.test(sql) && statements.push(sql), await new Promise((resolve) => setTimeout(resolve, 20)))) });
    try {
      const processes = [databaseClock(slow), databaseClock(store.prisma)];
      const t0 = 3_000_000;
      const asked = Array.from({ length: 60 }, (_, i) => processes[i % 2]!.reserve('telegram', 10, t0 + i));
      const slots = await Promise.all(asked);
      // One process's own reservations come in the order they were asked.
      const mine = slots.filter((_, i) => i % 2 === 0);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
      // Every slot once, none closer than the interval to another, none before it was asked for.
      const sorted = [...slots].sort((a, b) => a - b);
      expect(sorted.filter((slot, i) => i > 0 && slot - sorted[i - 1]! < 10)).toEqual([]);
      expect(slots.filter((slot, i) => slot < t0 + i)).toEqual([]);
      // The slow process sent far fewer statements than it reserved slots; the clock goes on where they end.
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.length).toBeLessThanOrEqual(3);
      expect(await processes[1]!.reserve('telegram', 10, t0)).toBe(sorted.at(-1)! + 10);
    } finally {
      await slow.$disconnect();
      await store.close();
    }
  });

  it('a reservation whose statement hangs (a dead connection) is told so in time, and those after it get their slots', async () => {
    const store = await freshStore(backend);
    let hung = false;
    const stuck = new PrismaClient({
      adapter: watched(store.adapterFactory, async (sql) => {
        if (!hung && /RateClock/.test(sql)) {
          hung = true;
          await new Promise(() => {}); // never answers
        }
      }),
    });
    try {
      const clock = databaseClock(stuck, 100);
      const t0 = 4_000_000;
      const started = performance.now();
      const first = clock.reserve('zalo', 10, t0);
      const second = clock.reserve('zalo', 10, t0); // waits behind the hung one
      await expect(first).rejects.toThrow(/did not answer in 100 ms/);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(await second).toBeGreaterThanOrEqual(t0);
      expect(await clock.reserve('zalo', 10, t0)).toBeGreaterThanOrEqual((await second) + 10);
    } finally {
      await stuck.$disconnect().catch(() => {});
      await store.close();
    }
  });
});
