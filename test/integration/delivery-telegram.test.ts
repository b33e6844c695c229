/**
 * Broadcasts as villagers receive them on Telegram: the real outbox, dispatcher and
 * TelegramChannel against the fake Telegram Bot API (its limits on, failures injected per chat),
 * on both databases. The bot and the fake share one clock that runs with real time from a chosen
 * local time and can be moved forward (to morning, past a backoff).
 */
import Fastify from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { loadConfig } from '../../src/core/config.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import type { Audience } from '../../src/features/delivery/audience.ts';
import { broadcastProgress, expandBroadcast, expandDue, messageSource } from '../../src/features/delivery/broadcasts.ts';
import { Dispatcher } from '../../src/features/delivery/dispatcher.ts';
import { reasonKind, reasons } from '../../src/features/delivery/reasons.ts';
import { addSchedule } from '../../src/features/delivery/schedules.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { formatLocalDateTime } from '../../src/core/time.ts';
import { createArea } from '../../src/features/groups/areas.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db } from '../../src/core/store/store.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';
import { backends, freshStore, type Backend } from '../support/stores.ts';
import { until } from '../support/wait.ts';
import { Clock } from '../support/clock.ts';

const log = createLogger(process.env.TEST_LOG ?? 'silent', false);
const library = loadCampaigns(defaultContentDir);
/** Telegram's published limits are the fake's; the bot is set a little under them, as in production. */
const config = loadConfig({ TELEGRAM_RATE_PER_SECOND: '25', DELIVERY_MAX_ATTEMPTS: '3', DELIVERY_CONCURRENCY: '4', SCHEDULE_GRACE_MINUTES: '360' });
const vietnam = config.timeZone;
/** An instant given as Vietnam's wall-clock time. */
const hanoi = (local: string) => new Date(`${local}:00+07:00`);
const local = (date: Date | null | undefined) => (date ? formatLocalDateTime(date, vietnam) : null);

interface VillagePlan {
  /** The commune it belongs to (villages of one commune share it). */
  commune: string;
  /** The Telegram id of its group chat. */
  groupChatId: string;
  villagers: number;
  /** Languages of the first villagers (the rest read Vietnamese). */
  languages?: string[];
}

interface Village {
  groupId: number;
  areaId: number;
  communeId: number;
  groupChatId: string;
  villagerChatIds: string[];
}

let nextUserId = 7_000_001;

/** A province with communes, one communication group per village with its Telegram group, and villagers who follow the bot privately. */
async function seedVillages(db: Db, plans: VillagePlan[]): Promise<Village[]> {
  const province = await createArea(db, { code: 'son-cuoc', name: 'Tỉnh Sơn Cước', level: 'province', parentId: null });
  const communes = new Map<string, number>();
  const villages: Village[] = [];
  for (const [i, plan] of plans.entries()) {
    let communeId = communes.get(plan.commune);
    if (communeId === undefined) {
      communeId = (await createArea(db, { code: `xa-${plan.commune}`, name: `Xã ${plan.commune}`, level: 'commune', parentId: province.id })).id;
      communes.set(plan.commune, communeId);
    }
    const area = await createArea(db, { code: `ban-${i}`, name: `Bản ${i}`, level: 'village', parentId: communeId });
    const group = await db.communicationGroup.create({ data: { name: `Tổ truyền thông bản ${i}`, areaId: area.id } });
    await db.chatLink.create({ data: { platform: 'telegram', chatId: plan.groupChatId, kind: 'group', title: group.name, groupId: group.id } });
    const villagerChatIds = Array.from({ length: plan.villagers }, () => String(nextUserId++));
    await db.person.createMany({
      data: villagerChatIds.map((id, n) => ({ platform: 'telegram', platformUserId: id, displayName: `Người dân ${id}`, language: plan.languages?.[n] ?? 'vi' })),
    });
    const people = await db.person.findMany({ where: { platform: 'telegram', platformUserId: { in: villagerChatIds } }, select: { id: true, platformUserId: true } });
    await db.membership.createMany({ data: people.map((p) => ({ personId: p.id, groupId: group.id, role: 'member' })) });
    await db.chatLink.createMany({ data: people.map((p) => ({ platform: 'telegram', chatId: p.platformUserId, kind: 'private', personId: p.id })) });
    villages.push({ groupId: group.id, areaId: area.id, communeId, groupChatId: plan.groupChatId, villagerChatIds });
  }
  return villages;
}

interface Bot {
  db: Db;
  fake: FakeTelegram;
  clock: Clock;
  villages: Village[];
  /** A started dispatcher for Telegram, polling every 50 ms. */
  dispatcher(): Promise<Dispatcher>;
  /** The whole delivery service (schedules every minute, the dispatcher), as `loaban start` runs it. */
  service(): Promise<DeliveryService>;
  /** A one-off broadcast of `text` to `audience`, due now and expanded into the outbox. */
  broadcast(text: string, audience?: Audience, priority?: number): Promise<number>;
  /** What reached a chat, in order. */
  received(chatId: string): string[];
  /** Calls to a chat that Telegram answered with `status`. */
  answered(chatId: string, status: number): number;
  progress(broadcastId: number): Promise<NonNullable<Awaited<ReturnType<typeof broadcastProgress>>>>;
  close(): Promise<void>;
}

let running: Bot | undefined;
const everyChat = (village: Village) => [village.groupChatId, ...village.villagerChatIds];

async function startBot(backend: Backend, plans: VillagePlan[], start = hanoi('2026-11-30T10:00')): Promise<Bot> {
  const clock = new Clock(start);
  const store = await freshStore(backend);
  const db = store.prisma;
  const villages = await seedVillages(db, plans);
  const fake = await startFakeTelegram({ now: clock.ms });
  const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), log, requestTimeoutMs: 3_000 });
  const dispatchers: Dispatcher[] = [];
  const services: DeliveryService[] = [];
  const bot: Bot = {
    db,
    fake,
    clock,
    villages,
    async dispatcher() {
      const dispatcher = new Dispatcher({
        db,
        channel,
        limits: config.delivery.rates.telegram,
        worker: 'test-host:1',
        messageFor: messageSource(db),
        timeZone: vietnam,
        quietHours: config.quietHours,
        maxAttempts: config.delivery.maxAttempts,
        concurrency: config.delivery.concurrency,
        soleProcess: backend === 'pglite',
        log,
        now: clock.ms,
        idleMs: 50,
      });
      await dispatcher.start();
      dispatchers.push(dispatcher);
      return dispatcher;
    },
    async service() {
      await syncCampaigns(db, library);
      const service = await startDelivery({ db, channels: [channel], config, library, soleProcess: backend === 'pglite', log, now: clock.date });
      services.push(service);
      return service;
    },
    async broadcast(text, audience = {}, priority = 0) {
      const { id } = await db.broadcast.create({ data: { text, audience, scheduledFor: clock.date(), priority } });
      await expandBroadcast(db, id, ['telegram'], clock.date());
      return id;
    },
    received: (chatId) => fake.sentTo(chatId).map((m) => m.text),
    answered: (chatId, status) => fake.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === chatId && c.status === status).length,
    progress: async (id) => (await broadcastProgress(db, id))!,
    async close() {
      for (const s of services) await s.stop();
      for (const d of dispatchers) await d.stop();
      await fake.close();
      await store.close();
    },
  };
  running = bot;
  return bot;
}

/** No duplicates anywhere: each chat received exactly as many messages as it has deliveries marked sent. */
async function expectOneMessagePerDelivery(bot: Bot): Promise<void> {
  const chats = new Set([...bot.fake.sent.map((m) => m.chatId), ...bot.villages.flatMap(everyChat)]);
  const sent = await bot.db.delivery.findMany({ where: { status: 'sent' }, select: { chatLink: { select: { chatId: true } } } });
  for (const chat of chats) {
    expect(bot.fake.sentTo(chat).length, `messages in chat ${chat}`).toBe(sent.filter((d) => d.chatLink.chatId === chat).length);
  }
}

describe.each(backends)('broadcasts on Telegram (%s)', (backend) => {
  // The first database of a test worker is migrated from scratch: done here, in the hook's longer time.
  beforeAll(async () => (await freshStore(backend)).close());
  afterEach(async () => {
    const bot = running;
    running = undefined;
    if (!bot) return;
    try {
      await expectOneMessagePerDelivery(bot);
    } finally {
      await bot.close();
    }
  });

  describe('Telegram asks to slow down', () => {
    it('a chat told to wait 2 s gets its message once after the wait; the other chats are not held up', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 4 }]);
      const [village] = bot.villages;
      const slow = village!.villagerChatIds[0]!;
      const text = 'Mời bà con họp tổ lúc 19 giờ tối nay tại nhà văn hoá.';
      bot.fake.failChat(slow, { kind: 'retryAfter', seconds: 2 });
      const id = await bot.broadcast(text);
      await bot.dispatcher();

      await until(() => bot.answered(slow, 429) === 1, 'Telegram to answer 429');
      const toldAt = bot.fake.calls.find((c) => String(c.params.chat_id) === slow && c.status === 429)!.at;
      bot.fake.clearFaults();
      await until(async () => (await bot.progress(id)).sent === 5, 'all five sent');

      expect(bot.received(slow)).toEqual([text]);
      expect(bot.fake.sentTo(slow)[0]!.at).toBeGreaterThanOrEqual(toldAt + 2_000);
      for (const chat of everyChat(village!).filter((c) => c !== slow)) {
        expect(bot.received(chat), chat).toEqual([text]);
        expect(bot.fake.sentTo(chat)[0]!.at, chat).toBeLessThan(toldAt + 2_000);
      }
      // Being throttled is not a failed try: the chat still has all its tries.
      expect((await bot.db.delivery.findFirstOrThrow({ where: { broadcastId: id, chatLink: { chatId: slow } } })).attempts).toBe(1);
      expect(bot.fake.stats.throttled).toBe(0);
    });

    it('two messages for the same chats at once: each chat gets both, a second apart, and Telegram never has to slow the bot down', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 2 }]);
      const [village] = bot.villages;
      const first = await bot.broadcast('Tin thứ nhất: lịch tiêm chủng tháng 12.');
      const second = await bot.broadcast('Tin thứ hai: họp tổ chiều thứ Bảy.');
      await bot.dispatcher();
      await until(async () => (await bot.progress(first)).sent + (await bot.progress(second)).sent === 6, 'both messages in all three chats');

      for (const chat of everyChat(village!)) {
        expect([...bot.received(chat)].sort(), chat).toEqual(['Tin thứ hai: họp tổ chiều thứ Bảy.', 'Tin thứ nhất: lịch tiêm chủng tháng 12.']);
        const [a, b] = bot.fake.sentTo(chat);
        expect(b!.at - a!.at, chat).toBeGreaterThanOrEqual(1_000);
      }
      expect(bot.fake.calls.filter((c) => c.status === 429)).toEqual([]);
    });
  });

  describe('chats that stopped receiving', () => {
    it('a villager who blocked the bot and a group that removed it: failed with the reason, their other waiting message not tried, left out of the next broadcast', async () => {
      const bot = await startBot(backend, [
        { commune: 'hoa-ban', groupChatId: '-1001001', villagers: 2 },
        { commune: 'hoa-ban', groupChatId: '-1001002', villagers: 1 },
      ]);
      const [first, second] = bot.villages;
      const blocked = first!.villagerChatIds[0]!;
      const removedGroup = second!.groupChatId;
      bot.fake.botBlockedByUser({ chatId: blocked });
      bot.fake.botRemovedFromGroup({ chatId: removedGroup });
      const text = 'Tuần này có khám sức khoẻ miễn phí cho phụ nữ.';
      const alsoQueued = 'Lịch tiêm chủng cho trẻ em tháng 12.';
      const id = await bot.broadcast(text);
      const other = await bot.broadcast(alsoQueued);
      await bot.dispatcher();
      await until(async () => {
        const [p, q] = [await bot.progress(id), await bot.progress(other)];
        return p.sent + p.failed === 5 && q.sent + q.skipped === 5;
      }, 'both broadcasts done');

      const progress = await bot.progress(id);
      expect(progress).toMatchObject({ total: 5, sent: 3, failed: 2, queued: 0 });
      expect(progress.failures).toEqual(
        expect.arrayContaining([
          { kind: 'stopped', reason: 'chat stopped receiving: 403 Forbidden: bot was blocked by the user', count: 1 },
          { kind: 'stopped', reason: 'chat stopped receiving: 403 Forbidden: bot was kicked from the supergroup chat', count: 1 },
        ]),
      );
      const links = await bot.db.chatLink.findMany({ where: { chatId: { in: [blocked, removedGroup] } }, orderBy: { chatId: 'asc' } });
      expect(links.map((l) => ({ chatId: l.chatId, active: l.active, inactiveReason: l.inactiveReason }))).toEqual([
        { chatId: removedGroup, active: false, inactiveReason: '403 Forbidden: bot was kicked from the supergroup chat' },
        { chatId: blocked, active: false, inactiveReason: '403 Forbidden: bot was blocked by the user' },
      ]);
      expect(bot.received(blocked)).toEqual([]);
      expect(bot.received(removedGroup)).toEqual([]);
      // The other message waiting for them was skipped, not tried.
      expect(await bot.progress(other)).toMatchObject({ total: 5, sent: 3, failed: 0, skipped: 2 });
      const skipped = await bot.db.delivery.findMany({ where: { broadcastId: other, status: 'skipped' }, include: { chatLink: true }, orderBy: { id: 'asc' } });
      expect(skipped.map((d) => d.chatLink.chatId).sort()).toEqual([removedGroup, blocked].sort());
      for (const d of skipped) expect(d.lastError).toContain(d.chatLink.inactiveReason!);

      const next = await bot.broadcast('Nhắc lại: khám sức khoẻ sáng thứ Bảy.');
      await until(async () => (await bot.progress(next)).sent === 3, 'the next broadcast sent');
      expect(await bot.progress(next)).toMatchObject({ total: 3, sent: 3, failed: 0, skipped: 0 });
      // Each was tried once, on the first broadcast, and never again.
      expect(bot.answered(blocked, 403)).toBe(1);
      expect(bot.answered(removedGroup, 403)).toBe(1);
      for (const chat of [first!.groupChatId, first!.villagerChatIds[1]!, second!.villagerChatIds[0]!]) {
        expect([...bot.received(chat)].sort(), chat).toEqual([text, alsoQueued, 'Nhắc lại: khám sức khoẻ sáng thứ Bảy.'].sort());
      }
    });

    it('a villager who blocked the bot is counted on the broadcast’s progress as stopped receiving, not as a platform error', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 2 }]);
      const blocked = bot.villages[0]!.villagerChatIds[0]!;
      bot.fake.botBlockedByUser({ chatId: blocked });
      const id = await bot.broadcast('Tuần này có khám sức khoẻ miễn phí cho phụ nữ.');
      await bot.dispatcher();
      await until(async () => (await bot.progress(id)).sent + (await bot.progress(id)).failed === 3, 'the broadcast done');

      const progress = await bot.progress(id);
      expect(progress).toMatchObject({ total: 3, sent: 2, failed: 1 });
      expect(progress.failures).toEqual([{ kind: 'stopped', reason: 'chat stopped receiving: 403 Forbidden: bot was blocked by the user', count: 1 }]);
      // Read back from the text too, as rows stored before kinds were are.
      expect(reasonKind(progress.failures[0]!.reason)).toBe('stopped');
    });
  });

  describe('a group that became a supergroup', () => {
    it('the message arrives once in the new chat, and the group’s chat now points there', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-4001', villagers: 1 }]);
      bot.fake.groupMigrated({ chatId: -4001, newChatId: -1004001 });
      const text = 'Tháng hành động vì bình đẳng giới bắt đầu từ 15/11.';
      const id = await bot.broadcast(text);
      await bot.dispatcher();
      await until(async () => (await bot.progress(id)).sent === 2, 'both chats');

      expect(bot.received('-1004001')).toEqual([text]);
      expect(bot.received('-4001')).toEqual([]);
      const link = await bot.db.chatLink.findFirstOrThrow({ where: { groupId: bot.villages[0]!.groupId, kind: 'group' } });
      expect(link).toMatchObject({ chatId: '-1004001', active: true });
      // The move is not a failed try.
      expect((await bot.db.delivery.findFirstOrThrow({ where: { broadcastId: id, chatLinkId: link.id } })).attempts).toBe(1);

      // The next message goes straight to the supergroup.
      const next = await bot.broadcast('Mời bà con dự buổi nói chuyện chiều Chủ nhật.');
      await until(async () => (await bot.progress(next)).sent === 2, 'the next broadcast');
      expect(bot.received('-1004001')).toEqual([text, 'Mời bà con dự buổi nói chuyện chiều Chủ nhật.']);
      expect(bot.answered('-4001', 400)).toBe(1);
    });

    it('two messages already waiting for it when it moved: both arrive once in the new chat, and the group keeps receiving', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-4002', villagers: 0 }]);
      bot.fake.groupMigrated({ chatId: -4002, newChatId: -1004002 });
      const first = await bot.broadcast('Tin thứ nhất cho tổ.');
      const second = await bot.broadcast('Tin thứ hai cho tổ.');
      await bot.dispatcher(); // one batch claims both, reading the chat before it moved
      await until(async () => (await bot.progress(first)).sent + (await bot.progress(second)).sent === 2, 'both messages');
      expect([...bot.received('-1004002')].sort()).toEqual(['Tin thứ hai cho tổ.', 'Tin thứ nhất cho tổ.']);
      const link = await bot.db.chatLink.findFirstOrThrow({ where: { groupId: bot.villages[0]!.groupId, kind: 'group' } });
      expect(link).toMatchObject({ chatId: '-1004002', active: true });
      const next = await bot.broadcast('Tin thứ ba.');
      await until(async () => (await bot.progress(next)).sent === 1, 'the next broadcast');
      expect(bot.received('-1004002')).toContain('Tin thứ ba.');
    });

    it('when the bot already knows the supergroup, the old chat is retired and the message arrives there once', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-4001', villagers: 1 }]);
      // The supergroup's first message reached the bot before the broadcast: it has its own chat, not yet tied to the group.
      await bot.db.chatLink.create({ data: { platform: 'telegram', chatId: '-1004001', kind: 'group', title: 'Tổ truyền thông bản 0' } });
      bot.fake.groupMigrated({ chatId: -4001, newChatId: -1004001 });
      const text = 'Tháng hành động vì bình đẳng giới bắt đầu từ 15/11.';
      const id = await bot.broadcast(text);
      await bot.dispatcher();
      await until(async () => (await bot.progress(id)).sent === 2, 'both chats');

      expect(bot.received('-1004001')).toEqual([text]);
      const [old, moved] = await bot.db.chatLink.findMany({ where: { chatId: { in: ['-4001', '-1004001'] } }, orderBy: { id: 'asc' } });
      expect(old).toMatchObject({ chatId: '-4001', active: false, inactiveReason: 'moved to -1004001' });
      expect(moved).toMatchObject({ chatId: '-1004001', active: true, groupId: bot.villages[0]!.groupId });

      const next = await bot.broadcast('Mời bà con dự buổi nói chuyện chiều Chủ nhật.');
      await until(async () => (await bot.progress(next)).sent === 2, 'the next broadcast');
      expect(bot.received('-1004001')).toEqual([text, 'Mời bà con dự buổi nói chuyện chiều Chủ nhật.']);
      expect(bot.answered('-4001', 400)).toBe(1);
    });
  });

  describe('Telegram failing for a while', () => {
    it('a 500 is retried after growing waits and then sent; a chat that always fails is failed "after 3 tries"', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 2 }]);
      const [village] = bot.villages;
      const [flaky, broken] = village!.villagerChatIds as [string, string];
      bot.fake.failChat(flaky, { kind: 'serverError' });
      bot.fake.failChat(broken, { kind: 'serverError' });
      const text = 'Lớp học kỹ năng bán hàng qua mạng mở ngày 5/12.';
      const id = await bot.broadcast(text);
      const dispatcher = await bot.dispatcher();
      const row = (chatId: string) => bot.db.delivery.findFirstOrThrow({ where: { broadcastId: id, chatLink: { chatId } } });
      const lastFailure = (chatId: string) => bot.fake.calls.filter((c) => String(c.params.chat_id) === chatId && c.status === 500).at(-1)!.at;
      /** After `tries` failures both wait in the queue, the next try between `from` and `to` ms after the last failure. */
      const waitingAfter = async (tries: number, from: number, to: number) => {
        await until(async () => bot.answered(flaky, 500) === tries && bot.answered(broken, 500) === tries && (await row(flaky)).status === 'queued' && (await row(broken)).status === 'queued', `failure ${tries}`);
        for (const chat of [flaky, broken]) {
          const delivery = await row(chat);
          expect(delivery).toMatchObject({ attempts: tries, lastError: '500 Internal Server Error', failureKind: 'outage' });
          const wait = delivery.nextAttemptAt.getTime() - lastFailure(chat);
          expect(wait, chat).toBeGreaterThanOrEqual(from);
          expect(wait, chat).toBeLessThanOrEqual(to + 500);
        }
      };

      await waitingAfter(1, 2_500, 5_000);
      // The group's send takes its own slot of the clock, maybe after the two that failed: it arrives, once.
      await until(async () => bot.received(village!.groupChatId).length > 0, 'the group\'s message');
      expect(bot.received(village!.groupChatId)).toEqual([text]);
      bot.clock.advance(5_000);
      dispatcher.wake();
      await waitingAfter(2, 5_000, 10_000);
      // Telegram recovers for one of them.
      bot.fake.clearFaults();
      bot.fake.failChat(broken, { kind: 'serverError' });
      bot.clock.advance(10_000);
      dispatcher.wake();
      await until(async () => {
        const p = await bot.progress(id);
        return p.sent === 2 && p.failed === 1;
      }, 'the third try');

      expect(bot.received(flaky)).toEqual([text]);
      expect(bot.received(broken)).toEqual([]);
      expect(bot.answered(broken, 500)).toBe(3);
      expect((await bot.progress(id)).failures).toEqual([{ kind: 'outage', reason: '500 Internal Server Error (after 3 tries)', count: 1 }]);
    });
  });

  describe('quiet hours (21:00–06:00)', () => {
    it('a message due at 22:00 waits in the queue overnight and goes out once at 06:01', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 3 }], hanoi('2026-11-30T22:00'));
      const text = library.messages.get('action-month-opening')!.variants.vi!;
      await syncCampaigns(bot.db, library);
      await addSchedule(
        { db: bot.db, library, timeZone: vietnam, platforms: ['telegram'], textLimit: 2000 },
        { what: { contentId: 'action-month-opening' }, when: { at: hanoi('2026-11-30T21:45') }, audience: {} },
        hanoi('2026-11-30T20:00'),
      );
      const delivery = await bot.service();
      const broadcast = await bot.db.broadcast.findFirstOrThrow();
      expect(await bot.progress(broadcast.id)).toMatchObject({ status: 'queued', total: 4, queued: 4, sent: 0 });
      // The dispatcher is running; give it time to (not) send.
      await new Promise((r) => setTimeout(r, 600));
      expect(bot.fake.sent).toEqual([]);
      expect(await bot.progress(broadcast.id)).toMatchObject({ queued: 4, sent: 0 });

      bot.clock.set(hanoi('2026-12-01T06:01'));
      // Lanes that slept through the night look again (they would within a minute).
      for (const d of delivery.dispatchers) d.wake();
      await until(async () => (await bot.progress(broadcast.id)).sent === 4, 'the morning send');

      for (const chat of everyChat(bot.villages[0]!)) expect(bot.received(chat), chat).toEqual([text]);
      const sentAt = (await bot.db.delivery.findMany({ where: { broadcastId: broadcast.id } })).map((d) => local(d.sentAt));
      expect(sentAt.every((at) => at === '2026-12-01 06:01')).toBe(true);
    });
  });

  describe('urgent messages', () => {
    it('a storm warning for one commune, created while a long campaign goes out in another, arrives before most of the campaign', async () => {
      const bot = await startBot(backend, [
        { commune: 'hoa-ban', groupChatId: '-1001001', villagers: 80 },
        { commune: 'suoi-may', groupChatId: '-1001002', villagers: 5 },
      ]);
      const [campaignVillage, stormVillage] = bot.villages;
      const campaign = 'Tiết kiệm vốn vay: tổ tiết kiệm họp ngày 10 hằng tháng.';
      const storm = 'KHẨN: bão số 9 đổ bộ đêm nay. Không ra suối, chằng chống nhà cửa.';
      const big = await bot.broadcast(campaign, { areaId: campaignVillage!.communeId });
      await bot.dispatcher();
      await until(() => bot.fake.sent.length >= 5, 'the campaign under way');
      const urgent = await bot.broadcast(storm, { areaId: stormVillage!.communeId }, 10);
      await until(async () => (await bot.progress(big)).sent === 81 && (await bot.progress(urgent)).sent === 6, 'both broadcasts', 15_000);

      const order = bot.fake.sent.map((m) => m.text);
      const lastStorm = order.lastIndexOf(storm);
      const campaignBefore = order.slice(0, lastStorm).filter((t) => t === campaign).length;
      expect(campaignBefore).toBeLessThan(81 / 2);
      for (const chat of everyChat(stormVillage!)) expect(bot.received(chat), chat).toEqual([storm]);
      for (const chat of everyChat(campaignVillage!)) expect(bot.received(chat), chat).toEqual([campaign]);
      expect(bot.fake.stats.throttled).toBe(0);
    }, 20_000);
  });

  describe('a dispatcher that died', () => {
    it('claims it never tried are sent once; a send it had started is failed as in doubt, not sent again; a restart repeats nothing', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 5 }]);
      const text = 'Ngày 20/10: chúc mừng các chị em hội viên.';
      const id = await bot.broadcast(text);
      const rows = await bot.db.delivery.findMany({ where: { broadcastId: id }, orderBy: { id: 'asc' }, include: { chatLink: true } });
      const now = bot.clock.ms();
      const dead = { leasedBy: 'old-host:4242', leaseUntil: new Date(now - 1_000) };
      await bot.db.delivery.updateMany({ where: { id: { in: [rows[0]!.id, rows[1]!.id] } }, data: { status: 'leased', ...dead } });
      await bot.db.delivery.update({ where: { id: rows[2]!.id }, data: { status: 'sending', attempts: 1, attemptStartedAt: new Date(now - 121_000), ...dead } });
      const inDoubt = rows[2]!.chatLink.chatId;

      let dispatcher = await bot.dispatcher();
      await until(async () => {
        const p = await bot.progress(id);
        return p.sent + p.failed === 6;
      }, 'the outbox drained');
      expect(await bot.progress(id)).toMatchObject({ sent: 5, failed: 1, failures: [{ kind: 'inDoubt', reason: reasons.inDoubt.text, count: 1 }] });
      expect(bot.received(inDoubt)).toEqual([]);
      for (const row of rows.filter((r) => r.chatLink.chatId !== inDoubt)) expect(bot.received(row.chatLink.chatId), row.chatLink.chatId).toEqual([text]);

      // Restart: a new message goes out, the old one is not repeated anywhere.
      await dispatcher.stop();
      dispatcher = await bot.dispatcher();
      const next = await bot.broadcast('Chiều nay họp chi hội.');
      await until(async () => (await bot.progress(next)).sent === 6, 'the next broadcast');
      expect(await bot.progress(id)).toMatchObject({ sent: 5, failed: 1 });
      expect(bot.received(inDoubt)).toEqual(['Chiều nay họp chi hội.']);
      for (const row of rows.filter((r) => r.chatLink.chatId !== inDoubt)) expect(bot.received(row.chatLink.chatId)).toEqual([text, 'Chiều nay họp chi hội.']);
    });
  });

  describe('runs missed while the bot was down', () => {
    const deps = (db: Db) => ({ db, library, timeZone: vietnam, platforms: ['telegram'], textLimit: 2000 });
    const village: VillagePlan[] = [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 2 }];
    const text = (id: string) => library.messages.get(id)!.variants.vi!;

    it('a run 10 minutes late is sent once; a restart neither repeats it nor runs it again; the next day’s run goes on time', async () => {
      const bot = await startBot(backend, village, hanoi('2026-11-30T08:10'));
      await syncCampaigns(bot.db, library);
      const { schedule } = await addSchedule(deps(bot.db), { what: { contentId: 'savings-loans-group' }, when: { cron: '0 8 * * *' }, audience: {} }, hanoi('2026-11-30T07:00'));
      let service = await bot.service();
      const first = await bot.db.broadcast.findFirstOrThrow({ where: { scheduleId: schedule.id } });
      expect(local(first.scheduledFor)).toBe('2026-11-30 08:00');
      await until(async () => (await bot.progress(first.id)).sent === 3, 'the late run');

      await service.stop();
      service = await bot.service();
      await service.tick();
      expect(await bot.db.broadcast.count()).toBe(1);

      bot.clock.set(hanoi('2026-12-01T08:00'));
      await service.tick();
      const second = await bot.db.broadcast.findFirstOrThrow({ where: { scheduleId: schedule.id, id: { not: first.id } } });
      await until(async () => (await bot.progress(second.id)).sent === 3, 'the next day’s run');
      for (const chat of everyChat(bot.villages[0]!)) expect(bot.received(chat), chat).toEqual([text('savings-loans-group'), text('savings-loans-group')]);
      expect(await bot.db.broadcast.count()).toBe(2);
    });

    it('a run two days late (grace 6 hours) is recorded as skipped and nothing is sent', async () => {
      const bot = await startBot(backend, village, hanoi('2026-11-30T08:10'));
      await syncCampaigns(bot.db, library);
      const { schedule } = await addSchedule(deps(bot.db), { what: { contentId: 'savings-loans-group' }, when: { at: hanoi('2026-11-28T08:00') }, audience: {} }, hanoi('2026-11-27T08:00'));
      await bot.service();
      const broadcast = await bot.db.broadcast.findFirstOrThrow({ where: { scheduleId: schedule.id } });
      expect(broadcast).toMatchObject({ status: 'skipped', reason: 'missed while the bot was not running (more than 360 minutes late)' });
      expect(await bot.progress(broadcast.id)).toMatchObject({ total: 0, sent: 0 });
      expect((await bot.db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).status).toBe('done');
      expect(await bot.db.delivery.count()).toBe(0);
      expect(bot.fake.sent).toEqual([]);
    });

    it('a daily run down for three days: the missed days are recorded as skipped and only today’s goes out', async () => {
      const bot = await startBot(backend, village, hanoi('2026-11-30T08:10'));
      await syncCampaigns(bot.db, library);
      const { schedule } = await addSchedule(deps(bot.db), { what: { contentId: 'savings-loans-group' }, when: { cron: '0 8 * * *' }, audience: {} }, hanoi('2026-11-27T07:00'));
      await bot.service();
      const runs = await bot.db.broadcast.findMany({ where: { scheduleId: schedule.id }, orderBy: { scheduledFor: 'asc' } });
      expect(runs.map((b) => [local(b.scheduledFor), b.status])).toEqual([
        ['2026-11-27 08:00', 'skipped'],
        ['2026-11-28 08:00', 'skipped'],
        ['2026-11-29 08:00', 'skipped'],
        ['2026-11-30 08:00', 'queued'],
      ]);
      await until(async () => (await bot.progress(runs[3]!.id)).sent === 3, 'today’s run');
      for (const chat of everyChat(bot.villages[0]!)) expect(bot.received(chat), chat).toEqual([text('savings-loans-group')]);
      expect(local((await bot.db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).nextRunAt)).toBe('2026-12-01 08:00');
    });

    it('back at 15:00, seven hours after today’s run: every missed run is skipped and nothing is sent', async () => {
      const bot = await startBot(backend, village, hanoi('2026-11-30T15:00'));
      await syncCampaigns(bot.db, library);
      const { schedule } = await addSchedule(deps(bot.db), { what: { contentId: 'savings-loans-group' }, when: { cron: '0 8 * * *' }, audience: {} }, hanoi('2026-11-27T07:00'));
      await bot.service();
      const runs = await bot.db.broadcast.findMany({ where: { scheduleId: schedule.id } });
      expect(runs.map((b) => b.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
      expect(await bot.db.delivery.count()).toBe(0);
      expect(bot.fake.sent).toEqual([]);
    });
  });

  describe('one delivery per chat', () => {
    it('expanding a broadcast twice, and twice at once, queues each chat once; each chat gets it once', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 3 }]);
      const text = 'Phòng chống mua bán người: đi làm xa cần báo chính quyền.';
      const { id } = await bot.db.broadcast.create({ data: { text, audience: {}, scheduledFor: bot.clock.date() } });
      const now = bot.clock.date();
      const together = await Promise.all([expandBroadcast(bot.db, id, ['telegram'], now), expandBroadcast(bot.db, id, ['telegram'], now)]);
      const again = await expandBroadcast(bot.db, id, ['telegram'], now);
      await expandDue(bot.db, ['telegram'], now);
      expect(together.reduce((n, e) => n + e.queued, 0) + again.queued).toBe(4);
      expect(await bot.db.delivery.count({ where: { broadcastId: id } })).toBe(4);

      await bot.dispatcher();
      await until(async () => (await bot.progress(id)).sent === 4, 'all four');
      for (const chat of everyChat(bot.villages[0]!)) expect(bot.received(chat), chat).toEqual([text]);
    });
  });

  describe('languages', () => {
    it('each villager reads the message in her language when there is a translation, else in Vietnamese', async () => {
      const bot = await startBot(backend, [{ commune: 'hoa-ban', groupChatId: '-1001001', villagers: 3, languages: ['hmn', 'tay'] }]);
      const variants = { vi: 'Họp tổ tối thứ Sáu.', hmn: '[hmn] placeholder standing in for a translation' };
      await bot.db.contentItem.create({ data: { id: 'meeting-friday', kind: 'campaign', title: 'Họp tổ', hash: 'x', body: { topics: [], image: null, variants } } });
      const { id } = await bot.db.broadcast.create({ data: { contentId: 'meeting-friday', audience: {}, scheduledFor: bot.clock.date() } });
      await expandBroadcast(bot.db, id, ['telegram'], bot.clock.date());
      await bot.dispatcher();
      await until(async () => (await bot.progress(id)).sent === 4, 'all four');

      const [hmong, tay, kinh] = bot.villages[0]!.villagerChatIds as [string, string, string];
      expect(bot.received(hmong)).toEqual([variants.hmn]);
      expect(bot.received(tay)).toEqual([variants.vi]);
      expect(bot.received(kinh)).toEqual([variants.vi]);
      expect(bot.received(bot.villages[0]!.groupChatId)).toEqual([variants.vi]);
    });
  });
});
