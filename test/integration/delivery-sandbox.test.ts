/**
 * A campaign message scheduled in the sandbox for the next minute arrives once in every
 * targeted chat, through the real scheduler, outbox and dispatcher on both databases.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { broadcastProgress } from '../../src/features/delivery/broadcasts.ts';
import { addSchedule } from '../../src/features/delivery/schedules.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';
import { until } from '../support/wait.ts';

const library = loadCampaigns(defaultContentDir);
const base = loadConfig({ QUIET_HOURS: 'off' });

describe.each(backends)('scheduled delivery in the sandbox (%s)', (backend) => {
  let harness: SandboxHarness;
  let delivery: DeliveryService | undefined;
  // The fresh database is made before the test (under the longer hook timeout on a busy machine).
  beforeEach(async () => {
    harness = await sandboxHarness(backend);
  });
  afterEach(async () => {
    await delivery?.stop();
    await harness?.close();
  });

  it('a message for the next minute reaches every group of the area once, and a restart sends nothing again', async () => {
    const db = harness.store.prisma;
    await syncCampaigns(db, library);
    let clock = new Date('2026-11-30T01:00:00Z');
    const area = await db.area.findFirstOrThrow({ where: { level: 'commune' }, orderBy: { id: 'asc' } });
    const { schedule, reach } = await addSchedule(
      { db, library, timeZone: base.timeZone, platforms: ['sandbox'], textLimit: 2000 },
      { what: { contentId: 'action-month-opening' }, when: { at: new Date(clock.getTime() + 60_000) }, audience: { areaId: area.id } },
      clock,
    );
    const groupChats = await db.chatLink.findMany({ where: { platform: 'sandbox', kind: 'group', group: { area: { path: { startsWith: area.path } } } } });
    expect(groupChats.length).toBeGreaterThan(0);
    expect(reach).toBeGreaterThanOrEqual(groupChats.length);

    const start = () => startDelivery({ db, channels: [harness.channel], config: base, library, soleProcess: backend === 'pglite', log: createLogger('silent', false), now: () => clock });
    delivery = await start();
    // Not yet due: nothing queued.
    expect(await db.broadcast.count()).toBe(0);

    clock = new Date(clock.getTime() + 61_000);
    await delivery.tick();
    const broadcast = await db.broadcast.findFirstOrThrow({ where: { scheduleId: schedule.id } });
    await until(async () => (await broadcastProgress(db, broadcast.id))!.sent === reach);

    const text = library.messages.get('action-month-opening')!.variants.vi!;
    for (const chat of groupChats) {
      expect(harness.channel.transcript(chat.chatId).filter((m) => m.from === 'bot' && m.text === text), chat.chatId).toHaveLength(1);
    }
    const outside = await db.chatLink.findFirstOrThrow({ where: { platform: 'sandbox', kind: 'group', group: { area: { path: { not: { startsWith: area.path } } } } } }).catch(() => null);
    if (outside) expect(harness.channel.transcript(outside.chatId).some((m) => m.text === text)).toBe(false);

    // Restart: the schedule is done and the broadcast delivered; nothing goes twice.
    await delivery.stop();
    delivery = await start();
    clock = new Date(clock.getTime() + 120_000);
    await delivery.tick();
    await new Promise((r) => setTimeout(r, 300));
    for (const chat of groupChats) {
      expect(harness.channel.transcript(chat.chatId).filter((m) => m.text === text)).toHaveLength(1);
    }
    expect(await db.broadcast.count()).toBe(1);
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).status).toBe('done');
  });
});
