/**
 * Women's Union admins in chat, on a real database with the demo province: /lich, /guingay with
 * its confirm step and real delivery to the sandbox group chats, /thongke with its chart, /moi
 * with a code a leader then uses. Only admins, only privately, only inside their own area.
 */
import Fastify from 'fastify';
import { DateTime } from 'luxon';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdmin } from '../../src/features/admin/admins.ts';
import { barLayout, chartSize, shareChartPng, textLayout } from '../../src/features/admin/chart-image.ts';
import { readLine } from '../support/chart-reader.ts';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { loadConfig } from '../../src/core/config.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { matchMessages, parseSendRequest } from '../../src/features/admin/send-request.ts';
import { matchByName } from '../../src/core/text/names.ts';
import type { AdminChatDeps } from '../../src/features/admin/chat.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { redeemInvite } from '../../src/features/subscriptions/invites.ts';
import { findGroup } from '../../src/features/groups/areas.ts';
import { findArea } from '../../src/features/groups/areas.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { formatQuarter, localDateOf, quarterEnd, quarterOf, quartersBack, toUtcDate, type Quarter } from '../../src/features/reporting/quarter.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';
import { freshStore } from '../support/stores.ts';
import { until } from '../support/wait.ts';
import { adminChat, chatDeps } from '../support/inbound.ts';

const log = createLogger('silent', false);
const library = loadCampaigns(defaultContentDir);
const config = loadConfig({ QUIET_HOURS: 'off' });
const timeZone = 'Asia/Ho_Chi_Minh';

type Sender = { id: string; displayName: string };
const communeAdmin: Sender = { id: 'demo-admin-hoa-ban', displayName: 'Cán bộ xã Hoa Ban' };
const districtAdmin: Sender = { id: 'demo-admin-district', displayName: 'Cán bộ huyện' };
const villager: Sender = { id: 'villager-demo-hoa-ban-na-hin', displayName: 'Người dân Bản Nà Hìn' };
const privateChat = (s: Sender) => ({ id: `private:${s.id}`, kind: 'private' as const });

let store: Store;
let db: Db;
let channel: SandboxChannel;
let delivery: DeliveryService | undefined;

const adminDeps = (): Partial<AdminChatDeps> => ({
  baseUrl: 'https://loaban.example.vn',
  campaigns: library,
  platforms: ['sandbox'],
  timeZone,
  inviteTtlDays: 14,
  kick: () => delivery?.tick() ?? Promise.resolve(),
  sendDelayMs: 100,
});

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  await syncCampaigns(db, library);
  channel = new SandboxChannel();
  await channel.start(createInboundHandler({ ...chatDeps(), db, log, channel, admin: adminChat(adminDeps()) }));
  delivery = await startDelivery({ db, channels: [channel], config, library, soleProcess: true, log });
});
afterAll(async () => {
  await delivery?.stop();
  await channel?.stop();
  await store?.close();
});

/** The bot's messages in the chat after `act`. */
async function botAfter(chatId: string, act: () => Promise<void>) {
  const before = channel.transcript(chatId).length;
  await act();
  return channel.transcript(chatId).slice(before).filter((m) => m.from === 'bot');
}

async function say(sender: Sender, text: string, chat: { id: string; kind: 'private' | 'group' } = privateChat(sender)): Promise<string> {
  const answers = await botAfter(chat.id, () => channel.receive({ chatId: chat.id, chatKind: chat.kind, sender, text }));
  expect(answers, `one answer to «${text}»`).toHaveLength(1);
  return answers[0]!.text;
}

/** Says `text` and returns the answer with its buttons. */
async function ask(sender: Sender, text: string) {
  const answers = await botAfter(privateChat(sender).id, () => channel.receive({ chatId: privateChat(sender).id, chatKind: 'private', sender, text }));
  expect(answers).toHaveLength(1);
  return answers[0]!;
}

async function tap(sender: Sender, data: string): Promise<string> {
  const chat = privateChat(sender);
  const answers = await botAfter(chat.id, () => channel.receive({ chatId: chat.id, chatKind: 'private', sender, buttonData: data }));
  expect(answers).toHaveLength(1);
  return answers[0]!.text;
}

const areaId = async (code: string) => (await db.area.findUniqueOrThrow({ where: { code } })).id;
const personId = async (s: Sender) => (await db.person.findFirstOrThrow({ where: { platform: 'sandbox', platformUserId: s.id } })).id;
const buttonData = (m: { buttons?: { label: string; data: string }[][] }, label: string) => m.buttons?.flat().find((b) => b.label === label)?.data;

describe('who may use the admin commands', () => {
  it('a villager, and someone unknown, are told the commands are for Women\'s Union staff; nothing is made', async () => {
    const audits = await db.auditLog.count();
    for (const command of ['/lich', '/guingay 8/3 Hoa Ban', '/thongke', '/moi Nà Hìn']) {
      for (const who of [villager, { id: 'someone-new', displayName: 'Ai đó' }]) {
        const reply = await say(who, command);
        expect(reply).toContain('chỉ dành cho cán bộ Hội Liên hiệp Phụ nữ');
        expect(reply).toContain(command.split(' ')[0]);
      }
    }
    expect(await db.auditLog.count()).toBe(audits);
    expect(await db.inviteCode.count()).toBe(0);
    expect(await db.schedule.count()).toBe(0);
  });

  it('in a group chat even an admin is only told to message Loa Bản privately', async () => {
    const group = { id: 'group:demo-hoa-ban-na-hin', kind: 'group' as const };
    for (const command of ['/lich', '/guingay 8/3 Hoa Ban', '/thongke', '/moi Nà Hìn']) {
      const reply = await say(communeAdmin, command, group);
      expect(reply).toContain('hãy nhắn riêng cho Loa Bản');
      expect(reply).not.toMatch(/[A-Z2-9]{4}-[A-Z2-9]{4}/);
    }
    expect(await db.inviteCode.count()).toBe(0);
  });

  it('/dangnhap now also lists the other admin commands', async () => {
    const reply = await say(communeAdmin, '/dangnhap');
    expect(reply).toContain('/admin/login/');
    for (const command of ['/lich', '/guingay', '/thongke', '/moi']) expect(reply).toContain(command);
  });
});

describe('/lich', () => {
  it('with nothing scheduled, says so and how to schedule', async () => {
    const reply = await say(communeAdmin, '/lich');
    expect(reply).toContain('Chưa có tin nào được hẹn gửi đến địa bàn của bạn (Xã Hoa Ban (DEMO))');
    expect(reply).toContain('/dangnhap');
  });

  it('lists what goes to my commune, in local time, and not what goes to another commune only', async () => {
    // 09:30 in Vietnam on a day well ahead.
    const at = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 15, 2, 30));
    await db.schedule.create({ data: { kind: 'once', text: 'Họp chi hội Hoa Ban', audience: { areaId: await areaId('demo-hoa-ban') }, runAt: at, nextRunAt: at } });
    await db.schedule.create({ data: { kind: 'once', text: 'Tin riêng Suối Mây', audience: { areaId: await areaId('demo-suoi-may') }, runAt: at, nextRunAt: at } });
    const later = new Date(at.getTime() + 86_400_000);
    await db.schedule.create({ data: { kind: 'once', contentId: 'womens-day-8-3', audience: {}, runAt: later, nextRunAt: later } });

    const reply = await say(communeAdmin, '/lich');
    const year = at.getUTCFullYear();
    expect(reply.split('\n').slice(0, 3)).toEqual([
      'Tin sắp gửi đến địa bàn của bạn (Xã Hoa Ban (DEMO)):',
      `• 09:30 15/01/${year} — «Họp chi hội Hoa Ban» → Xã Hoa Ban (DEMO)`,
      `• 09:30 16/01/${year} — «8/3 – Cảm ơn mẹ, cảm ơn vợ, cảm ơn chị em» → mọi tổ`,
    ]);
    expect(reply).not.toContain('Suối Mây');
    // The district admin covers Suối Mây too.
    expect(await say(districtAdmin, '/lich')).toContain('Tin riêng Suối Mây');
    expect(await db.auditLog.count({ where: { action: 'admin.chat.schedule', actorId: await personId(communeAdmin) } })).toBe(2);
  });
});

describe('/guingay: reading the request (pure)', () => {
  const messages = [...library.messages.values()];
  const areas = [
    { id: 1, name: 'Xã Hoa Ban (DEMO)', code: 'demo-hoa-ban' },
    { id: 2, name: 'Bản Nà Hìn', code: 'demo-hoa-ban-na-hin' },
    { id: 3, name: 'Bản Co Mị', code: 'demo-hoa-ban-co-mi' },
    { id: 4, name: 'Xã Suối Mây (DEMO)', code: 'demo-suoi-may' },
  ];
  const mine = (a: { id: number }) => a.id !== 4;

  it('finds a message by id or by words of its title, tone marks optional, and an area by name or code', () => {
    expect(matchMessages(messages, 'womens-day-8-3').map((m) => m.id)).toEqual(['womens-day-8-3']);
    expect(matchMessages(messages, '8/3 cảm ơn').map((m) => m.id)).toEqual(['womens-day-8-3']);
    expect(matchMessages(messages, '8/3 CAM ON').map((m) => m.id)).toEqual(['womens-day-8-3']);
    expect(matchByName(areas, 'na hin').map((a) => a.id)).toEqual([2]);
    expect(matchByName(areas, 'demo-suoi-may').map((a) => a.id)).toEqual([4]);
    // Tone marks are optional both ways: "Bản" (village) is also the "Ban" of Hoa Ban.
    expect(matchByName(areas, 'Bản').map((a) => a.id)).toEqual([1, 2, 3]);
  });

  it('the command line resolves a name as the chat does: by id, code, whole name, else whole words', async () => {
    const areaRows = await db.area.findMany({ orderBy: { id: 'asc' } });
    const groupRows = await db.communicationGroup.findMany({ orderBy: { id: 'asc' } });
    const resolve = async <T extends { id: number }>(find: () => Promise<T>) => {
      try {
        return { found: [(await find()).id] };
      } catch (error) {
        return { found: (error as { candidates: Array<{ id: number }> }).candidates.map((c) => c.id) };
      }
    };
    for (const q of ['Hoa Ban', 'hoa ban', 'Bản', 'Nà Hìn', 'demo-suoi-may', 'Hoa Ba', 'Suối', String(areaRows[1]!.id), '9999']) {
      const chat = matchByName(areaRows, q).map((a) => a.id);
      expect((await resolve(() => findArea(db, q))).found, q).toEqual(chat);
    }
    for (const q of ['Nà Hìn', 'na hin', 'Tổ', 'Hìn', String(groupRows[0]!.id)]) {
      const chat = matchByName(groupRows, q).map((g) => g.id);
      expect((await resolve(() => findGroup(db, q))).found, q).toEqual(chat);
    }
    // A piece of a word names nothing, on the command line as in the chat (it used to match "Hoa Ban" there);
    // a number is an id only.
    expect((await resolve(() => findArea(db, 'Hoa Ba'))).found).toEqual([]);
    expect((await resolve(() => findArea(db, '9999'))).found).toEqual([]);
  });

  it('cuts the words where the message and the area both make sense', () => {
    expect(parseSendRequest('8/3 cam on Hoa Ban', messages, areas, mine)).toMatchObject({ kind: 'ok', message: { id: 'womens-day-8-3' }, area: { id: 1 } });
    expect(parseSendRequest('womens-day-8-3 Nà Hìn', messages, areas, mine)).toMatchObject({ kind: 'ok', area: { id: 2 } });
    expect(parseSendRequest('', messages, areas, mine)).toEqual({ kind: 'usage' });
    expect(parseSendRequest('8/3 Suối Mây', messages, areas, mine)).toMatchObject({ kind: 'outside', areas: [{ id: 4 }] });
    expect(parseSendRequest('8/3 Hoaa Bann', messages, areas, mine)).toMatchObject({ kind: 'unknownArea', query: 'Hoaa Bann' });
    expect(parseSendRequest('womens-day-8-3 Bản', messages, areas, mine)).toMatchObject({ kind: 'ambiguousArea', candidates: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    expect(parseSendRequest('womens-day-8-3', messages, areas, mine)).toMatchObject({ kind: 'missingArea' });
    expect(parseSendRequest('khong co tin nao nhu the Hoa Ban', messages, areas, mine)).toEqual({ kind: 'unknownContent' });
  });
});

describe('/guingay', () => {
  const text = library.messages.get('womens-day-8-3')!.variants.vi!;
  const chatsOf = async (commune: string) =>
    (await db.chatLink.findMany({ where: { platform: 'sandbox', kind: 'group', group: { area: { path: { startsWith: (await db.area.findUniqueOrThrow({ where: { code: commune } })).path } } } } })).map((c) => c.chatId);

  it('asks to confirm with the title, the first lines, the area and the reach; "Gửi" sends it at once to the commune\'s group chats, once however often it is pressed', async () => {
    const confirm = await ask(communeAdmin, '/guingay 8/3 cam on Hoa Ban');
    expect(confirm.text).toContain('Gửi ngay tin này?\n«8/3 – Cảm ơn mẹ, cảm ơn vợ, cảm ơn chị em»\nNgày 8/3 là Ngày Quốc tế Phụ nữ.');
    // Four group chats and the private chats of the four demo villagers who follow their village.
    expect(confirm.text).toContain('Đến: Xã Hoa Ban (DEMO) — 8 nơi nhận');
    expect(confirm.buttons!.flat().map((b) => b.label)).toEqual(['Gửi', 'Huỷ']);
    const send = buttonData(confirm, 'Gửi')!;
    expect(send).toMatch(/^adm:send:\d+$/);

    const queued = await tap(communeAdmin, send);
    const schedule = await db.schedule.findFirstOrThrow({ where: { contentId: 'womens-day-8-3', kind: 'once', createdById: await personId(communeAdmin) } });
    expect(queued).toBe(`Đã đưa vào hàng gửi: «8/3 – Cảm ơn mẹ, cảm ơn vợ, cảm ơn chị em» đến Xã Hoa Ban (DEMO), 8 nơi nhận (mã #${schedule.id}). Tin đi ngay trong ít phút.`);
    expect(schedule.audience).toEqual({ areaId: await areaId('demo-hoa-ban') });

    const hoaBan = await chatsOf('demo-hoa-ban');
    expect(hoaBan).toHaveLength(4);
    await until(() => hoaBan.every((chatId) => channel.transcript(chatId).some((m) => m.from === 'bot' && m.text === text)), 'the message in every Hoa Ban group chat');
    for (const chatId of await chatsOf('demo-suoi-may')) expect(channel.transcript(chatId).some((m) => m.text === text)).toBe(false);

    // Pressed again (a double tap, a re-sent update): nothing more.
    expect(await tap(communeAdmin, send)).toContain('đã được trả lời rồi');
    expect(await tap(communeAdmin, send.replace('send', 'cancel'))).toContain('đã được trả lời rồi');
    await new Promise((r) => setTimeout(r, 300));
    await delivery!.tick();
    expect(await db.schedule.count({ where: { contentId: 'womens-day-8-3', createdById: { not: null } } })).toBe(1);
    expect(await db.broadcast.count({ where: { scheduleId: schedule.id } })).toBe(1);
    for (const chatId of hoaBan) expect(channel.transcript(chatId).filter((m) => m.text === text)).toHaveLength(1);
    const audit = await db.auditLog.findMany({ where: { action: 'admin.chat.sendNow' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity: 'Schedule', entityId: String(schedule.id), areaId: await areaId('demo-hoa-ban'), actorId: await personId(communeAdmin) });
  });

  it('"Huỷ" sends nothing, and "Gửi" after it does nothing either', async () => {
    const schedules = await db.schedule.count();
    const confirm = await ask(communeAdmin, '/guingay child-marriage-harm Nà Hìn');
    expect(confirm.text).toContain('Đến: Bản Nà Hìn — 2 nơi nhận');
    expect(await tap(communeAdmin, buttonData(confirm, 'Huỷ')!)).toBe('Đã huỷ, không gửi gì.');
    expect(await tap(communeAdmin, buttonData(confirm, 'Gửi')!)).toContain('đã được trả lời rồi');
    expect(await db.schedule.count()).toBe(schedules);
    expect(await db.auditLog.count({ where: { action: 'admin.chat.sendNow.cancel' } })).toBe(1);
  });

  it('a confirm older than 10 minutes sends nothing; someone else pressing my button sends nothing', async () => {
    const schedules = await db.schedule.count();
    const confirm = await ask(communeAdmin, '/guingay child-marriage-harm Co Mị');
    const send = buttonData(confirm, 'Gửi')!;
    // The district admin, who could see Co Mị, cannot confirm another admin's request.
    expect(await tap(districtAdmin, send)).toContain('Không tìm thấy yêu cầu gửi này');
    await db.auditLog.update({ where: { id: Number(send.split(':')[2]) }, data: { at: new Date(Date.now() - 11 * 60_000) } });
    expect(await tap(communeAdmin, send)).toContain('đã quá 10 phút nên không gửi');
    // A villager pressing it (a forged tap) is refused as a non-admin.
    expect(await tap(villager, send)).toContain('chỉ dành cho cán bộ');
    expect(await db.schedule.count()).toBe(schedules);
  });

  it('another commune is refused as outside my area and audited; the district admin who covers it gets the confirm', async () => {
    const suoiMay = await areaId('demo-suoi-may');
    const reply = await say(communeAdmin, '/guingay 8/3 Suối Mây');
    expect(reply).toContain('«Xã Suối Mây (DEMO)» ngoài địa bàn của bạn (Xã Hoa Ban (DEMO))');
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.forbidden', actorId: await personId(communeAdmin) }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ entity: 'Area', entityId: String(suoiMay) });
    expect(await db.auditLog.count({ where: { action: 'admin.chat.sendNow.ask', areaId: suoiMay } })).toBe(0);
    expect((await ask(districtAdmin, '/guingay 8/3 Suối Mây')).text).toContain('Đến: Xã Suối Mây (DEMO)');
  });

  it('a missing, unknown or ambiguous message or area gets a clear answer with the usage or the choices', async () => {
    expect(await say(communeAdmin, '/guingay')).toContain('Cách dùng: /guingay <tin> <địa bàn>');
    const unknown = await say(communeAdmin, '/guingay khong co tin nao nhu the Hoa Ban');
    expect(unknown).toContain('Không tìm thấy tin chiến dịch nào khớp');
    expect(unknown).toContain('Cách dùng');
    expect(await say(communeAdmin, '/guingay 8/3 Hoaa Bann')).toContain('không có địa bàn nào tên «Hoaa Bann»');
    expect(await say(communeAdmin, '/guingay womens-day-8-3')).toContain('còn thiếu địa bàn');
    const areas = await say(communeAdmin, '/guingay womens-day-8-3 Bản');
    expect(areas).toContain('Có nhiều địa bàn khớp «Bản»');
    for (const village of ['Bản Nà Hìn (demo-hoa-ban-na-hin)', 'Bản Co Mị', 'Bản Huổi Sớ', 'Bản Pá Ca']) expect(areas).toContain(village);
    expect(areas).not.toContain('Tà Làng');
    // "bạo lực" (violence) is in the titles of several messages.
    const several = matchMessages([...library.messages.values()], 'bao luc');
    expect(several.length).toBeGreaterThan(1);
    const messages = await say(communeAdmin, '/guingay bạo lực Hoa Ban');
    expect(messages).toContain('Có nhiều tin khớp «bạo lực»');
    for (const m of several.slice(0, 8)) expect(messages).toContain(`${m.id} — ${m.title}`);
  });
});

describe('/thongke', () => {
  const shown = (q: Quarter) => `${q.quarter}/${q.year}`;

  it('counts this quarter\'s reports in my area, names the missing groups and gives the last four quarters', async () => {
    const now = new Date();
    const [current, previous, twoBack, threeBack] = quartersBack(quarterOf(localDateOf(now, timeZone)), 3) as [Quarter, Quarter, Quarter, Quarter];
    // The groups were added long ago, so every one of the four quarters counts them.
    await db.communicationGroup.updateMany({ data: { createdAt: new Date(now.getTime() - 400 * 86_400_000) } });
    const group = async (name: string) => (await db.communicationGroup.findFirstOrThrow({ where: { name: { contains: name } } })).id;
    let n = 0;
    const report = async (name: string, quarter: Quarter, createdAt: Date) =>
      db.sessionReport.create({
        data: {
          groupId: await group(name),
          quarter: formatQuarter(quarter),
          heldOn: toUtcDate(quarterEnd(quarter)),
          format: 'direct',
          topics: [],
          participantsTotal: 20,
          participantsWomen: 12,
          participantsEthnicMinority: 15,
          place: 'nhà văn hoá',
          photos: [],
          source: 'test',
          idempotencyKey: `thongke-${n++}`,
          createdAt,
        },
      });
    const onLastDay = (q: Quarter) => new Date(toUtcDate(quarterEnd(q)).getTime() + 5 * 3600_000);
    // This quarter: Nà Hìn, Co Mị. The last one: Nà Hìn on time, Huổi Sớ late. Two back: none. Three back: all four. Suối Mây: Tà Làng this quarter.
    await report('Nà Hìn', current, now);
    await report('Co Mị', current, now);
    await report('Nà Hìn', previous, onLastDay(previous));
    await report('Huổi Sớ', previous, now);
    for (const name of ['Nà Hìn', 'Co Mị', 'Huổi Sớ', 'Pá Ca']) await report(name, threeBack, onLastDay(threeBack));
    await report('Tà Làng', current, now);

    const before = channel.transcript(privateChat(communeAdmin).id).length;
    expect((await say(communeAdmin, '/thongke')).split('\n')).toEqual([
      `Báo cáo sinh hoạt quý ${shown(current)} — Xã Hoa Ban (DEMO)`,
      '2/4 tổ đã báo cáo quý này (50%).',
      '',
      'Chưa báo cáo (2 tổ):',
      '• Tổ truyền thông bản Huổi Sớ (Bản Huổi Sớ)',
      '• Tổ truyền thông bản Pá Ca (Bản Pá Ca)',
      '',
      '4 quý gần đây (tính cả tổ báo cáo muộn):',
      `• Quý ${shown(threeBack)}: 4/4 tổ (100%)`,
      `• Quý ${shown(twoBack)}: 0/4 tổ (0%)`,
      `• Quý ${shown(previous)}: 2/4 tổ (50%)`,
      `• Quý ${shown(current)}: 2/4 tổ (50%)`,
      '',
      'Xem từng tổ và tải bảng trên trang quản trị: nhắn /dangnhap.',
    ]);
    // The sandbox shows the chart inline, as a PNG data: URL.
    const pictures = channel.transcript(privateChat(communeAdmin).id).slice(before).filter((m) => m.imageUrl);
    expect(pictures).toHaveLength(1);
    const png = PNG.sync.read(Buffer.from(pictures[0]!.imageUrl!.replace(/^data:image\/png;base64,/, ''), 'base64'));
    expect([png.width, png.height]).toEqual([chartSize.width, chartSize.height]);
    // Each bar says its share and its quarter, as the text's history does.
    const quarters = [threeBack, twoBack, previous, current];
    const drawn = textLayout(quarters.map((q, i) => ({ share: [1, 0, 0.5, 0.5][i]!, label: [`Quý ${q.quarter}`, String(q.year)] })));
    expect(drawn.map((b) => [readLine(png, b.value), ...b.label.map((l) => readLine(png, l))])).toEqual(quarters.map((q, i) => [['100%', '0%', '50%', '50%'][i], `Quý ${q.quarter}`, String(q.year)]));

    const district = await say(districtAdmin, '/thongke');
    expect(district).toContain('Xã Hoa Ban (DEMO), Xã Suối Mây (DEMO)');
    expect(district).toContain('3/8 tổ đã báo cáo quý này (38%).');
    expect(district).toContain('Chưa báo cáo (5 tổ):');
    expect(district).not.toContain('Tà Làng (');
    expect(await db.auditLog.count({ where: { action: 'admin.chat.stats' } })).toBe(2);
  });

  it('the chart is a PNG with one bar per quarter, as tall as its share, the current one darker', () => {
    const bars = [{ share: 1 }, { share: 0 }, { share: 0.5 }, { share: 0.5, highlight: true }, { share: null }];
    const image = PNG.sync.read(shareChartPng(bars));
    expect([image.width, image.height]).toEqual([chartSize.width, chartSize.height]);
    const pixel = (x: number, y: number) => [...image.data.subarray((image.width * y + x) * 4, (image.width * y + x) * 4 + 3)];
    const layout = barLayout(bars);
    const heightAt = (x: number, baseline: number, colour: number[]) => {
      let h = 0;
      while (JSON.stringify(pixel(x, baseline - 1 - h)) === JSON.stringify(colour)) h++;
      return h;
    };
    const light = pixel(layout[0]!.x + 2, layout[0]!.baseline - 1);
    const dark = pixel(layout[3]!.x + 2, layout[3]!.baseline - 1);
    expect(light).not.toEqual(dark);
    const full = heightAt(layout[0]!.x + 2, layout[0]!.baseline, light);
    expect(full).toBe(layout[0]!.baseline - layout[0]!.plotTop);
    expect(heightAt(layout[2]!.x + 2, layout[2]!.baseline, light)).toBe(Math.round(full / 2));
    expect(heightAt(layout[3]!.x + 2, layout[3]!.baseline, dark)).toBe(Math.round(full / 2));
    expect(heightAt(layout[1]!.x + 2, layout[1]!.baseline, light)).toBe(0);
  });
});

describe('/moi', () => {
  it('gives a one-time leader code for a group of my area that /dangky accepts; the code is not in the audit log', async () => {
    const reply = await say(communeAdmin, '/moi Nà Hìn');
    const code = /: ([A-Z2-9]{4}-[A-Z2-9]{4})\n/.exec(reply)?.[1];
    expect(code, reply).toBeDefined();
    expect(reply).toContain('Mã mời tổ trưởng «Tổ truyền thông bản Nà Hìn»');
    expect(reply).toContain(`/dangky ${code}`);
    expect(reply).toContain('(14 ngày)');
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nà Hìn' } });
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.chat.invite' } });
    expect(audit).toMatchObject({ entity: 'CommunicationGroup', entityId: String(group.id), actorId: await personId(communeAdmin) });
    const everything = JSON.stringify(await db.auditLog.findMany());
    expect(everything).not.toContain(code!);
    expect(everything).not.toContain(code!.replace('-', ''));

    // The new leader does what the reply says.
    const leader = { id: 'new-leader-na-hin', displayName: 'Lò Thị Mai' };
    expect(await say(leader, `/dangky ${code}`)).toContain('Bạn là tổ trưởng của «Tổ truyền thông bản Nà Hìn»');
    expect(await redeemInvite(db, code!, { platform: 'sandbox', chat: { id: 'private:x', kind: 'private' }, sender: { id: 'x', displayName: 'X' } })).toEqual({ ok: false, reason: 'used' });
  });

  it('a code redeemInvite accepts, by group number too', async () => {
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Pá Ca' } });
    const reply = await say(communeAdmin, `/moi ${group.id}`);
    const code = /: ([A-Z2-9]{4}-[A-Z2-9]{4})\n/.exec(reply)![1]!;
    const redeemed = await redeemInvite(db, code, { platform: 'sandbox', chat: { id: 'private:pa-ca-leader', kind: 'private' }, sender: { id: 'pa-ca-leader', displayName: 'Lường Thị Ngọc' } });
    expect(redeemed).toMatchObject({ ok: true, role: 'leader', group: { id: group.id } });
  });

  it('another commune\'s group is refused and audited, with no code made; unknown and ambiguous names get a clear answer', async () => {
    const codes = await db.inviteCode.count();
    const taLang = await db.communicationGroup.findFirstOrThrow({ where: { name: { contains: 'Tà Làng' } } });
    expect(await say(communeAdmin, '/moi Tà Làng')).toContain('ngoài địa bàn của bạn');
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', entity: 'CommunicationGroup', entityId: String(taLang.id) } })).toBe(1);
    expect(await say(communeAdmin, '/moi')).toContain('Cách dùng: /moi');
    expect(await say(communeAdmin, '/moi Bản Không Có')).toContain('Không tìm thấy tổ nào khớp «Bản Không Có»');
    const several = await say(communeAdmin, '/moi bản');
    expect(several).toContain('Có nhiều tổ khớp «bản»');
    for (const name of ['Nà Hìn', 'Co Mị', 'Huổi Sớ', 'Pá Ca']) expect(several).toContain(name);
    expect(several).not.toContain('Tà Làng');
    expect(await db.inviteCode.count()).toBe(codes);
  });
});

describe('/thongke over Telegram', () => {
  it('the chart is uploaded as a PNG photo with the figures as its caption', async () => {
    const fake = await startFakeTelegram({ limits: false });
    const tg = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), log, requestTimeoutMs: 2000, retryStartMs: 50 });
    try {
      await addAdmin(db, { platform: 'telegram', userId: '7001', displayName: 'Chị Hoa', areaId: await areaId('demo-hoa-ban'), level: 'commune', actor: 'test' });
      await tg.start(createInboundHandler({ ...chatDeps(), db, log, channel: tg, admin: adminChat({ ...adminDeps(), platforms: ['telegram'] }) }));
      fake.textMessage({ chatId: 7001, from: { id: 7001, first_name: 'Hoa' }, text: '/thongke' });
      await until(() => fake.sentTo(7001).length > 0, 'the answer on Telegram');
      const [photo] = fake.sentTo(7001);
      expect(photo).toMatchObject({ method: 'sendPhoto', photo: 'upload:thongke.png', upload: { filename: 'thongke.png' } });
      // telegraf sends the bytes without a content type (Telegram reads the image itself); the size is the PNG's.
      expect(photo!.upload!.size).toBeGreaterThan(100);
      expect(photo!.caption).toContain('2/4 tổ đã báo cáo quý này (50%).');
      expect(photo!.caption).toContain('Chưa báo cáo (2 tổ):');
    } finally {
      await tg.stop();
      await fake.close();
    }
  });
});

describe('/guingay in quiet hours', () => {
  it('the confirmation says the message waits for the end of quiet hours, and when that is', async () => {
    // Quiet hours around this very minute, whatever the time of day the test runs.
    const local = DateTime.now().setZone(timeZone);
    const minute = local.hour * 60 + local.minute;
    const quietHours = { startMinute: (minute + 1440 - 60) % 1440, endMinute: (minute + 120) % 1440 };
    const end = local.startOf('day').plus({ minutes: minute + 120 });
    const quiet = new SandboxChannel();
    await quiet.start(createInboundHandler({ ...chatDeps(), db, log, channel: quiet, admin: adminChat({ ...adminDeps(), quietHours, kick: async () => {} }) }));
    try {
      const chat = privateChat(communeAdmin);
      const said = async (input: { text: string } | { buttonData: string }) => {
        const before = quiet.transcript(chat.id).length;
        await quiet.receive({ chatId: chat.id, chatKind: 'private', sender: communeAdmin, ...input });
        return quiet.transcript(chat.id).slice(before).filter((m) => m.from === 'bot');
      };
      const [confirm] = await said({ text: '/guingay child-marriage-harm Pá Ca' });
      const [queued] = await said({ buttonData: buttonData(confirm!, 'Gửi')! });
      expect(queued!.text).toContain('Đã đưa vào hàng gửi');
      expect(queued!.text).toContain(`đang là giờ yên lặng, Loa Bản không gửi tin cho bà con lúc này; tin sẽ bắt đầu đi lúc ${end.toFormat('HH:mm dd/LL')}.`);
    } finally {
      await quiet.stop();
    }
  });
});
