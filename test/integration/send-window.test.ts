/**
 * The platform's limit holds where the platform counts it: however late some sends start (a slow
 * database write between a send's slot and the send), no more than the rate's worth of messages
 * leave in any one second — bunched sends past the limit would be refused (429) and pause the
 * whole broadcast.
 */
import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../src/channels/channel.ts';
import { createLogger } from '../../src/core/log.ts';
import { Dispatcher } from '../../src/features/delivery/dispatcher.ts';
import { memoryClock } from '../../src/features/delivery/outbox.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { seedOutbox, watched } from '../support/adapter.ts';
import { peak } from '../support/rates.ts';
import { freshStore } from '../support/stores.ts';
import { until } from '../support/wait.ts';

describe('the platform-wide limit', () => {
  it('20 a second: never more than 20 sends in any second, though every third start is held up 300 ms', async () => {
    const perSecond = 20;
    const chats = 70;
    const store = await freshStore('pglite');
    let starts = 0;
    const db = new PrismaClient({
      adapter: watched(store.adapterFactory, async (sql) => {
        if (/SET status = 'sending'/.test(sql) && ++starts % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 300));
      }),
    });
    try {
      await seedOutbox(store.prisma, chats);
      const sentAt: number[] = [];
      const channel: Channel = {
        platform: 'sandbox',
        maxTextLength: 4096,
        start: async () => {},
        stop: async () => {},
        send: async (): Promise<SendResult> => {
          sentAt.push(performance.now());
          return { ok: true, messageIds: [String(sentAt.length)] };
        },
      };
      const dispatcher = new Dispatcher({
        db,
        channel,
        limits: { perSecond, perGroupPerMinute: null, perChatPerSecond: 1 },
        worker: 'here:1',
        messageFor: async () => ({ text: 'Tháng hành động' }),
        timeZone: 'Asia/Ho_Chi_Minh',
        quietHours: null,
        maxAttempts: 3,
        concurrency: 8,
        soleProcess: true,
        clock: memoryClock(),
        log: createLogger('silent', false),
        idleMs: 20,
      });
      await dispatcher.start();
      await until(async () => dispatcher.stats.sent === chats, 'every chat sent', 20_000);
      await dispatcher.stop();

      expect(sentAt).toHaveLength(chats);
      expect(starts).toBeGreaterThanOrEqual(chats / 8); // the hold-ups happened (at most eight starts a statement)
      expect(peak(sentAt, 1000)).toBeLessThanOrEqual(perSecond);
      // And not much slower than the rate: 70 sends at 20 a second take about 3.5 s.
      expect(sentAt.at(-1)! - sentAt[0]!).toBeLessThan(5_000);
    } finally {
      await db.$disconnect();
      await store.close();
    }
  });
});
