import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SendResult } from '../../src/channels/channel.ts';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { createLogger } from '../../src/core/log.ts';
import type { Store } from '../../src/core/store/store.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';
import { freshStore } from '../support/stores.ts';
import { chatDeps } from '../support/inbound.ts';

const log = createLogger(process.env.TEST_LOG ?? 'silent', false);
const publicUrl = 'https://bot.example.org';
const secret = 'a-very-secret-token_123';
const villager = { id: 501, first_name: 'Lò Thị', last_name: 'Hương' };

interface Bot {
  fake: FakeTelegram;
  store: Store;
  http: FastifyInstance;
  channel: TelegramChannel;
  base: string;
  /** Stops the channel; `keepState` keeps the fake Telegram and the database for a restart. */
  stop(keepState?: boolean): Promise<void>;
}

interface BotOptions {
  webhook?: boolean;
  /** Restart against the same Telegram and database. */
  restartOf?: Bot;
  requestTimeoutMs?: number;
  beforeStart?: (fake: FakeTelegram) => void;
}

/** A Telegram channel wired to the real conversation and its own database, against a fake Telegram. */
async function startBot(options: BotOptions = {}): Promise<Bot> {
  let base = '';
  const store = options.restartOf?.store ?? (await freshStore('pglite'));
  const fake = options.restartOf?.fake ?? (await startFakeTelegram({ limits: false, webhookRetryDelayMs: 50, rewriteWebhookUrl: (url) => url.replace(publicUrl, base) }));
  const http = Fastify();
  const channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    webhook: options.webhook ? { url: `${publicUrl}/webhooks/telegram`, secret } : null,
    http,
    log,
    requestTimeoutMs: options.requestTimeoutMs ?? 2000,
    retryStartMs: 50,
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(http.server.address() as { port: number }).port}`;
  options.beforeStart?.(fake);
  await channel.start(createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel }));
  return {
    fake,
    store,
    http,
    channel,
    base,
    async stop(keepState = false) {
      await channel.stop();
      await http.close();
      if (!keepState) {
        await fake.close();
        await store.close();
      }
    },
  };
}

const texts = (fake: FakeTelegram, chatId: number | string) => fake.sentTo(chatId).map((m) => m.text);
const buttonsOf = (markup: unknown) => (markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();

describe('Telegram by long polling', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot?.stop());

  it('greets a villager who writes "xin chao" and shows the main menu as inline buttons', async () => {
    bot.fake.textMessage({ chatId: villager.id, from: villager, text: 'xin chao' });
    // The first update of the run warms everything up: allow it more than the usual second.
    await vi.waitFor(() => expect(bot.fake.sentTo(villager.id)).toHaveLength(1), { timeout: 5_000 });
    const [greeting] = bot.fake.sentTo(villager.id);
    expect(greeting!.text).toMatch(/^Xin chào Lò Thị Hương! Tôi là Loa Bản/);
    // First contact: what the bot keeps, and how to stop.
    expect(greeting!.text).toContain('chỉ lưu: mã tài khoản Telegram');
    expect(buttonsOf(greeting!.replyMarkup).map((b) => b.text)).toEqual([
      'Hỗ trợ sinh đẻ an toàn', 'Đường dây nóng', 'Địa chỉ tin cậy', 'Hỏi đáp', 'Tham gia tổ của bản',
    ]);
  });

  it('answers a tapped menu button and stops its spinner', async () => {
    bot.fake.callbackQuery({ chatId: villager.id, from: villager, data: 'menu:hotlines' });
    await vi.waitFor(() => expect(texts(bot.fake, villager.id).at(-1)).toMatch(/^Đường dây nóng:[^]*111/));
    await vi.waitFor(() => expect(bot.fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.status === 200)).toBe(true));
  });

  it('sets its command lists at start: a leader\'s commands are offered in group chats, not in every villager\'s private menu', () => {
    expect(bot.fake.calls.find((c) => c.method === 'setMyCommands')?.status).toBe(200);
    const names = (key: string) => ((bot.fake.commands.get(key) ?? []) as Array<{ command: string }>).map((c) => c.command);
    expect(names('default:')).toContain('thamgia');
    expect(names('default:')).not.toContain('baocao');
    expect(names('default:')).not.toContain('dangky');
    expect(names('default:')).not.toContain('mathamgia');
    expect(names('all_group_chats:')).toEqual(expect.arrayContaining(['baocao', 'dangky', 'mathamgia', 'trogiup']));
  });

  it('in a group: links the chat when added, ignores chatter, answers its commands, mentions and replies to it', async () => {
    const group = -4001;
    bot.fake.botAddedToGroup({ chatId: group, chatTitle: 'Tổ truyền thông bản Co Mị', from: villager });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(1));
    expect(texts(bot.fake, group)[0]).toContain('Xin chào cả nhóm');
    const link = await bot.store.prisma.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'telegram', chatId: String(group) } } });
    expect(link).toMatchObject({ kind: 'group', active: true, title: 'Tổ truyền thông bản Co Mị' });

    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: 'xin chào cả nhà' });
    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: '/start@some_other_bot' });
    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: `/start@${bot.fake.botUser.username}` });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(2));
    expect(texts(bot.fake, group)[1]).toContain('Tôi là Loa Bản');

    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: `@${bot.fake.botUser.username} cho hỏi` });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(3));
    const botMessage = bot.fake.sentTo(group).at(-1)!.messageId;
    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: 'chào', replyTo: botMessage });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(4));
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(bot.fake, group)).toHaveLength(4);
  });

  it('in a group, /hoi asks a question; a cry for help gets the short reply even as chatter', async () => {
    const group = -4003;
    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: `/hoi@${bot.fake.botUser.username} tao hon la gi` });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(1));
    expect(texts(bot.fake, group)[0]).toMatch(/^Tảo hôn là/);
    bot.fake.textMessage({ chatId: group, chatType: 'group', from: villager, text: 'cứu em với, nó dọa giết em' });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(2));
    expect(texts(bot.fake, group)[1]).toMatch(/^Nếu ai đang gặp nguy hiểm, hãy gọi ngay 113/);
    expect(texts(bot.fake, group)[1]).not.toContain('dọa giết');
  });

  it('follows a group that becomes a supergroup, and marks a group that removed it', async () => {
    const group = -4002;
    bot.fake.botAddedToGroup({ chatId: group, chatTitle: 'Tổ bản Pá Ca' });
    await vi.waitFor(() => expect(texts(bot.fake, group)).toHaveLength(1));
    bot.fake.groupMigrated({ chatId: group, newChatId: -1009004002 });
    await vi.waitFor(async () =>
      expect(await bot.store.prisma.chatLink.findUnique({ where: { platform_chatId: { platform: 'telegram', chatId: '-1009004002' } } })).not.toBeNull(),
    );
    bot.fake.botRemovedFromGroup({ chatId: -1009004002, chatType: 'supergroup' });
    await vi.waitFor(async () =>
      expect(await bot.store.prisma.chatLink.findUnique({ where: { platform_chatId: { platform: 'telegram', chatId: '-1009004002' } } })).toMatchObject({
        active: false,
      }),
    );
    expect(await bot.store.prisma.chatLink.count({ where: { chatId: String(group) } })).toBe(0);
  });

  it('handles an update Telegram sends again once, also after a restart', async () => {
    const person = { id: 777, first_name: 'Mai' };
    const update = bot.fake.textMessage({ chatId: person.id, from: person, text: '/start' });
    await vi.waitFor(() => expect(texts(bot.fake, person.id)).toHaveLength(1));
    bot.fake.pushUpdate(structuredClone(update));
    await bot.stop(true);
    bot = await startBot({ restartOf: bot });
    bot.fake.pushUpdate(structuredClone(update));
    bot.fake.textMessage({ chatId: person.id, from: person, text: '/menu' });
    await vi.waitFor(() => expect(texts(bot.fake, person.id)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 200));
    expect(texts(bot.fake, person.id)).toHaveLength(2);
  });
});

describe('Telegram by webhook', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ webhook: true });
    await vi.waitFor(() => expect(bot.fake.calls.some((c) => c.method === 'setWebhook' && c.status === 200)).toBe(true));
  });
  afterAll(() => bot?.stop());

  it('registers the webhook with its secret and answers updates Telegram posts', async () => {
    const call = bot.fake.calls.find((c) => c.method === 'setWebhook')!;
    expect(call.params).toMatchObject({ url: `${publicUrl}/webhooks/telegram`, secret_token: secret });
    bot.fake.textMessage({ chatId: 601, from: { id: 601, first_name: 'Dua' }, text: 'xin chào' });
    await vi.waitFor(() => expect(texts(bot.fake, 601)).toHaveLength(1));
    expect(texts(bot.fake, 601)[0]).toContain('Tôi là Loa Bản');
  });

  it('refuses a wrong or missing secret with 401 and processes nothing', async () => {
    const update = { update_id: 990001, message: { message_id: 1, date: 1, chat: { id: 602, type: 'private' }, from: { id: 602, is_bot: false, first_name: 'X' }, text: '/start' } };
    expect((await bot.fake.postToWebhook(update, { 'X-Telegram-Bot-Api-Secret-Token': 'wrong' })).status).toBe(401);
    expect((await bot.fake.postToWebhook(update, { 'X-Telegram-Bot-Api-Secret-Token': undefined })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(texts(bot.fake, 602)).toEqual([]);
    expect(await bot.store.prisma.processedUpdate.count({ where: { platform: 'telegram', updateId: '990001' } })).toBe(0);
  });

  it('answers 400 to a malformed, non-JSON, oversized or foreign body, or an update with no chat or a text that is not text, and keeps serving', async () => {
    const noChat = { update_id: 6, message: { message_id: 1, date: 1, from: { id: 7, first_name: 'X' }, text: 'hi' } };
    const textNotString = { update_id: 7, message: { message_id: 1, date: 1, chat: { id: 7, type: 'private' }, text: 42 } };
    const chatIdNotNumber = { update_id: 8, message: { message_id: 1, date: 1, chat: { id: { $gt: 0 }, type: 'private' }, text: 'hi' } };
    for (const body of ['{"update_id": 1, ', 'not json at all', JSON.stringify([1, 2]), JSON.stringify({ hello: 'world' }), `{"update_id":5,"x":"${'a'.repeat(1_100_000)}"}`, JSON.stringify(noChat), JSON.stringify(textNotString), JSON.stringify(chatIdNotNumber)]) {
      expect((await bot.fake.postToWebhook(body)).status, body.slice(0, 30)).toBe(400);
    }
    bot.fake.textMessage({ chatId: 603, from: { id: 603, first_name: 'Sông' }, text: '/start' });
    await vi.waitFor(() => expect(texts(bot.fake, 603)).toHaveLength(1));
  });

  it('answers a re-posted update once', async () => {
    const update = bot.fake.textMessage({ chatId: 604, from: { id: 604, first_name: 'Nga' }, text: '/start' });
    await vi.waitFor(() => expect(texts(bot.fake, 604)).toHaveLength(1));
    expect((await bot.fake.postToWebhook(update)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(texts(bot.fake, 604)).toHaveLength(1);
  });
});

describe('sending to Telegram', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot({ requestTimeoutMs: 300 });
  });
  afterAll(() => bot?.stop());
  afterEach(() => bot.fake.clearFaults());

  const send = (text = 'Thông báo của Hội') => bot.channel.send({ chatId: '701' }, { text });
  const errorOf = (result: SendResult) => (result.ok ? null : result.error);

  it.each([
    [{ kind: 'retryAfter', seconds: 7 } as const, { kind: 'throttled', retryAfterMs: 7000 }],
    [{ kind: 'blocked' } as const, { kind: 'stopped' }],
    [{ kind: 'kicked' } as const, { kind: 'stopped' }],
    [{ kind: 'deactivated' } as const, { kind: 'stopped' }],
    [{ kind: 'migrated', newChatId: -100777 } as const, { kind: 'chatMoved', newChatId: '-100777' }],
    [{ kind: 'serverError', status: 500 } as const, { kind: 'transient' }],
    [{ kind: 'serverError', status: 502 } as const, { kind: 'transient' }],
    [{ kind: 'drop' } as const, { kind: 'transient' }],
    [{ kind: 'slow', ms: 1500 } as const, { kind: 'transient' }],
  ])('Telegram answering %j is a %j send error', async (fault, expected) => {
    bot.fake.failNext('sendMessage', fault);
    expect(errorOf(await send())).toMatchObject(expected);
  });

  it('sends a long message as several, in order, on paragraph boundaries, buttons on the last', async () => {
    const paragraphs = Array.from({ length: 9 }, (_, i) => `Đoạn ${i + 1}: ${'bình đẳng giới '.repeat(60).trim()}.`);
    const result = await bot.channel.send({ chatId: '702' }, { text: paragraphs.join('\n\n'), buttons: [[{ label: 'Hỏi đáp', data: 'menu:faq' }]] });
    expect(result.ok && result.messageIds.length).toBeGreaterThan(1);
    const sent = bot.fake.sentTo(702);
    expect(sent.every((m) => m.text.length <= 4096)).toBe(true);
    expect(sent.map((m) => m.text).join('\n\n')).toBe(paragraphs.join('\n\n'));
    expect(sent.slice(0, -1).every((m) => !m.replyMarkup)).toBe(true);
    expect(buttonsOf(sent.at(-1)!.replyMarkup)).toEqual([{ text: 'Hỏi đáp', callback_data: 'menu:faq' }]);
  });

  it('refuses a text with no place to split, and sends nothing', async () => {
    expect(errorOf(await bot.channel.send({ chatId: '703' }, { text: 'x'.repeat(5000) }))).toMatchObject({ kind: 'invalid' });
    expect(bot.fake.sentTo(703)).toEqual([]);
  });

  it('sends an image with the text as its caption', async () => {
    await bot.channel.send({ chatId: '704' }, { text: 'Ngày hội bình đẳng giới', imageUrl: 'https://example.org/poster.jpg' });
    expect(bot.fake.sentTo(704)).toMatchObject([{ method: 'sendPhoto', caption: 'Ngày hội bình đẳng giới', photo: 'https://example.org/poster.jpg' }]);
  });
});

describe('Telegram unreachable or unhelpful at start', () => {
  it('retries until Telegram answers, and runs on when the command list cannot be set', async () => {
    const bot = await startBot({
      beforeStart: (fake) => {
        fake.failNext('getMe', { kind: 'serverError', status: 502 }, 2);
        fake.failNext('setMyCommands', { kind: 'serverError', status: 500 }, 5);
      },
    });
    try {
      bot.fake.textMessage({ chatId: 801, from: { id: 801, first_name: 'Thu' }, text: '/start' });
      await vi.waitFor(() => expect(texts(bot.fake, 801)).toHaveLength(1), { timeout: 10_000 });
      expect(bot.fake.calls.filter((c) => c.method === 'getMe').length).toBeGreaterThanOrEqual(3);
    } finally {
      await bot.stop();
    }
  });
});
