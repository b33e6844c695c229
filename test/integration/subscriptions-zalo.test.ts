/**
 * Villagers follow their village's group privately on Zalo, where there are no buttons and a
 * basic bot cannot join groups: the real ZaloChannel against the fake Zalo Bot API, the real
 * conversation and outbox, on both databases. A villager joins by typing the code or by
 * replying with numbers down to her village; receives the group's broadcasts in her chat;
 * stops (a broadcast queued at that moment never reaches her) and resumes; picks her language;
 * sees and deletes what is kept.
 */
import Fastify from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZaloChannel } from '../../src/channels/zalo/zalo.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { loadConfig } from '../../src/core/config.ts';
import { choiceMemory } from '../../src/channels/zalo/choices.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { broadcastProgress, expandBroadcast } from '../../src/features/delivery/broadcasts.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { createArea } from '../../src/features/groups/areas.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { joinCodeOf } from '../../src/features/subscriptions/join-codes.ts';
import { startFakeZalo, type FakeZalo, type ZaloUpdate } from '../fakes/zalo-fake.ts';
import { backends, freshStore, type Backend } from '../support/stores.ts';
import { waitFor } from '../support/wait.ts';
import { chatDeps, shippedFaq } from '../support/inbound.ts';

const log = createLogger(process.env.TEST_LOG ?? 'silent', false);
const library = loadCampaigns(defaultContentDir);
const config = loadConfig({ QUIET_HOURS: 'off' });

// The first migrated database and the FAQ take seconds to build: once, here, not in a test's time.
beforeAll(async () => {
  await (await freshStore('pglite')).close();
  shippedFaq();
});

/** The number a numbered choice has in the bot's message, e.g. "3" for "3. Xã Nà Sang (DEMO)". */
function numberOf(text: string, label: string): string {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`^(\\d+)\\. ${escaped}$`, 'm').exec(text)?.[1];
  if (!found) throw new Error(`no choice «${label}» in:\n${text}`);
  return found;
}

interface Villager {
  chat: string;
  name: string;
}

describe.each(backends)('villagers follow their village on Zalo (%s)', (backend: Backend) => {
  let store: Store;
  let db: Db;
  let fake: FakeZalo;
  let channel: ZaloChannel;
  let delivery: DeliveryService | null = null;
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh database with the demo villages, the fake Zalo, and the ZaloChannel wired to the real conversation. */
  async function zaloBot(): Promise<void> {
    store = await freshStore(backend);
    cleanups.push(() => store.close());
    db = store.prisma;
    await seedDemo(db, readDemoData(defaultContentDir));
    fake = await startFakeZalo();
    cleanups.push(() => fake.close());
    channel = new ZaloChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), choices: choiceMemory(db, 'zalo'), log, pollTimeoutSeconds: 1 });
    await channel.start(createInboundHandler({ ...chatDeps(), db, log, channel }));
    cleanups.push(() => channel.stop());
  }

  /** The outbox dispatcher for Zalo, sending over the same channel; stopped after the test. */
  async function startSending(): Promise<DeliveryService> {
    const service = await startDelivery({ db, channels: [channel], config, library, soleProcess: backend === 'pglite', log });
    delivery = service;
    cleanups.push(async () => {
      if (delivery === service) await stopSending();
    });
    return service;
  }

  async function stopSending(): Promise<void> {
    await delivery?.stop();
    delivery = null;
  }

  /** What the bot sends to the villager after `act`, once `count` messages have come. */
  async function answers(villager: Villager, count: number, act: () => unknown): Promise<string[]> {
    const before = fake.sentTo(villager.chat).length;
    await act();
    await waitFor(() => fake.sentTo(villager.chat).length >= before + count, `${count} answer(s) to ${villager.name}`);
    return fake.sentTo(villager.chat).slice(before).map((s) => s.text);
  }

  /** The villager writes `text` in her private chat; the bot's one answer. */
  async function say(villager: Villager, text: string): Promise<string> {
    const [answer] = await answers(villager, 1, () => fake.textMessage({ chatId: villager.chat, from: { id: villager.chat, name: villager.name }, text }));
    return answer!;
  }

  /** A message of the group's leaders to everyone following `groupId`, queued in the outbox for Zalo. */
  async function queueBroadcast(groupId: number, text: string) {
    const broadcast = await db.broadcast.create({ data: { text, audience: { groupIds: [groupId] }, scheduledFor: new Date() } });
    const expanded = await expandBroadcast(db, broadcast.id, ['zalo'], new Date());
    for (const dispatcher of delivery?.dispatchers ?? []) dispatcher.wake();
    return { ...broadcast, queued: expanded.queued };
  }

  const received = (villager: Villager, text: string) => fake.sentTo(villager.chat).filter((s) => s.text === text);
  const linkOf = (villager: Villager) => db.chatLink.findUnique({ where: { platform_chatId: { platform: 'zalo', chatId: villager.chat } } });
  const deliveryTo = async (villager: Villager, broadcastId: number) => {
    const link = await linkOf(villager);
    return db.delivery.findUnique({ where: { broadcastId_chatLinkId: { broadcastId, chatLinkId: link!.id } } });
  };

  it('a villager who types the code joins, gets the group\'s message privately; after «dừng» a queued message never reaches her; /tieptuc brings the next one', async () => {
    await zaloBot();
    const mai: Villager = { chat: 'zalo-mai-0001', name: 'Vàng Thị Mai' };
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nà Hìn' } });
    const code = await joinCodeOf(db, group.id);

    // Typed as a leader would write it on a poster: lower case, with a space.
    const joined = await say(mai, `${code.slice(0, 3).toLowerCase()} ${code.slice(3).toLowerCase()}`);
    expect(joined).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Nà Hìn\./);
    expect(joined).toContain('«dừng»');
    expect(await linkOf(mai)).toMatchObject({ kind: 'private', groupId: group.id, subscribed: true, active: true });
    expect(await db.person.findFirstOrThrow({ where: { platform: 'zalo', platformUserId: mai.chat } })).toMatchObject({ displayName: mai.name, language: 'vi' });

    await startSending();
    const first = await queueBroadcast(group.id, 'Tối thứ Bảy họp bản ở nhà văn hoá, chị em nhớ đến nhé.');
    expect(first.queued).toBe(1);
    await waitFor(() => received(mai, first.text!).length === 1, 'the first message in her chat');
    await waitFor(async () => (await broadcastProgress(db, first.id))?.sent === 1, 'the delivery marked sent');

    // The dispatcher is not running (at night, say) when the next message is queued; she stops.
    await stopSending();
    const second = await queueBroadcast(group.id, 'Tin thứ hai: lịch tiêm chủng tháng này.');
    expect(await deliveryTo(mai, second.id)).toMatchObject({ status: 'queued' });
    expect(await say(mai, 'Dừng!')).toMatch(/^Đã dừng\./);
    expect(await deliveryTo(mai, second.id)).toMatchObject({ status: 'skipped', lastError: 'the person stopped receiving messages' });
    expect((await linkOf(mai))!.subscribed).toBe(false);
    expect(await say(mai, 'dừng')).toContain('đã dừng nhận tin từ trước');
    // A stopped person still gets answers to questions.
    expect(await say(mai, 'tao hon la gi')).toMatch(/^Tảo hôn là/);

    expect(await say(mai, '/tieptuc')).toBe('Đã bật lại. Loa Bản sẽ gửi tin của Tổ truyền thông bản Nà Hìn cho bạn.');
    await startSending();
    const third = await queueBroadcast(group.id, 'Tin thứ ba: Ngày hội Đại đoàn kết vào Chủ nhật.');
    await waitFor(() => received(mai, third.text!).length === 1, 'the third message in her chat');
    await waitFor(async () => (await broadcastProgress(db, third.id))?.sent === 1, 'the third delivery marked sent');

    expect(received(mai, second.text!)).toEqual([]);
    expect(await broadcastProgress(db, second.id)).toMatchObject({ total: 1, skipped: 1, sent: 0, queued: 0 });
    expect(received(mai, first.text!)).toHaveLength(1);
  }, 60_000);

  it('a villager without a code replies with numbers, province → commune → village, paging through a long list, and joins', async () => {
    await zaloBot();
    // A commune with ten villages: more than one page of eight.
    const province = await db.area.findUniqueOrThrow({ where: { code: 'demo' } });
    const commune = await createArea(db, { code: 'test-muong-lay', name: 'Xã Mường Lay (THỬ)', level: 'commune', parentId: province.id });
    for (let i = 1; i <= 10; i++) {
      const number = String(i).padStart(2, '0');
      const village = await createArea(db, { code: `test-muong-lay-${number}`, name: `Bản Số ${number}`, level: 'village', parentId: commune.id });
      await db.communicationGroup.create({ data: { name: `Tổ truyền thông bản Số ${number}`, areaId: village.id } });
    }
    const pao: Villager = { chat: 'zalo-pao-0002', name: 'Thào Thị Pào' };

    const greeting = await say(pao, 'xin chào');
    expect(greeting).toContain('Chưa tham gia thì không lưu gì.');
    expect(await db.person.count({ where: { platform: 'zalo', platformUserId: pao.chat } })).toBe(0);

    let m = await say(pao, numberOf(greeting, 'Tham gia tổ của bản'));
    expect(m).toMatch(/^Bạn ở tỉnh nào\?/);
    expect(m).toContain('Trả lời bằng một số');
    m = await say(pao, numberOf(m, 'Tỉnh Sơn Cước (DEMO)'));
    expect(m).toMatch(/^Tỉnh Sơn Cước \(DEMO\): bạn chọn tiếp\./);
    m = await say(pao, numberOf(m, 'Xã Mường Lay (THỬ)'));
    expect(m).toMatch(/^Xã Mường Lay \(THỬ\): bạn chọn tiếp\. \(trang 1\/2\)/);
    expect(m).toContain('8. Bản Số 08');
    expect(m).not.toContain('Bản Số 09');
    m = await say(pao, numberOf(m, 'Xem thêm ▸'));
    expect(m).toContain('(trang 2/2)');
    expect(m).not.toContain('Bản Số 08');
    m = await say(pao, numberOf(m, 'Bản Số 10'));
    expect(m).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Số 10\./);

    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Số 10' } });
    const memberships = await db.membership.findMany({ where: { person: { platform: 'zalo', platformUserId: pao.chat } } });
    expect(memberships.map((x) => [x.groupId, x.role])).toEqual([[group.id, 'member']]);
    // A number typed now is not a stale choice: the joined message offered none.
    expect(await say(pao, '1')).toContain('chưa hiểu');
    expect(await db.membership.count({ where: { person: { platform: 'zalo', platformUserId: pao.chat } } })).toBe(1);

    await startSending();
    const news = await queueBroadcast(group.id, 'Bản Số 10: mai có buổi tư vấn sức khoẻ sinh sản.');
    await waitFor(() => received(pao, news.text!).length === 1, 'the message in her chat');
  }, 60_000);

  it('/ngonngu lists Tiếng Việt; /dulieucuatoi shows what is kept; /xoadulieu and the "delete" choice delete it', async () => {
    await zaloBot();
    const lan: Villager = { chat: 'zalo-lan-0003', name: 'Nguyễn Thị Lan' };
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Co Mị' } });
    await say(lan, await joinCodeOf(db, group.id));

    const languages = await say(lan, '/ngonngu');
    expect(languages).toMatch(/^Ngôn ngữ bạn đang dùng: Tiếng Việt\./);
    expect(languages).toContain('1. Tiếng Việt ✓');
    expect(await say(lan, numberOf(languages, 'Tiếng Việt ✓'))).toMatch(/^Từ nay Loa Bản dùng Tiếng Việt với bạn/);
    expect(await say(lan, '/ngonngu hmn')).toContain('Chưa có nội dung bằng «hmn»');

    const data = await say(lan, '/dulieucuatoi');
    expect(data.split('\n').slice(0, 5)).toEqual([
      'Loa Bản đang lưu về bạn:',
      `• Tài khoản: zalo ${lan.chat}, tên hiển thị «${lan.name}»`,
      '• Ngôn ngữ: Tiếng Việt',
      '• Tổ truyền thông:',
      '• Tổ truyền thông bản Co Mị (Bản Co Mị) — thành viên nhận tin',
    ]);
    expect(data).toContain('• Đang nhận tin của tổ');

    const confirm = await say(lan, '/xoadulieu');
    expect(confirm).toContain('không hoàn tác');
    expect(confirm).toContain('1. Xoá dữ liệu của tôi\n2. Không xoá');
    expect(await say(lan, numberOf(confirm, 'Không xoá'))).toMatch(/^Không xoá gì\./);
    expect(await db.person.count({ where: { platform: 'zalo', platformUserId: lan.chat } })).toBe(1);

    const again = await say(lan, '/xoadulieu');
    expect(await say(lan, numberOf(again, 'Xoá dữ liệu của tôi'))).toMatch(/^Đã xoá dữ liệu của bạn\./);
    expect(await db.person.count({ where: { platform: 'zalo', platformUserId: lan.chat } })).toBe(0);
    expect(await linkOf(lan)).toBeNull();
    expect(await db.membership.count({ where: { groupId: group.id, role: 'member', person: { platform: 'zalo' } } })).toBe(0);
    expect(await db.auditLog.count({ where: { actor: `zalo:${lan.chat}` } })).toBe(0);
    expect(await db.chatChoice.count({ where: { platform: 'zalo', chatId: lan.chat } })).toBe(0);
    expect(await say(lan, '/dulieucuatoi')).toBe('Loa Bản không lưu gì về bạn.');

    // She is no longer in the audience.
    await startSending();
    const news = await queueBroadcast(group.id, 'Tin sau khi xoá dữ liệu.');
    expect(news.queued).toBe(0);
  }, 60_000);

  it('a Zalo update delivered twice (same message id) joins once and stops once', async () => {
    await zaloBot();
    const ngoc: Villager = { chat: 'zalo-ngoc-0004', name: 'Lường Thị Ngọc' };
    const from = { id: ngoc.chat, name: ngoc.name };
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Pá Ca' } });
    const code = await joinCodeOf(db, group.id);
    const texts = () => fake.sentTo(ngoc.chat).map((s) => s.text);
    /** Updates are handled one at a time: once /dulieucuatoi is answered, everything before it was handled. */
    const dataShown = async (times: number) => {
      fake.textMessage({ chatId: ngoc.chat, from, text: '/dulieucuatoi' });
      await waitFor(() => texts().filter((t) => t.startsWith('Loa Bản đang lưu về bạn')).length === times, '/dulieucuatoi answered');
    };

    const join = fake.textMessage({ chatId: ngoc.chat, from, text: code });
    fake.pushUpdate(structuredClone(join));
    await dataShown(1);
    expect(texts()).toHaveLength(2);
    expect(texts()[0]).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Pá Ca\./);
    expect(await db.membership.count({ where: { person: { platform: 'zalo', platformUserId: ngoc.chat } } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'subscription.join', actor: `zalo:${ngoc.chat}` } })).toBe(1);

    const stop = fake.textMessage({ chatId: ngoc.chat, from, text: 'hủy' });
    fake.pushUpdate(structuredClone(stop));
    await dataShown(2);
    expect(texts()).toHaveLength(4);
    expect(texts()[2]).toMatch(/^Đã dừng\./);
    expect(texts()[3]).toContain('• Không nhận tin của tổ');
    expect(await db.auditLog.count({ where: { action: 'subscription.stop', actor: `zalo:${ngoc.chat}` } })).toBe(1);
    for (const update of [join, stop]) {
      expect(await db.processedUpdate.count({ where: { platform: 'zalo', updateId: update.message!.message_id } })).toBe(1);
    }
  }, 60_000);
});
