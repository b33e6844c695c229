/**
 * /guingay over Zalo, where there are no buttons: the real ZaloChannel against the fake Zalo Bot
 * API, the real conversation and delivery on PGlite. The confirm step comes as numbered choices;
 * "1" queues the campaign message and it reaches the Zalo group chats of the area, once; "1"
 * again sends nothing more; "2" (Huỷ) on a fresh request sends nothing.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdmin } from '../../src/features/admin/admins.ts';
import { ZaloChannel } from '../../src/channels/zalo/zalo.ts';
import { loadConfig } from '../../src/core/config.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { choiceMemory } from '../../src/channels/zalo/choices.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { startFakeZalo, type FakeZalo, type ZaloUpdate } from '../fakes/zalo-fake.ts';
import { freshStore } from '../support/stores.ts';
import { until } from '../support/wait.ts';
import { adminChat, chatDeps } from '../support/inbound.ts';

const log = createLogger('silent', false);
const library = loadCampaigns(defaultContentDir);
const config = loadConfig({ QUIET_HOURS: 'off' });
const timeZone = 'Asia/Ho_Chi_Minh';

const admin = { chat: 'zalo-admin-hoa-ban-01', name: 'Cán bộ xã Hoa Ban' };
// Zalo group chats linked to two Hoa Ban groups, and one of Suối Mây that must get nothing.
const naHin = 'zalo-group-na-hin';
const coMi = 'zalo-group-co-mi';
const taLang = 'zalo-group-ta-lang';

let store: Store;
let db: Db;
let fake: FakeZalo;
let channel: ZaloChannel;
let delivery: DeliveryService | undefined;
let lastUpdate: ZaloUpdate | undefined;

/** The admin writes `text` in her private Zalo chat; the bot's one answer. */
async function say(text: string): Promise<string> {
  const before = fake.sentTo(admin.chat).length;
  lastUpdate = fake.textMessage({ chatId: admin.chat, from: { id: admin.chat, name: admin.name }, text });
  await until(() => fake.sentTo(admin.chat).length > before, `an answer to «${text}»`);
  // Nothing more comes after the one answer.
  await new Promise((r) => setTimeout(r, 100));
  const answers = fake.sentTo(admin.chat).slice(before);
  expect(answers, `one answer to «${text}»`).toHaveLength(1);
  return answers[0]!.text;
}

const received = (chatId: string, text: string) => fake.sentTo(chatId).filter((s) => s.text === text);
const areaId = async (code: string) => (await db.area.findUniqueOrThrow({ where: { code } })).id;
const groupId = async (name: string) => (await db.communicationGroup.findFirstOrThrow({ where: { name } })).id;

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  await syncCampaigns(db, library);
  await addAdmin(db, { platform: 'zalo', userId: admin.chat, displayName: admin.name, areaId: await areaId('demo-hoa-ban'), level: 'commune', actor: 'test' });
  for (const [chatId, group] of [[naHin, 'Tổ truyền thông bản Nà Hìn'], [coMi, 'Tổ truyền thông bản Co Mị'], [taLang, 'Tổ truyền thông bản Tà Làng']] as const) {
    await db.chatLink.create({ data: { platform: 'zalo', chatId, kind: 'group', groupId: await groupId(group) } });
  }
  fake = await startFakeZalo();
  channel = new ZaloChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), choices: choiceMemory(db, 'zalo'), log, pollTimeoutSeconds: 1 });
  await channel.start(
    createInboundHandler({ ...chatDeps(),
      db,
      log,
      channel,
      admin: adminChat({ baseUrl: 'https://loaban.example.vn', campaigns: library, platforms: ['zalo'], timeZone, kick: () => delivery?.tick() ?? Promise.resolve(), sendDelayMs: 100 }),
    }),
  );
  delivery = await startDelivery({ db, channels: [channel], config, library, soleProcess: true, log });
}, 60_000);
afterAll(async () => {
  await delivery?.stop();
  await channel?.stop();
  await fake?.close();
  await store?.close();
});

describe('/guingay over Zalo', () => {
  const text = library.messages.get('womens-day-8-3')!.variants.vi!;

  it('the confirm comes as numbered choices; "1" queues it and it reaches the Hoa Ban group chats once; "1" again sends nothing more', async () => {
    const confirm = await say('/guingay 8/3 cam on Hoa Ban');
    expect(confirm).toContain('Gửi ngay tin này?\n«8/3 – Cảm ơn mẹ, cảm ơn vợ, cảm ơn chị em»\nNgày 8/3 là Ngày Quốc tế Phụ nữ.');
    // Only Zalo chats count: the two Hoa Ban group chats.
    expect(confirm).toContain('Đến: Xã Hoa Ban (DEMO) — 2 nơi nhận');
    expect(confirm).toMatch(/\n\n1\. Gửi\n2\. Huỷ\nTrả lời bằng một số \(ví dụ: 1\) để chọn\.$/);

    const queued = await say('1');
    const schedule = await db.schedule.findFirstOrThrow({ where: { contentId: 'womens-day-8-3', createdById: { not: null } } });
    expect(queued).toBe(`Đã đưa vào hàng gửi: «8/3 – Cảm ơn mẹ, cảm ơn vợ, cảm ơn chị em» đến Xã Hoa Ban (DEMO), 2 nơi nhận (mã #${schedule.id}). Tin đi ngay trong ít phút.`);
    await until(() => received(naHin, text).length > 0 && received(coMi, text).length > 0, 'the message in both Hoa Ban group chats');

    // Zalo delivers the "1" update a second time (same message id): no answer, nothing sent.
    fake.pushUpdate(structuredClone(lastUpdate!));
    // "1" again: the queued answer offered no choices, so it is just a number, not "Gửi".
    const again = await say('1');
    expect(again).toMatch(/^Xin lỗi, tôi chưa hiểu\./);
    await new Promise((r) => setTimeout(r, 300));
    await delivery!.tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(received(naHin, text)).toHaveLength(1);
    expect(received(coMi, text)).toHaveLength(1);
    expect(fake.sentTo(taLang)).toEqual([]);
    expect(await db.schedule.count({ where: { createdById: { not: null } } })).toBe(1);
    expect(await db.broadcast.count({ where: { scheduleId: schedule.id } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'admin.chat.sendNow' } })).toBe(1);
  }, 60_000);

  it('a fresh /guingay answered "2" (Huỷ) sends nothing', async () => {
    const other = library.messages.get('child-marriage-harm')!.variants.vi!;
    const sends = fake.sent.length;
    const confirm = await say('/guingay child-marriage-harm Hoa Ban');
    expect(confirm).toContain('Đến: Xã Hoa Ban (DEMO) — 2 nơi nhận');
    expect(confirm).toContain('\n1. Gửi\n2. Huỷ\n');
    expect(await say('2')).toBe('Đã huỷ, không gửi gì.');
    // "1" now is no stale "Gửi": the cancel answer offered no choices.
    expect(await say('1')).toMatch(/^Xin lỗi, tôi chưa hiểu\./);
    await new Promise((r) => setTimeout(r, 300));
    await delivery!.tick();
    await new Promise((r) => setTimeout(r, 300));
    for (const chatId of [naHin, coMi, taLang]) expect(received(chatId, other)).toEqual([]);
    // Only the admin's own chat got anything: the confirm and the two answers.
    expect(fake.sent.slice(sends).map((s) => s.chatId)).toEqual([admin.chat, admin.chat, admin.chat]);
    expect(await db.schedule.count({ where: { createdById: { not: null } } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'admin.chat.sendNow.cancel' } })).toBe(1);
  }, 60_000);
});
