/**
 * A group leader on Telegram (fake Bot API, polling), end to end: registers in the group's chat
 * with an invite code, files a quick report there and a guided one in private, corrects one,
 * taps "confirm" twice; the export holds exactly what was confirmed.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createInvite } from '../../src/features/subscriptions/invites.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { exportRows } from '../../src/features/reporting/export.ts';
import { readFormats } from '../../src/features/reporting/parse.ts';
import { formatDate, formatQuarter, localDateOf, quarterOf } from '../../src/features/reporting/quarter.ts';
import type { Store } from '../../src/core/store/store.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';
import { freshStore } from '../support/stores.ts';
import { chatDeps, shippedFaq } from '../support/inbound.ts';

const leader = { id: 777, first_name: 'Giàng Thị', last_name: 'Dua' };
const groupChat = -5001;
const today = localDateOf(new Date(), 'Asia/Ho_Chi_Minh');
const quarter = formatQuarter(quarterOf(today));

let store: Store;
let fake: FakeTelegram;
let channel: TelegramChannel;
const http = Fastify();

beforeAll(async () => {
  store = await freshStore('pglite');
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
  fake = await startFakeTelegram({ limits: false });
  channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http, log: createLogger('silent', false), requestTimeoutMs: 2000, retryStartMs: 50 });
  await channel.start(createInboundHandler({ ...chatDeps(), db: store.prisma, log: createLogger('silent', false), channel }));
});
afterAll(async () => {
  await channel?.stop();
  await fake?.close();
  await store?.close();
});

const sent = (chatId: number) => fake.sentTo(chatId);
type Shown = { messageId: number; text: string; buttons: Array<{ text: string; callback_data: string }> };
/** Does `act`, then waits for the bot's next message in `chatId`, or for its change of the message `tapped`. */
async function next(chatId: number, act: () => void, tapped?: number): Promise<Shown> {
  const before = sent(chatId).length;
  const edits = fake.editsIn(chatId).length;
  act();
  await vi.waitFor(() => expect(sent(chatId).length + fake.editsIn(chatId).length).toBeGreaterThan(before + edits), { timeout: 5000 });
  const messageId = sent(chatId).length > before ? sent(chatId).at(-1)!.messageId : tapped!;
  const message = fake.messageIn(chatId, messageId)!;
  const markup = message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined;
  return { messageId, text: message.text ?? message.caption ?? '', buttons: markup?.inline_keyboard?.flat() ?? [] };
}
const say = (chatId: number, text: string, chatType: 'private' | 'group' = 'private') => next(chatId, () => fake.textMessage({ chatId, chatType, from: leader, text }));
/** Taps the button `label` of the message `m`. */
const tap = (chatId: number, m: Shown, label: string | ((b: { text: string }) => boolean)) => {
  const button = m.buttons.find((b) => (typeof label === 'string' ? b.text === label : label(b)));
  if (!button) throw new Error(`no button ${String(label)} among ${m.buttons.map((b) => b.text).join(' | ')}`);
  return next(chatId, () => fake.callbackQuery({ chatId, from: leader, data: button.callback_data, messageId: m.messageId }), m.messageId);
};

it('registers, reports quickly in the group and step by step in private, corrects, and a double tap stores nothing new', async () => {
  const group = await store.prisma.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Co Mị' } });
  const { code } = await createInvite(store.prisma, { groupId: group.id, role: 'leader', ttlDays: 14, createdBy: 'test' });
  const username = fake.botUser.username;

  const registered = await say(groupChat, `/dangky@${username} ${code}`, 'group');
  expect(registered.text).toContain('Bạn là tổ trưởng của «Tổ truyền thông bản Co Mị»');
  expect(await store.prisma.chatLink.findUnique({ where: { platform_chatId: { platform: 'telegram', chatId: String(groupChat) } } })).toMatchObject({ groupId: group.id, kind: 'group' });

  // Quick, in the group: everything on one line, confirmed with a button.
  const day = formatDate(today).slice(0, 5);
  const quick = await say(groupChat, `/baocao@${username} ${day} san khau hoa; tao hon; 30 nguoi, 20 nu, 25 dtts; tai nha van hoa`, 'group');
  expect(quick.text).toContain('Hình thức: Sân khấu hóa');
  expect((await tap(groupChat, quick, '✅ Xác nhận')).text).toContain('Đã lưu báo cáo');
  expect((await tap(groupChat, quick, '✅ Xác nhận')).text).toContain('đã được lưu rồi');

  // Guided, in private.
  const chat = leader.id;
  let m = await say(chat, '/baocao');
  const sentBeforeTaps = sent(chat).length;
  m = await tap(chat, m, 'Hôm nay');
  m = await tap(chat, m, 'Truyền thông trực tiếp');
  // The topic picker ticks in place: two topics, one message, no new copies.
  m = await tap(chat, m, 'Bạo lực gia đình và bạo lực trên cơ sở giới');
  expect(m.buttons.map((b) => b.text)).toContain('✓ Bạo lực gia đình và bạo lực trên cơ sở giới');
  m = await tap(chat, m, 'Tảo hôn');
  expect(m.buttons.map((b) => b.text)).toContain('✓ Tảo hôn');
  expect(m.text).toContain('Đã chọn: Tảo hôn, Bạo lực gia đình và bạo lực trên cơ sở giới');
  m = await tap(chat, m, '✓ Tảo hôn');
  expect(m.buttons.map((b) => b.text)).toContain('Tảo hôn');
  m = await tap(chat, m, 'Xong');
  expect(m.text).toContain('bao nhiêu người');
  expect(sent(chat).length).toBe(sentBeforeTaps);
  expect(fake.editsIn(chat).length).toBeGreaterThanOrEqual(5);
  m = await say(chat, '52');
  m = await say(chat, '40');
  m = await say(chat, '51');
  m = await say(chat, 'sân trường');
  m = await tap(chat, m, 'Bỏ qua');
  m = await tap(chat, m, 'Không có ảnh');
  expect(m.text).toContain('Số người tham gia: 52 (nữ: 40, DTTS: 51)');
  expect((await tap(chat, m, '✅ Xác nhận')).text).toContain('Đã lưu báo cáo');
  expect((await tap(chat, m, '✅ Xác nhận')).text).toContain('đã được lưu rồi');

  // Correct the quick one: 30 people were in fact 32.
  const reports = await store.prisma.sessionReport.findMany({ where: { groupId: group.id }, orderBy: { id: 'asc' } });
  expect(reports).toHaveLength(2);
  m = await say(chat, '/baocaocuatoi');
  m = await tap(chat, m, (b) => b.text.startsWith(`Sửa #${reports[0]!.id} `));
  m = await tap(chat, m, 'Số người tham gia');
  m = await say(chat, '32');
  expect((await tap(chat, m, '✅ Xác nhận')).text).toContain('Đã sửa báo cáo');

  const rows = await exportRows(store.prisma, { quarter, formats: readFormats(defaultContentDir), topics: shippedFaq().knowledge.topics });
  expect(rows.map((r) => [r.group, r.heldOn, r.format, r.topics, r.participantsTotal, r.participantsWomen, r.participantsEthnicMinority, r.place])).toEqual([
    ['Tổ truyền thông bản Co Mị', formatDate(today), 'Sân khấu hóa', 'Tảo hôn', 32, 20, 25, 'nha van hoa'],
    ['Tổ truyền thông bản Co Mị', formatDate(today), 'Truyền thông trực tiếp', 'Bạo lực gia đình và bạo lực trên cơ sở giới', 52, 40, 51, 'sân trường'],
  ]);
}, 60_000);
