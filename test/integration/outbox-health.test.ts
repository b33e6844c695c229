/** The readiness check's view of the outbox: stalled only when messages wait long and nothing has moved. */
import { describe, expect, it } from 'vitest';
import { outboxHealth } from '../../src/features/delivery/index.ts';
import { backends, freshStore } from '../support/stores.ts';

const now = new Date('2026-12-03T05:00:00Z'); // 12:00 in Vietnam
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const quiet = { startMinute: 21 * 60, endMinute: 6 * 60 };
const timeZone = 'Asia/Ho_Chi_Minh';

describe.each(backends)('outbox health (%s)', (backend) => {
  it('is stalled when a message has waited over ten minutes and none has gone since; not in quiet hours, nor while others go', async () => {
    const store = await freshStore(backend);
    try {
      const db = store.prisma;
      const chats = await Promise.all([1, 2, 3].map((i) => db.chatLink.create({ data: { platform: 'telegram', chatId: String(i), kind: 'private' } })));
      const broadcast = await db.broadcast.create({ data: { text: 'x', audience: {}, scheduledFor: minutesAgo(30), status: 'queued' } });
      expect(await outboxHealth(db, now, timeZone, quiet)).toEqual({ ok: true, due: 0, oldestDueSeconds: null });

      await db.delivery.create({ data: { broadcastId: broadcast.id, chatLinkId: chats[0]!.id, platform: 'telegram', nextAttemptAt: minutesAgo(5) } });
      expect(await outboxHealth(db, now, timeZone, quiet)).toEqual({ ok: true, due: 1, oldestDueSeconds: 300 });

      await db.delivery.create({ data: { broadcastId: broadcast.id, chatLinkId: chats[1]!.id, platform: 'telegram', nextAttemptAt: minutesAgo(20) } });
      expect(await outboxHealth(db, now, timeZone, quiet)).toEqual({ ok: false, due: 2, oldestDueSeconds: 1200 });
      // Quiet hours: waiting is the rule.
      expect((await outboxHealth(db, new Date('2026-12-03T16:00:00Z'), timeZone, quiet)).ok).toBe(true);

      // A long broadcast paced at the platform's rate: old messages wait, but others keep going.
      await db.delivery.create({ data: { broadcastId: broadcast.id, chatLinkId: chats[2]!.id, platform: 'telegram', status: 'sent', sentAt: minutesAgo(1), updatedAt: minutesAgo(1) } });
      expect((await outboxHealth(db, now, timeZone, quiet)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
