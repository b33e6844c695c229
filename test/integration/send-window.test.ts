/**
 * The platform's limit holds where the platform counts it: however late some sends start (a slow
 * database write between a send's slot and the send), no more than the rate's worth of messages
 * leave in any one second — bunched sends past the limit would be refused (429) and pause the
 * whole broadcast. Also when two processes share the platform's clock (PostgreSQL), each with its
 * own window.
 */
import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../src/channels/channel.ts';
import { createLogger } from '../../src/core/log.ts';
import { Dispatcher } from '../../src/features/delivery/dispatcher.ts';
import { memoryClock, type RateClock } from '../../src/features/delivery/rate-clock.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { seedOutbox, watched } from '../support/adapter.ts';
import { peak } from '../support/rates.ts';
import { freshStore } from '../support/stores.ts';
import { until } from '../support/wait.ts';

const perSecond = 20;

/** A channel that records when each send left. */
function recording(sentAt: number[]): Channel {
  return {
    platform: 'sandbox',
    maxTextLength: 4096,
    start: async () => {},
    stop: async () => {},
    send: async (): Promise<SendResult> => {
      sentAt.push(performance.now());
      return { ok: true, messageIds: [String(sentAt.length)] };
    },
  };
}

function dispatcher(db: PrismaClient, channel: Channel, clock: RateClock, worker: string, soleProcess: boolean): Dispatcher {
  return new Dispatcher({
    db,
    channel,
    limits: { perSecond, perGroupPerMinute: null, perChatPerSecond: 1 },
    worker,
    messageFor: async () => ({ text: 'Tháng hành động' }),
    timeZone: 'Asia/Ho_Chi_Minh',
    quietHours: null,
    maxAttempts: 3,
    concurrency: 8,
    soleProcess,
    clock,
    log: createLogger('silent', false),
    idleMs: 20,
  });
}

/** A database client whose every `nth` mark of a send started is held up 300 ms before it is written; `held` counts the marks. */
function holdingUp(store: Awaited<ReturnType<typeof freshStore>>, nth: number, held: { starts: number }): PrismaClient {
  return new PrismaClient({
    adapter: watched(store.adapterFactory, async (sql) => {
      if (/SET status = 'sending'/.test(sql) && ++held.starts % nth === 0) await new Promise((resolve) => setTimeout(resolve, 300));
    }),
  });
}

describe('the platform-wide limit', () => {
  it('20 a second: never more than 20 sends in any second, though every third start is held up 300 ms', async () => {
    const chats = 70;
    const store = await freshStore('pglite');
    const held = { starts: 0 };
    const db = holdingUp(store, 3, held);
    try {
      await seedOutbox(store.prisma, chats);
      const sentAt: number[] = [];
      const one = dispatcher(db, recording(sentAt), memoryClock(), 'here:1', true);
      await one.start();
      await until(async () => one.stats.sent === chats, 'every chat sent', 20_000);
      await one.stop();

      expect(sentAt).toHaveLength(chats);
      expect(held.starts).toBeGreaterThanOrEqual(chats / 8); // the hold-ups happened (at most eight starts a statement)
      expect(peak(sentAt, 1000)).toBeLessThanOrEqual(perSecond);
      // And not much slower than the rate: 70 sends at 20 a second take about 3.5 s.
      expect(sentAt.at(-1)! - sentAt[0]!).toBeLessThan(5_000);
    } finally {
      await db.$disconnect();
      await store.close();
    }
  });

  // A round trip to the clock: 0, or 40 ms (a database in another place), so that every slot has
  // begun by the time the clock answers when the clock is idle.
  it.each([0, 40])('two processes taking slots from one clock (%s ms away), each with its own window: one held up, still never more than 20 in any second', async (roundTripMs) => {
    const chats = 90;
    const store = await freshStore('pglite');
    const held = { starts: 0 };
    const slow = holdingUp(store, 2, held);
    try {
      await seedOutbox(store.prisma, chats);
      const sentAt: number[] = [];
      // One clock of slots, as the RateClock row is on PostgreSQL; a window in each process.
      const slots = memoryClock();
      const reserve: RateClock['reserve'] = async (...args) => {
        const slot = await slots.reserve(...args);
        await new Promise((resolve) => setTimeout(resolve, roundTripMs));
        return slot;
      };
      const clockOf = (): RateClock => ({ reserve, pause: slots.pause, window: memoryClock().window, shared: true });
      const first = dispatcher(slow, recording(sentAt), clockOf(), 'one:1', false);
      const second = dispatcher(store.prisma, recording(sentAt), clockOf(), 'two:2', false);
      await Promise.all([first.start(), second.start()]);
      await until(async () => first.stats.sent + second.stats.sent === chats, 'every chat sent', 20_000);
      await Promise.all([first.stop(), second.stop()]);

      expect(sentAt).toHaveLength(chats);
      expect(first.stats.sent).toBeGreaterThan(0); // both sent
      expect(second.stats.sent).toBeGreaterThan(0);
      expect(held.starts).toBeGreaterThanOrEqual(8); // the hold-ups happened
      expect(peak(sentAt, 1000)).toBeLessThanOrEqual(perSecond);
      // And not much slower than the rate: 90 sends at 20 a second take about 4.5 s.
      expect(sentAt.at(-1)! - sentAt[0]!).toBeLessThan(8_000);
    } finally {
      await slow.$disconnect();
      await store.close();
    }
  });

  it('a send late for its slot, when the shared clock has been paused (a 429 elsewhere): back to the queue, not left marked started', async () => {
    const store = await freshStore('pglite');
    const slots = memoryClock();
    const clock: RateClock = { reserve: slots.reserve, pause: slots.pause, window: memoryClock().window, shared: true };
    // While its start is being marked, another process is told to wait 10 s: the clock pauses.
    let marked = 0;
    const db = new PrismaClient({
      adapter: watched(store.adapterFactory, async (sql) => {
        if (!/SET status = 'sending'/.test(sql)) return;
        marked++;
        await slots.pause('sandbox', Date.now() + 6_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }),
    });
    const sentAt: number[] = [];
    const one = dispatcher(db, recording(sentAt), clock, 'one:1', false);
    try {
      const [link] = await seedOutbox(store.prisma, 1);
      await one.start();
      const row = () => store.prisma.delivery.findFirstOrThrow({ where: { chatLinkId: link!.id } });
      await until(async () => marked === 1, 'its start marked', 5_000);
      // Well before the clock's 6 s: queued again (or claimed again, to wait for the clock while only
      // leased), its try not counted; nothing sent.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(['queued', 'leased']).toContain((await row()).status);
      expect((await row()).attempts).toBeLessThanOrEqual(1);
      expect(sentAt).toEqual([]);
    } finally {
      await one.stop();
      await db.$disconnect();
      await store.close();
    }
  });
});
