/**
 * "Gửi ngay" inside the quiet hours, on the dashboard over http with the real delivery service
 * holding the messages: the schedule list, the run under it and the progress page say the message
 * waits until the quiet hours end ("chờ đến 06:00", local time), never that it is done; the progress
 * page does not reload every few seconds until morning, only once, when the quiet hours end.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { loadConfig } from '../../src/core/config.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db } from '../../src/core/store/store.ts';
import { communeAdmin, csrfOf, dashboard, log, signedIn, timeZone } from '../support/admin.ts';
import { sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const library = loadCampaigns(defaultContentDir);
const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

// Quiet hours around this very minute, whatever the time of day the test runs: they began an hour ago and end in two.
const local = DateTime.now().setZone(timeZone);
const minute = local.hour * 60 + local.minute;
const quietHours = { startMinute: (minute + 1440 - 60) % 1440, endMinute: (minute + 120) % 1440 };
const quietEnd = local.startOf('minute').plus({ minutes: 120 });
const endText = quietEnd.toFormat('HH:mm');

let harness: SandboxHarness;
let db: Db;
let http: FastifyInstance;
let delivery: DeliveryService;

beforeAll(async () => {
  harness = await sandboxHarness('pglite');
  db = harness.store.prisma;
  await syncCampaigns(db, library);
  const config = loadConfig({ QUIET_HOURS: `${hhmm(quietHours.startMinute)}-${hhmm(quietHours.endMinute)}` });
  delivery = await startDelivery({ db, channels: [harness.channel], config, library, soleProcess: true, log });
  http = await dashboard(db, { campaigns: library, quietHours, kick: () => delivery.tick() });
});
afterAll(async () => {
  await http?.close();
  await delivery?.stop();
  await harness?.close();
});

describe('a message sent now inside the quiet hours', () => {
  it('the list and the progress page say it waits until the quiet hours end, not that it is done, and the page reloads only then', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const form = await b.get('/admin/schedules/new');
    const village = await db.area.findUniqueOrThrow({ where: { code: 'demo-hoa-ban-na-hin' } });
    const text = `Mai họp tổ lúc 8 giờ (${Date.now()}).`;
    const sent = await b.post('/admin/schedules', {
      _csrf: csrfOf(form.body),
      what: 'text',
      text,
      to: 'area',
      areaId: String(village.id),
      when: 'now',
      once: randomBytes(16).toString('base64url'),
    });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toMatch(/^\/admin\/broadcasts\/\d+$/);
    const broadcastId = Number((sent.headers.location as string).split('/').pop());
    // Its two chats (the village's group chat and its villager's private chat) wait; nothing went.
    await delivery.tick();
    expect(await db.delivery.count({ where: { broadcastId, status: { in: ['queued', 'leased'] } } })).toBe(2);
    expect(harness.channel.transcript('group:demo-hoa-ban-na-hin').some((m) => m.text === text)).toBe(false);

    const progress = await b.get(sent.headers.location as string);
    expect(progress.statusCode).toBe(200);
    const state = /<p class="notice" id="progress-state">([^<]*)<\/p>/.exec(progress.body)?.[1] ?? '';
    expect(state).toContain(`Chờ đến ${endText}`);
    expect(state).not.toContain('Đang gửi');
    expect(progress.body).toMatch(/id="count-queued"><div class="n">2</);
    // No reload every 5 s until morning: one reload, when the quiet hours end.
    expect(progress.body).not.toContain('<meta http-equiv="refresh" content="5">');
    const refresh = Number(/<meta http-equiv="refresh" content="(\d+)">/.exec(progress.body)?.[1]);
    const untilEnd = quietEnd.diffNow('seconds').seconds;
    expect(refresh).toBeGreaterThanOrEqual(untilEnd - 60);
    expect(refresh).toBeLessThanOrEqual(untilEnd + 60);
    // Local time without a zone's name.
    expect(progress.body).not.toContain('Asia/Ho_Chi_Minh');

    const list = await b.get('/admin/schedules');
    const schedule = await db.schedule.findFirstOrThrow({ where: { text } });
    const from = list.body.slice(list.body.indexOf(`id="schedule-${schedule.id}"`));
    const entry = from.slice(0, from.indexOf('</li>'));
    expect(entry).toContain(`chờ đến ${endText}`);
    expect(entry).not.toContain('đã xong');
    expect(entry).not.toContain('đã vào hàng gửi');
  });
});
