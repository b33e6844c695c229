/**
 * Reminders to report: leaders only, from two weeks before the quarter ends, from 09:00, weekly.
 * They go through the delivery outbox like every other message: one broadcast per group and day,
 * a delivery per leader chat, sent by the dispatcher at the platform's pace, waiting out quiet
 * hours, never twice after a restart. The demo province on the sandbox first; then leaders on
 * Telegram (the fake Bot API and the real delivery service), on both databases.
 */
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { loadConfig } from '../../src/core/config.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { broadcastProgress, messageSource } from '../../src/features/delivery/broadcasts.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { formatLocalDateTime } from '../../src/core/time.ts';
import { createArea } from '../../src/features/groups/areas.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { queueReportReminders, reminderStillWanted, reportReminderJob } from '../../src/features/reporting/reminders.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { stopBroadcasts } from '../../src/features/subscriptions/subscribers.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';
import { backends, freshStore, type Backend } from '../support/stores.ts';
import { until } from '../support/wait.ts';
import { Clock } from '../support/clock.ts';

const timeZone = 'Asia/Ho_Chi_Minh';
/** An instant given as Vietnam's wall-clock time. */
const hanoi = (local: string) => new Date(`${local}:00+07:00`);

describe('who is reminded, and when (the demo province)', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore('pglite');
    await seedDemo(store.prisma, readDemoData(defaultContentDir));
    await store.prisma.sessionReport.create({
      data: { groupId: 1, quarter: '2026Q4', heldOn: new Date('2026-11-02'), format: 'direct', topics: ['child-marriage'], participantsTotal: 20, participantsWomen: 10, participantsEthnicMinority: 15, place: 'x', photos: [], source: 'test', idempotencyKey: 'r1' },
    });
  });
  afterAll(() => store?.close());

  /** Queues the reminders due at `now`: how many groups, and the chats they are queued for. */
  async function run(now: string) {
    const { broadcastIds } = await queueReportReminders(store.prisma, { timeZone, platforms: ['sandbox'], now: new Date(now) });
    const deliveries = await store.prisma.delivery.findMany({ where: { broadcastId: { in: broadcastIds } }, include: { chatLink: true }, orderBy: { id: 'asc' } });
    return { groups: broadcastIds.length, broadcastIds, deliveries, chats: deliveries.map((d) => d.chatLink.chatId) };
  }

  it('a month before the quarter ends, nobody is reminded', async () => {
    expect((await run('2026-12-01T02:00:00Z')).groups).toBe(0);
  });

  it('eleven days before, from 09:00: the leaders of every group without a report, in their private chats, once a week', async () => {
    expect((await run('2026-12-20T01:59:00Z')).groups).toBe(0); // 08:59 in Vietnam
    const first = await run('2026-12-20T02:00:00Z');
    expect(first.groups).toBe(11);
    expect(first.chats.length).toBeGreaterThanOrEqual(11);
    expect(first.chats.every((chatId) => chatId.startsWith('private:leader-'))).toBe(true);
    expect(first.chats).not.toContain('private:leader-demo-hoa-ban-na-hin');
    // Queued in the outbox, each group's reminder a broadcast of its own.
    expect(first.deliveries.every((d) => d.status === 'queued' && d.platform === 'sandbox')).toBe(true);
    const broadcasts = await store.prisma.broadcast.findMany({ where: { id: { in: first.broadcastIds } } });
    expect(broadcasts.every((b) => b.kind === 'reportReminder' && b.status === 'queued')).toBe(true);
    expect(await messageSource(store.prisma)(first.broadcastIds[0]!, 'vi')).toEqual({
      text: 'Nhắc tổ trưởng «Tổ truyền thông bản Co Mị»: quý 4/2026 kết thúc ngày 31/12/2026 mà tổ chưa có báo cáo buổi sinh hoạt nào. Đã tổ chức thì báo cáo: /baocao',
    });
    expect((await run('2026-12-24T02:00:00Z')).groups).toBe(0);
    expect((await run('2026-12-28T02:00:00Z')).groups).toBe(11);
  });

  it('each leader reads it in her language', async () => {
    const [leader] = await store.prisma.membership.findMany({ where: { role: 'leader', groupId: { not: 1 } }, orderBy: { id: 'asc' }, take: 1 });
    await store.prisma.person.update({ where: { id: leader!.personId }, data: { language: 'en' } });
    // A new quarter: every group is due again.
    const { broadcastIds } = await run('2027-03-20T02:00:00Z');
    const broadcast = await store.prisma.broadcast.findFirstOrThrow({ where: { id: { in: broadcastIds }, audience: { equals: { groupIds: [leader!.groupId] } } } });
    const message = messageSource(store.prisma);
    expect((await message(broadcast.id, 'en'))!.text).toMatch(/^Reminder for the leader of ".+": quarter 1\/2027 ends on 31\/03\/2027/);
    expect((await message(broadcast.id, 'vi'))!.text).toMatch(/^Nhắc tổ trưởng «.+»: quý 1\/2027 kết thúc ngày 31\/03\/2027/);
  });
});

const log = createLogger(process.env.TEST_LOG ?? 'silent', false);
const config = loadConfig({ TELEGRAM_RATE_PER_SECOND: '25' });
const library = loadCampaigns(defaultContentDir);
const reminderText = 'Nhắc tổ trưởng «Tổ truyền thông bản Nà Hìn»: quý 4/2026 kết thúc ngày 31/12/2026 mà tổ chưa có báo cáo buổi sinh hoạt nào. Đã tổ chức thì báo cáo: /baocao';

/** Telegram ids of the people and chats. */
const chats = { leader: '8001', deputy: '8002', villager: '8003', group: '-1002001', reportedLeader: '8004' };

/**
 * Two villages on Telegram: Nà Hìn's group (a leader and a deputy who talk to the bot privately, a
 * villager who follows it, its group chat) has not reported this quarter; Co Mị's has.
 */
async function seedVillages(db: Db): Promise<void> {
  const commune = await createArea(db, { code: 'xa-hoa-ban', name: 'Xã Hoà Bán', level: 'commune', parentId: null });
  const village = async (code: string, name: string) => {
    const area = await createArea(db, { code, name: `Bản ${name}`, level: 'village', parentId: commune.id });
    return db.communicationGroup.create({ data: { name: `Tổ truyền thông bản ${name}`, areaId: area.id } });
  };
  const person = async (groupId: number, userId: string, role: string) => {
    const p = await db.person.create({ data: { platform: 'telegram', platformUserId: userId, displayName: `Người ${userId}` } });
    await db.membership.create({ data: { personId: p.id, groupId, role } });
    await db.chatLink.create({ data: { platform: 'telegram', chatId: userId, kind: 'private', personId: p.id, groupId: role === 'member' ? groupId : null } });
  };
  const naHin = await village('na-hin', 'Nà Hìn');
  await person(naHin.id, chats.leader, 'leader');
  await person(naHin.id, chats.deputy, 'deputy');
  await person(naHin.id, chats.villager, 'member');
  await db.chatLink.create({ data: { platform: 'telegram', chatId: chats.group, kind: 'group', groupId: naHin.id } });
  const coMi = await village('co-mi', 'Co Mị');
  await person(coMi.id, chats.reportedLeader, 'leader');
  await db.sessionReport.create({
    data: { groupId: coMi.id, quarter: '2026Q4', heldOn: new Date('2026-11-02'), format: 'direct', topics: ['child-marriage'], participantsTotal: 20, participantsWomen: 10, participantsEthnicMinority: 15, place: 'x', photos: [], source: 'test', idempotencyKey: 'co-mi-q4' },
  });
}

interface Bot {
  db: Db;
  fake: FakeTelegram;
  clock: Clock;
  /** The delivery service as `loaban start` runs it, with the reminders on its tick. */
  service(): Promise<DeliveryService>;
  received(chatId: string): string[];
  close(): Promise<void>;
}

let running: Bot | undefined;

async function startBot(backend: Backend, start: Date): Promise<Bot> {
  const clock = new Clock(start);
  const store = await freshStore(backend);
  const db = store.prisma;
  await seedVillages(db);
  const fake = await startFakeTelegram({ now: clock.ms });
  const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), log, requestTimeoutMs: 3_000 });
  const services: DeliveryService[] = [];
  running = {
    db,
    fake,
    clock,
    async service() {
      const jobs = [reportReminderJob(db, { timeZone, platforms: ['telegram'] }, log)];
      const service = await startDelivery({ db, channels: [channel], config, library, soleProcess: backend === 'pglite', log, now: clock.date, jobs, stillWanted: reminderStillWanted(db) });
      services.push(service);
      return service;
    },
    received: (chatId) => fake.sentTo(chatId).map((m) => m.text),
    async close() {
      for (const s of services) await s.stop();
      await fake.close();
      await store.close();
    },
  };
  return running;
}

describe.each(backends)('reminders through the outbox, on Telegram (%s)', (backend) => {
  // The first database of a test worker is migrated from scratch: done here, in the hook's longer time.
  beforeAll(async () => (await freshStore(backend)).close());
  afterEach(async () => {
    const bot = running;
    running = undefined;
    await bot?.close();
  });

  const progressOf = async (db: Db) => (await broadcastProgress(db, (await db.broadcast.findFirstOrThrow({ where: { kind: 'reportReminder' } })).id))!;

  it('due at 22:00 (the bot was down all day), it waits out the night in the queue and reaches both leaders once at 06:01', async () => {
    const bot = await startBot(backend, hanoi('2026-12-20T22:00'));
    const service = await bot.service();
    expect(await progressOf(bot.db)).toMatchObject({ kind: 'reportReminder', status: 'queued', total: 2, queued: 2, sent: 0 });
    // The dispatcher is running; give it time to (not) send.
    await new Promise((r) => setTimeout(r, 600));
    expect(bot.fake.sent).toEqual([]);

    bot.clock.set(hanoi('2026-12-21T06:01'));
    for (const d of service.dispatchers) d.wake();
    await until(async () => (await progressOf(bot.db)).sent === 2, 'the morning send');
    expect(bot.received(chats.leader)).toEqual([reminderText]);
    expect(bot.received(chats.deputy)).toEqual([reminderText]);
    for (const chat of [chats.villager, chats.group, chats.reportedLeader]) expect(bot.received(chat), chat).toEqual([]);
    const sentAt = (await bot.db.delivery.findMany()).map((d) => formatLocalDateTime(d.sentAt!, timeZone));
    expect(sentAt).toEqual(['2026-12-21 06:01', '2026-12-21 06:01']);

    // That morning at 09:00 the reminders are due again, but the group was reminded last night.
    bot.clock.set(hanoi('2026-12-21T09:00'));
    await service.tick();
    expect(await bot.db.broadcast.count()).toBe(1);
  });

  it('held through the night, it is not sent to a group that reported in the meantime: skipped, and said so', async () => {
    const bot = await startBot(backend, hanoi('2026-12-20T22:00'));
    const service = await bot.service();
    expect(await progressOf(bot.db)).toMatchObject({ total: 2, queued: 2 });
    // Before dawn the leader reports (a chat reply is not held by quiet hours).
    const naHin = await bot.db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nà Hìn' } });
    await bot.db.sessionReport.create({
      data: { groupId: naHin.id, quarter: '2026Q4', heldOn: new Date('2026-12-20'), format: 'direct', topics: ['child-marriage'], participantsTotal: 12, participantsWomen: 7, participantsEthnicMinority: 10, place: 'x', photos: [], source: 'test', idempotencyKey: 'na-hin-q4' },
    });
    bot.clock.set(hanoi('2026-12-21T06:01'));
    for (const d of service.dispatchers) d.wake();
    await until(async () => (await progressOf(bot.db)).skipped === 2, 'both reminders skipped');
    expect(bot.fake.sent).toEqual([]);
    const progress = await progressOf(bot.db);
    expect(progress.failures.map((f) => [f.kind, f.count])).toEqual([['obsolete', 2]]);
  });

  it('a restart in the middle, and a second process at once, send nobody the reminder twice', async () => {
    const bot = await startBot(backend, hanoi('2026-12-20T09:00'));
    bot.fake.failChat(chats.deputy, { kind: 'retryAfter', seconds: 30 });
    let service = await bot.service();
    await until(() => bot.received(chats.leader).length === 1 && bot.fake.calls.some((c) => String(c.params.chat_id) === chats.deputy && c.status === 429), 'the leader reached, the deputy told to wait');
    await service.stop();
    expect(await progressOf(bot.db)).toMatchObject({ sent: 1, queued: 1 });

    // Back a minute later, past the wait; another process looks for due reminders at the same moment.
    bot.fake.clearFaults();
    bot.clock.advance(60_000);
    service = await bot.service();
    await Promise.all([service.tick(), queueReportReminders(bot.db, { timeZone, platforms: ['telegram'], now: bot.clock.date() })]);
    expect(await bot.db.broadcast.count()).toBe(1);
    await until(async () => (await progressOf(bot.db)).sent === 2, 'the deputy reached after the wait');
    expect(bot.received(chats.leader)).toEqual([reminderText]);
    expect(bot.received(chats.deputy)).toEqual([reminderText]);
    expect(bot.fake.stats.throttled).toBe(0);
  });

  it('a leader who stopped the group’s messages (/dunglai) is still reminded: it is not one of them', async () => {
    const bot = await startBot(backend, hanoi('2026-12-20T09:00'));
    await queueReportReminders(bot.db, { timeZone, platforms: ['telegram'], now: bot.clock.date() });
    expect(await stopBroadcasts(bot.db, { platform: 'telegram', userId: chats.leader })).toBe('stopped');
    await bot.service();
    await until(async () => (await progressOf(bot.db)).sent === 2, 'both leaders reached');
    expect(bot.received(chats.leader)).toEqual([reminderText]);
  });
});
