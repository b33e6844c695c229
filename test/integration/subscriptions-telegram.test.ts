/**
 * Villagers follow their village's group privately on Telegram: the real TelegramChannel against
 * the fake Bot API, the real conversation and outbox, on both databases. A leader hands out the
 * join code and its t.me link; a villager opens the link, or taps down the area tree; the
 * group's message then reaches her own chat. Wrong, replaced and too many codes each get their
 * own reply, and a double tap joins once.
 */
import Fastify from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { broadcastProgress, expandBroadcast } from '../../src/features/delivery/broadcasts.ts';
import { startDelivery } from '../../src/features/delivery/service.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createInvite } from '../../src/features/subscriptions/invites.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { joinCodeOf } from '../../src/features/subscriptions/join-codes.ts';
import { startFakeTelegram, type FakeTelegram, type TelegramSent, type TgUser } from '../fakes/telegram-fake.ts';
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

type Person = Pick<TgUser, 'id' | 'first_name' | 'last_name'>;

const leader: Person = { id: 9101, first_name: 'Lò Thị', last_name: 'Hương' };
const buttonsOf = (sent: TelegramSent | undefined) =>
  ((sent?.replyMarkup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
const codeIn = (text: string) => /: ([A-Z2-9]{6})\n/.exec(text)?.[1];

describe.each(backends)('villagers follow their village on Telegram (%s)', (backend: Backend) => {
  let store: Store;
  let db: Db;
  let fake: FakeTelegram;
  let channel: TelegramChannel;
  const cleanups: Array<() => Promise<unknown>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh database with the demo villages, the fake Telegram, and the channel (long polling) wired to the real conversation. */
  async function telegramBot(): Promise<void> {
    store = await freshStore(backend);
    cleanups.push(() => store.close());
    db = store.prisma;
    await seedDemo(db, readDemoData(defaultContentDir));
    fake = await startFakeTelegram({ limits: false });
    cleanups.push(() => fake.close());
    channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), log, requestTimeoutMs: 2000, retryStartMs: 50 });
    await channel.start(createInboundHandler({ ...chatDeps(), db, log, channel }));
    cleanups.push(() => channel.stop());
  }

  /** What the bot sends to `person` after `act`, once `count` messages have come. */
  async function answers(person: Person, count: number, act: () => unknown): Promise<TelegramSent[]> {
    const before = fake.sentTo(person.id).length;
    await act();
    await waitFor(() => fake.sentTo(person.id).length >= before + count, `${count} answer(s) to ${person.first_name}`);
    return fake.sentTo(person.id).slice(before);
  }

  /** `person` writes `text` in her private chat with the bot; the bot's one answer. */
  async function say(person: Person, text: string): Promise<TelegramSent> {
    const [answer] = await answers(person, 1, () => fake.textMessage({ chatId: person.id, from: person, text }));
    return answer!;
  }

  /** The texts the bot put in place of its messages in `person`'s chat after `act`, once `count` edits have come. */
  async function edits(person: Person, count: number, act: () => unknown): Promise<string[]> {
    const before = fake.editsIn(person.id).length;
    await act();
    await waitFor(() => fake.editsIn(person.id).length >= before + count, `${count} edit(s) for ${person.first_name}`);
    return fake.editsIn(person.id).slice(before).map((c) => String(c.params.text));
  }

  /**
   * `person` taps the button labelled `label` under the bot's message `on`; the bot's one answer:
   * a new message, or `on` as the bot changed it in place.
   */
  async function tap(person: Person, on: TelegramSent, label: string): Promise<TelegramSent> {
    const button = buttonsOf(on).find((b) => b.text === label);
    expect(button, `a button «${label}» under «${on.text}»`).toBeDefined();
    const sent = fake.sentTo(person.id).length;
    const edited = fake.editsIn(person.id).length;
    fake.callbackQuery({ chatId: person.id, from: person, data: button!.callback_data, messageId: on.messageId });
    await waitFor(() => fake.sentTo(person.id).length > sent || fake.editsIn(person.id).length > edited, `an answer to ${person.first_name}`);
    if (fake.sentTo(person.id).length > sent) return fake.sentTo(person.id).at(-1)!;
    const now = fake.messageIn(person.id, on.messageId)!;
    return { ...on, text: now.text ?? '', replyMarkup: now.reply_markup };
  }

  /** The demo leader of `groupName`, registered on Telegram with a one-time invite. */
  async function registerLeader(groupName: string): Promise<void> {
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: groupName } });
    const { code } = await createInvite(db, { groupId: group.id, role: 'leader', ttlDays: 14, createdBy: 'test' });
    expect((await say(leader, `/dangky ${code}`)).text).toContain(`Bạn là tổ trưởng của «${groupName}»`);
  }

  const membershipsOf = (person: Person) => db.membership.findMany({ where: { person: { platform: 'telegram', platformUserId: String(person.id) } } });

  it('a leader gets the code and its t.me link with /mathamgia; a villager who opens the link joins and gets the group\'s message in her own chat', async () => {
    await telegramBot();
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nà Hìn' } });
    await registerLeader(group.name);

    const shown = (await say(leader, '/mathamgia')).text;
    const code = codeIn(shown)!;
    expect(code).toBe(await joinCodeOf(db, group.id));
    const link = `https://t.me/${fake.botUser.username}?start=${code}`;
    expect(shown.split('\n')).toEqual([
      `Mã tham gia của Tổ truyền thông bản Nà Hìn: ${code}`,
      'Bà con nhắn mã này riêng cho Loa Bản để nhận tin của tổ.',
      `Hoặc gửi đường dẫn này, bấm vào là tham gia: ${link}`,
      'Đổi mã (khi mã bị lộ ra ngoài): /mathamgia moi',
    ]);
    // Asking again shows the same code.
    expect(codeIn((await say(leader, '/mathamgia')).text)).toBe(code);

    // Opening the link, Telegram sends "/start <code>" from the villager's private chat.
    const villager: Person = { id: 9201, first_name: 'Vàng Thị', last_name: 'Mai' };
    const joined = await say(villager, `/start ${new URL(link).searchParams.get('start')}`);
    expect(joined.text).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Nà Hìn\./);
    const chatLink = await db.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'telegram', chatId: String(villager.id) } } });
    expect(chatLink).toMatchObject({ kind: 'private', groupId: group.id, subscribed: true, active: true });
    expect((await membershipsOf(villager)).map((m) => [m.groupId, m.role])).toEqual([[group.id, 'member']]);
    expect((await db.person.findFirstOrThrow({ where: { platform: 'telegram', platformUserId: String(villager.id) } })).displayName).toBe('Vàng Thị Mai');

    const delivery = await startDelivery({ db, channels: [channel], config, library, soleProcess: backend === 'pglite', log });
    cleanups.push(() => delivery.stop());
    const text = 'Tối thứ Bảy họp bản ở nhà văn hoá, chị em nhớ đến nhé.';
    const broadcast = await db.broadcast.create({ data: { text, audience: { groupIds: [group.id] }, scheduledFor: new Date() } });
    // The leader is reached in her group, not privately; the villager in her own chat.
    expect((await expandBroadcast(db, broadcast.id, ['telegram'], new Date())).queued).toBe(1);
    for (const dispatcher of delivery.dispatchers) dispatcher.wake();
    await waitFor(async () => (await broadcastProgress(db, broadcast.id))?.sent === 1, 'the delivery marked sent');
    expect(fake.sentTo(villager.id).filter((m) => m.text === text)).toHaveLength(1);
    expect(fake.sentTo(leader.id).some((m) => m.text === text)).toBe(false);
  }, 60_000);

  it('a villager without a code taps province → commune → village; a double-tapped village joins once', async () => {
    await telegramBot();
    const villager: Person = { id: 9202, first_name: 'Giàng Thị', last_name: 'Dua' };

    let m = await say(villager, '/thamgia');
    expect(m.text).toBe('Bạn ở tỉnh nào?');
    m = await tap(villager, m, 'Tỉnh Sơn Cước (DEMO)');
    expect(m.text).toBe('Tỉnh Sơn Cước (DEMO): bạn chọn tiếp.');
    expect(buttonsOf(m).map((b) => b.text).sort()).toEqual(['Xã Hoa Ban (DEMO)', 'Xã Nà Sang (DEMO)', 'Xã Suối Mây (DEMO)', '↩ Quay lại'].sort());
    // Back up one level and down again.
    m = await tap(villager, m, '↩ Quay lại');
    expect(m.text).toBe('Bạn ở tỉnh nào?');
    m = await tap(villager, m, 'Tỉnh Sơn Cước (DEMO)');
    m = await tap(villager, m, 'Xã Hoa Ban (DEMO)');
    expect(m.text).toBe('Xã Hoa Ban (DEMO): bạn chọn tiếp.');

    // Two quick taps on the village: two callback queries for the same button.
    const village = buttonsOf(m).find((b) => b.text === 'Bản Co Mị')!;
    // The picker changed in place all the way: one message, which ends as the answer.
    const pickerMessages = fake.sentTo(villager.id).length;
    const said = await edits(villager, 2, () => {
      fake.callbackQuery({ chatId: villager.id, from: villager, data: village.callback_data, messageId: m.messageId });
      fake.callbackQuery({ chatId: villager.id, from: villager, data: village.callback_data, messageId: m.messageId });
    });
    expect(fake.sentTo(villager.id)).toHaveLength(pickerMessages);
    expect(said.map((text) => text.split('\n')[0]).sort()).toEqual([
      'Bạn đã tham gia Tổ truyền thông bản Co Mị. Từ nay Loa Bản gửi tin của tổ cho bạn ở đây.',
      'Bạn đã ở trong Tổ truyền thông bản Co Mị rồi, không cần tham gia lại.',
    ]);
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Co Mị' } });
    expect((await membershipsOf(villager)).map((x) => x.groupId)).toEqual([group.id]);
    expect(await db.auditLog.count({ where: { action: 'subscription.join', actor: `telegram:${villager.id}` } })).toBe(1);
    expect(await db.chatLink.count({ where: { platform: 'telegram', chatId: String(villager.id) } })).toBe(1);
    // Every tap's spinner was stopped.
    await waitFor(() => fake.calls.filter((c) => c.method === 'answerCallbackQuery' && c.status === 200).length === 6, 'six callback answers');
  }, 60_000);

  it('a wrong code, a replaced code and a sixth wrong code within the hour each get their own reply', async () => {
    await telegramBot();
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nà Hìn' } });
    await registerLeader(group.name);
    const old = codeIn((await say(leader, '/mathamgia')).text)!;

    const lan: Person = { id: 9301, first_name: 'Lan' };
    const wrong = await say(lan, 'ZZZ234');
    expect(wrong.text).toMatch(/^Mã tham gia này không đúng\./);
    expect(buttonsOf(wrong).map((b) => [b.text, b.callback_data])).toEqual([['Chọn bản của tôi', 'join:top:0']]);
    expect(await db.person.count({ where: { platform: 'telegram', platformUserId: String(lan.id) } })).toBe(0);

    const rotated = (await say(leader, '/mathamgia moi')).text;
    const fresh = codeIn(rotated)!;
    expect(fresh).not.toBe(old);
    expect(rotated).toMatch(/^Đã đổi mã tham gia của Tổ truyền thông bản Nà Hìn\. Mã mới: /);
    expect(rotated).toContain(`https://t.me/${fake.botUser.username}?start=${fresh}`);
    // The old link and the old code are told they were replaced; the new one works.
    expect((await say(lan, `/start ${old}`)).text).toBe(
      'Mã này của Tổ truyền thông bản Nà Hìn đã được tổ trưởng thay bằng mã mới. Bạn xin tổ trưởng mã mới, hoặc gõ /thamgia để chọn bản.',
    );
    expect((await say(lan, old)).text).toContain('thay bằng mã mới');
    expect((await say(lan, `/thamgia ${fresh}`)).text).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Nà Hìn\./);

    // Someone guessing: five wrong codes are each called wrong, the sixth is told to wait an hour,
    // and even the right code waits; another chat is not affected.
    const guesser: Person = { id: 9302, first_name: 'Đoán' };
    for (const guess of ['AB23CD', '/thamgia XY45ZW', '/start QR67ST', 'mn89pq', 'HJ2-3KL']) {
      expect((await say(guesser, guess)).text, guess).toMatch(/^Mã tham gia này không đúng\./);
    }
    const waiting = 'Bạn đã gõ sai mã nhiều lần. Xin chờ một giờ rồi thử lại, hoặc gõ /thamgia để chọn bản.';
    expect((await say(guesser, 'TU45VW')).text).toBe(waiting);
    expect((await say(guesser, fresh)).text).toBe(waiting);
    expect(await db.person.count({ where: { platform: 'telegram', platformUserId: String(guesser.id) } })).toBe(0);
    const other: Person = { id: 9303, first_name: 'Hà' };
    expect((await say(other, fresh)).text).toMatch(/^Bạn đã tham gia Tổ truyền thông bản Nà Hìn\./);
  }, 60_000);

  it('«dừng» sent twice at once stops once, and /tieptuc twice at once resumes once', async () => {
    await telegramBot();
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Pá Ca' } });
    const villager: Person = { id: 9401, first_name: 'Ngọc' };
    await say(villager, await joinCodeOf(db, group.id));
    const twice = (text: string) =>
      answers(villager, 2, () => {
        // Both in one poll: Telegram hands them over together and they are handled side by side.
        fake.textMessage({ chatId: villager.id, from: villager, text });
        fake.textMessage({ chatId: villager.id, from: villager, text });
      });
    const audits = (action: string) => db.auditLog.count({ where: { action, actor: `telegram:${villager.id}` } });

    const stopped = await twice('dừng');
    expect(stopped.map((s) => s.text.split('\n')[0]).sort()).toEqual([
      'Bạn đã dừng nhận tin từ trước. Muốn nhận lại: /tieptuc.',
      'Đã dừng. Loa Bản sẽ không gửi tin của tổ cho bạn nữa, kể cả tin đang chờ gửi.',
    ]);
    expect(await audits('subscription.stop')).toBe(1);

    const resumed = await twice('/tieptuc');
    expect(resumed.map((s) => s.text).sort()).toEqual([
      'Bạn đang nhận tin của Tổ truyền thông bản Pá Ca rồi.',
      'Đã bật lại. Loa Bản sẽ gửi tin của Tổ truyền thông bản Pá Ca cho bạn.',
    ]);
    expect(await audits('subscription.resume')).toBe(1);
    expect(await db.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'telegram', chatId: String(villager.id) } } })).toMatchObject({ subscribed: true });
  }, 60_000);
});
