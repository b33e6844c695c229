/**
 * The Zalo channel against the fake Zalo Bot API and a real database, wired as the app wires it:
 * what a villager writes on Zalo, and what she sees come back.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, InboundHandler } from '../../src/channels/channel.ts';
import { ZaloChannel, type ZaloOptions } from '../../src/channels/zalo/zalo.ts';
import { choiceMemory } from '../../src/channels/zalo/choices.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { startFakeZalo, type FakeZalo, type FakeZaloOptions, type ZaloUpdate } from '../fakes/zalo-fake.ts';
import { freshStore } from '../support/stores.ts';
import { waitFor } from '../support/wait.ts';
import { chatDeps } from '../support/inbound.ts';

const log = createLogger('silent', false);

const menu = [
  '1. Hỗ trợ sinh đẻ an toàn',
  '2. Đường dây nóng',
  '3. Địa chỉ tin cậy',
  '4. Hỏi đáp',
  '5. Tham gia tổ của bản',
  'Trả lời bằng một số (ví dụ: 1) để chọn.',
];
/** The last lines of an answer: the numbered menu (a villager's: no reporting) and the hint. */
const menuOf = (text: string | undefined) => text?.split('\n').slice(-menu.length);

function fixture(name: string): { ok?: boolean; result?: ZaloUpdate } & ZaloUpdate {
  return JSON.parse(readFileSync(new URL(`../fixtures/zalo/${name}`, import.meta.url), 'utf8'));
}

/** A fixture's update with its own message id (fixtures share ids). */
function withMessageId<T>(body: T, messageId: string): T {
  const copy = structuredClone(body) as { result?: ZaloUpdate } & ZaloUpdate;
  (copy.result ?? copy).message!.message_id = messageId;
  return copy as T;
}

/** What the bot sends to `chatId` after `act`, waiting for `count` messages. */
async function answers(fake: FakeZalo, chatId: string, count: number, act: () => unknown): Promise<string[]> {
  const before = fake.sentTo(chatId).length;
  await act();
  const sent = await waitFor(() => fake.sentTo(chatId).length >= before + count && fake.sentTo(chatId), `${count} answer(s) in ${chatId}`);
  return sent.slice(before).map((s) => s.text);
}

let store: Store;
beforeAll(async () => {
  store = await freshStore('pglite');
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
});
afterAll(() => store?.close());

/** Everything a test started, stopped after it in reverse order. */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeZalo(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  const fake = await startFakeZalo(options);
  cleanups.push(() => fake.close());
  return fake;
}

/** A ZaloChannel as the app builds it (not started). */
function zaloChannel(fake: FakeZalo, options: Partial<ZaloOptions> = {}): ZaloChannel {
  return new ZaloChannel({
    token: fake.token,
    apiRoot: fake.apiRoot,
    webhook: null,
    http: Fastify(),
    choices: choiceMemory(store.prisma, 'zalo'),
    log,
    ...options,
  });
}

/** Starts `channel` with the real conversation (or `handler`); stopped after the test. */
async function started(channel: ZaloChannel, handler?: InboundHandler): Promise<ZaloChannel> {
  await channel.start(handler ?? createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel }));
  cleanups.push(() => channel.stop());
  return channel;
}

const processed = (updateId: string) => store.prisma.processedUpdate.count({ where: { platform: 'zalo', updateId } });

describe('a villager talks to Loa Bản on Zalo (long polling)', () => {
  it('greets with the numbered menu, "2" opens the hotlines, "9" is not understood; the choices survive a restart', async () => {
    const fake = await fakeZalo();
    const first = await started(zaloChannel(fake));
    const chat = 'villager-lan';

    const [greeting, ...more] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: 'xin chào' }));
    expect(more).toEqual([]);
    expect(greeting).toMatch(/^Xin chào Nguyễn Thị Lan! Tôi là Loa Bản/);
    expect(menuOf(greeting)).toEqual(menu);
    expect(greeting!.length).toBeLessThanOrEqual(2000);

    await first.stop();
    const second = await started(zaloChannel(fake));

    const [hotlines] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: ' 2. ' }));
    // The item's own answer, not "not understood" (whose menu also names the hotlines).
    expect(hotlines).toMatch(/^Đường dây nóng:/);
    expect(hotlines).toContain('111');
    expect(hotlines).not.toContain('chưa hiểu');

    const [unknown] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '9' }));
    expect(unknown).toContain('chưa hiểu');
    expect(menuOf(unknown)).toEqual(menu);

    await second.stop();
    expect(fake.sentTo(chat)).toHaveLength(3);
    expect(fake.calls.filter((c) => c.method === 'deleteWebhook')).toHaveLength(2);
  });

  it('a message delivered twice is answered once', async () => {
    const fake = await fakeZalo();
    await started(zaloChannel(fake));
    const chat = 'villager-twice';
    const update = fake.textMessage({ chatId: chat, text: 'xin chào' });
    fake.pushUpdate(structuredClone(update));
    // Polling hands updates over one at a time: once /trogiup is answered, the copy was handled too.
    const sent = await answers(fake, chat, 2, () => fake.textMessage({ chatId: chat, text: '/trogiup' }));
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^Xin chào/);
    expect(sent[1]).toContain('/menu');
    expect(await processed(update.message!.message_id)).toBe(1);
  });

  it('keeps polling through a 500 and a dropped connection, and still delivers the next update', async () => {
    const fake = await fakeZalo();
    fake.failNext('getUpdates', { kind: 'serverError' });
    fake.failNext('getUpdates', { kind: 'drop' });
    await started(zaloChannel(fake));
    const [answer] = await answers(fake, 'villager-storm', 1, () => fake.textMessage({ chatId: 'villager-storm', text: 'xin chào' }));
    expect(answer).toMatch(/^Xin chào/);
    expect(fake.calls.filter((c) => c.method === 'getUpdates').slice(0, 3).map((c) => c.status)).toEqual([500, 0, 200]);
  }, 10_000);

  it('a handler that fails is logged and the next update is still handled', async () => {
    const fake = await fakeZalo();
    const channel = zaloChannel(fake);
    const inbound = createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel });
    let failures = 1;
    await started(channel, async (event) => {
      if (failures-- > 0) throw new Error('database went away');
      await inbound(event);
    });
    const chat = 'villager-after-failure';
    fake.textMessage({ chatId: chat, text: 'xin chào' });
    const [answer] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '/trogiup' }));
    expect(answer).toContain('/menu');
  });

  it('stop() returns in under a second while a poll is pending, and loses no update', async () => {
    const fake = await fakeZalo();
    const channel = zaloChannel(fake);
    await channel.start(createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel }));
    await new Promise((r) => setTimeout(r, 100)); // the poll is now waiting at the fake
    const began = Date.now();
    await channel.stop();
    expect(Date.now() - began).toBeLessThan(1000);

    await new Promise((r) => setTimeout(r, 50));
    const chat = 'villager-after-stop';
    fake.textMessage({ chatId: chat, text: 'xin chào' });
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.sentTo(chat)).toEqual([]);
    const [answer] = await answers(fake, chat, 1, () => started(zaloChannel(fake)));
    expect(answer).toMatch(/^Xin chào/);
  });
});

describe('Zalo payload variants', () => {
  it('reads the name from first_name when display_name is missing', async () => {
    const fake = await fakeZalo({ payloadVariant: 'first_name' });
    await started(zaloChannel(fake));
    const [answer] = await answers(fake, 'villager-a', 1, () => fake.textMessage({ chatId: 'villager-a', from: { name: 'Nguyen Van A' }, text: 'Xin chào' }));
    expect(answer).toMatch(/^Xin chào Nguyen Van A!/);

    // The getUpdates docs sample verbatim: first_name, no event_name, no is_bot.
    const sample = withMessageId(fixture('incoming/text-private-first-name-variant.json'), 'sample-first-name-1').result!;
    const [again] = await answers(fake, sample.message!.chat.id, 1, () => fake.pushUpdate(sample));
    expect(again).toMatch(/^Xin chào Nguyen Van A!/);
  });

  it('in a GROUP chat, ordinary chatter gets no answer; /start and a mention of the bot do', async () => {
    const fake = await fakeZalo();
    await started(zaloChannel(fake));
    const group = 'group-na-hin';
    fake.textMessage({ chatId: group, chatType: 'GROUP', text: 'mai họp thôn nhé' });
    fake.textMessage({ chatId: group, chatType: 'GROUP', text: 'xin chào cả nhà' });
    const [welcome] = await answers(fake, group, 1, () => fake.textMessage({ chatId: group, chatType: 'GROUP', text: '/start' }));
    expect(welcome).toContain('Tôi là Loa Bản');
    expect(menuOf(welcome)).toEqual(menu);
    // getMe names the bot "bot.LoaBanTest".
    const [mentioned] = await answers(fake, group, 1, () => fake.textMessage({ chatId: group, chatType: 'GROUP', text: '@bot.LoaBanTest tảo hôn là gì?' }));
    expect(mentioned).toMatch(/^Tảo hôn là/);
    expect(fake.sentTo(group)).toHaveLength(2);
  });

  it('"Hỏi đáp" opens the topics as numbered choices, a number opens a topic, another its answer; a question typed without marks is answered', async () => {
    const fake = await fakeZalo();
    await started(zaloChannel(fake));
    const chat = 'villager-hoi-dap';
    await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: 'xin chao' }));
    const [topics] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '4' }));
    expect(topics).toMatch(/^Bạn muốn hỏi về chủ đề nào\?/);
    const childMarriage = /^(\d+)\. Tảo hôn$/m.exec(topics!)?.[1];
    expect(childMarriage).toBeDefined();
    const [questions] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: childMarriage! }));
    expect(questions).toMatch(/^Tảo hôn: chọn một câu hỏi\.\n\n1\. /);
    const [answer] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '1' }));
    expect(answer).toMatch(/^\d\. Câu hỏi khác$/m);
    expect(answer!.length).toBeLessThanOrEqual(2000);
    const [typed] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: 'con gai may tuoi thi dc lay chong' }));
    expect(typed).toContain('18');
    // A long answer's "Xem thêm" is a numbered choice too.
    const [packages] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '4 goi chinh sach lam me an toan la gi' }));
    expect(packages).toMatch(/^1\. Xem thêm\n2\. Câu hỏi khác$/m);
    const [rest] = await answers(fake, chat, 1, () => fake.textMessage({ chatId: chat, text: '1' }));
    expect(rest).toMatch(/^Gói 1 và gói 4 là tuyên truyền, vận động/);
  });

  it('maps text, photos, stickers, unsupported messages and group mentions to events', async () => {
    const fake = await fakeZalo();
    const events: InboundEvent[] = [];
    await started(zaloChannel(fake), async (event) => void events.push(event));
    const image = withMessageId(fixture('incoming/image-received.json'), 'fx-image').result!;
    const sticker = withMessageId(fixture('incoming/sticker-received.json'), 'fx-sticker').result!;
    const unsupported = withMessageId(fixture('incoming/unsupported-received.json'), 'fx-unsupported').result!;
    const group = withMessageId(fixture('incoming/text-group.json'), 'fx-group').result!;
    group.message!.text = '@BOT.loabantest /baocao 12/3 họp thôn';
    for (const update of [image, sticker, unsupported, group, { event_name: 'message.unsupported.received' }]) fake.pushUpdate(update);
    fake.textMessage({ chatId: 'c-last', text: 'cuối' });
    await waitFor(() => events.length >= 5, 'five events');

    expect(events[0]).toMatchObject({
      type: 'message', platform: 'zalo', updateId: 'fx-image', text: 'Ảnh buổi họp',
      attachment: { kind: 'photo', ref: 'https://photo-stal-1.zadn.vn/2a3b4c5d6e7f80910a1b.jpg' },
      chat: { id: '6ede9afa66b88fe6d6a9', kind: 'private' }, sender: { id: '6ede9afa66b88fe6d6a9', displayName: 'Nguyễn Thị Lan' },
    });
    expect(events[0]!.at.getTime()).toBe(1763884900789);
    expect(events[1]).toMatchObject({ updateId: 'fx-sticker', attachment: { kind: 'sticker', ref: '5cb6159929dcc08299cd' } });
    expect(events[1]!.text).toBeUndefined();
    expect(events[2]).toMatchObject({ type: 'message', updateId: 'fx-unsupported' });
    expect(events[2]!.text).toBeUndefined();
    expect(events[3]).toMatchObject({ chat: { id: '9c1f3b2a7d4e5f608172', kind: 'group' }, mentionsBot: true, sender: { displayName: 'Lò Thị Hoa' } });
    // The update without a message was skipped.
    expect(events[4]).toMatchObject({ chat: { id: 'c-last' }, text: 'cuối' });
  });
});

describe('the Zalo webhook', () => {
  const publicUrl = 'https://loaban.example.org/webhooks/zalo';
  const secret = 'webhook-secret-for-tests';
  let fake: FakeZalo;
  let http: FastifyInstance;
  let channel: ZaloChannel;
  let failNextHandling = 0;

  beforeAll(async () => {
    let base = '';
    fake = await startFakeZalo({ rewriteWebhookUrl: (url) => url.replace('https://loaban.example.org', base) });
    http = Fastify();
    channel = zaloChannel(fake, { http, webhook: { url: publicUrl, secret } });
    base = await http.listen({ host: '127.0.0.1', port: 0 });
    const inbound = createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel });
    await channel.start(async (event) => {
      if (failNextHandling-- > 0) throw new Error('database went away');
      await inbound(event);
    });
  });
  afterAll(async () => {
    await channel?.stop();
    await http?.close();
    await fake?.close();
  });

  const post = (body: string | object, headers: Record<string, string | undefined> = {}) => fake.postToWebhook(body, headers);

  it('is registered with Zalo with its URL and secret, and never polls', () => {
    expect(fake.calls.find((c) => c.method === 'setWebhook')?.params).toEqual({ url: publicUrl, secret_token: secret });
    expect(fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);
  });

  it('answers an update Zalo delivers', async () => {
    let update: ZaloUpdate | undefined;
    const [answer] = await answers(fake, 'hook-lan', 1, () => (update = fake.textMessage({ chatId: 'hook-lan', text: 'xin chào' })));
    expect(answer).toMatch(/^Xin chào Nguyễn Thị Lan!/);
    expect(menuOf(answer)).toEqual(menu);
    // The answer is sent before the webhook's own HTTP answer reaches Zalo.
    const delivered = await waitFor(() => fake.webhookDeliveries.filter((d) => d.messageId === update?.message?.message_id).at(-1), 'the delivery');
    expect(delivered).toMatchObject({ status: 200, attempt: 1 });
  });

  it('a failed handling answers 500, Zalo re-sends, and the person is answered once', async () => {
    failNextHandling = 1;
    const update = fake.textMessage({ chatId: 'hook-retry', text: 'xin chào' });
    await answers(fake, 'hook-retry', 1, () => {});
    await waitFor(() => fake.webhookDeliveries.some((d) => d.messageId === update.message!.message_id && d.status === 200), 'the re-send');
    const attempts = fake.webhookDeliveries.filter((d) => d.messageId === update.message!.message_id);
    expect(attempts.map((d) => d.status)).toEqual([500, 200]);
    expect(fake.sentTo('hook-retry')).toHaveLength(1);
  });

  it('takes both the wrapped and the flat body', async () => {
    const wrapped = withMessageId(fixture('incoming/text-private.json'), 'hook-wrapped-1');
    const flat = withMessageId(fixture('incoming/text-private-webhook-flat.json'), 'hook-flat-1');
    const chat = wrapped.result!.message!.chat.id;
    const [greeting] = await answers(fake, chat, 1, async () => expect((await post(wrapped)).status).toBe(200));
    expect(greeting).toMatch(/^Xin chào Nguyễn Thị Lan!/);
    const [unknown] = await answers(fake, chat, 1, async () => expect((await post(flat)).status).toBe(200));
    expect(unknown).toContain('/giup');
  });

  it('the same message re-sent is answered once', async () => {
    const body = withMessageId(fixture('incoming/text-private.json'), 'hook-twice-1');
    body.result!.message!.chat.id = 'hook-twice';
    expect((await post(body)).status).toBe(200);
    expect((await post(body)).status).toBe(200);
    expect(fake.sentTo('hook-twice')).toHaveLength(1);
  });

  it('a wrong or missing secret gets 401 and nothing is processed', async () => {
    const body = withMessageId(fixture('incoming/text-private.json'), 'hook-intruder-1');
    body.result!.message!.chat.id = 'hook-intruder';
    expect((await post(body, { 'x-bot-api-secret-token': 'not-the-secret' })).status).toBe(401);
    expect((await post(body, { 'x-bot-api-secret-token': undefined })).status).toBe(401);
    expect(fake.sentTo('hook-intruder')).toEqual([]);
    expect(await processed('hook-intruder-1')).toBe(0);
  });

  it('refuses with 400 what is not a Zalo update, and keeps serving', async () => {
    expect((await post('{"ok": true, "result": {')).status).toBe(400);
    for (const body of ['[1, 2, 3]', '"xin chào"', '42', 'null']) expect((await post(body)).status, body).toBe(400);
    expect((await post({ hello: 'world' })).status).toBe(400);
    expect((await post({ ok: true, result: { unrelated: 1 } })).status).toBe(400);
    const oversized = await post({ event_name: 'message.text.received', message: { text: 'x'.repeat(1024 * 1024 + 10) } });
    expect(oversized.status).toBe(400);

    const body = withMessageId(fixture('incoming/text-private.json'), 'hook-after-junk-1');
    body.result!.message!.chat.id = 'hook-after-junk';
    const [answer] = await answers(fake, 'hook-after-junk', 1, async () => expect((await post(body)).status).toBe(200));
    expect(answer).toMatch(/^Xin chào/);
  });
});

describe.each(['errorCode', 200] as const)('send() maps every Zalo failure (errors with HTTP status %s)', (errorHttpStatus) => {
  let fake: FakeZalo;
  let channel: ZaloChannel;
  beforeAll(async () => {
    fake = await startFakeZalo({ errorHttpStatus });
    channel = zaloChannel(fake, { requestTimeoutMs: 200, defaultRetryAfterMs: 1234 });
  });
  afterAll(() => fake?.close());
  afterEach(() => {
    fake.clearFaults();
    fake.reset();
  });

  const say = (text: string, chatId = 'c1') => channel.send({ chatId }, { text });

  it('429 → throttled, with the default wait (Zalo gives no hint)', async () => {
    fake.failNext('sendMessage', { kind: 'retryAfter' });
    expect(await say('chào')).toEqual({ ok: false, error: { kind: 'throttled', retryAfterMs: 1234, reason: 'Too Many Requests' }, sentMessageIds: [] });
  });

  it('403 (blocked or unfollowed) → stopped', async () => {
    fake.failChat('blocker', { kind: 'blocked' });
    const result = await say('chào', 'blocker');
    expect(result).toMatchObject({ ok: false, error: { kind: 'stopped', reason: expect.stringContaining('blocked') } });
  });

  it('400 → invalid with Zalo\'s description; 401 (bad token) → invalid', async () => {
    expect(await say('chào', '')).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'Bad Request: chat_id is required' } });
    const wrongToken = zaloChannel(fake, { token: '1:wrong' });
    expect(await wrongToken.send({ chatId: 'c1' }, { text: 'chào' })).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'Unauthorized' } });
  });

  it('500, an HTML 502, a dropped connection and a slow answer → transient', async () => {
    fake.failNext('sendMessage', { kind: 'serverError' });
    expect(await say('chào')).toMatchObject({ ok: false, error: { kind: 'transient' } });
    fake.failNext('sendMessage', { kind: 'serverError', status: 502 });
    expect(await say('chào')).toMatchObject({ ok: false, error: { kind: 'transient' } });
    fake.failNext('sendMessage', { kind: 'drop' });
    expect(await say('chào')).toMatchObject({ ok: false, error: { kind: 'transient' } });
    fake.failNext('sendMessage', { kind: 'slow', ms: 3000 });
    const began = Date.now();
    expect(await say('chào')).toMatchObject({ ok: false, error: { kind: 'transient', reason: expect.stringContaining('timeout') } });
    expect(Date.now() - began).toBeLessThan(1000);
    expect(fake.sent).toEqual([]);
  });

  it('a network error (nothing listening) → transient', async () => {
    const nowhere = zaloChannel(fake, { apiRoot: 'http://127.0.0.1:9' });
    expect(await nowhere.send({ chatId: 'c1' }, { text: 'chào' })).toMatchObject({ ok: false, error: { kind: 'transient', reason: expect.stringContaining('ECONNREFUSED') } });
  });

  it('4500 characters in paragraphs arrive as 3 messages, in order, each at most 2000', async () => {
    const paragraphs = Array.from({ length: 9 }, (_, i) => `${i + 1} ${'chữ '.repeat(125)}`.trim());
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(4500);
    const result = await say(text, 'long');
    const sent = fake.sentTo('long');
    expect(sent).toHaveLength(3);
    expect(sent.every((s) => s.text.length <= 2000)).toBe(true);
    expect(sent.map((s) => s.text).join('\n\n')).toBe(text);
    expect(result).toEqual({ ok: true, messageIds: sent.map((s) => s.messageId) });
  });

  it('a single 2500-character word → invalid, and nothing is sent', async () => {
    const result = await say(`Xem ${'a'.repeat(2500)}`);
    expect(result).toMatchObject({ ok: false, error: { kind: 'invalid' }, sentMessageIds: [] });
    expect(fake.calls).toEqual([]);
  });

  it('stops at the first refused piece and reports the ids already sent', async () => {
    const text = `${'một '.repeat(400)}\n\n${'hai '.repeat(400)}`;
    fake.failNext('sendMessage', { kind: 'serverError' });
    const result = await channel.send({ chatId: 'partial' }, { text, imageUrl: 'https://example.org/poster.jpg' });
    const [photo] = fake.sentTo('partial');
    expect(photo).toMatchObject({ method: 'sendPhoto', photo: 'https://example.org/poster.jpg', caption: 'một '.repeat(400).trim() });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: 'transient' }), sentMessageIds: [photo!.messageId] });
  });

  it('buttons become numbered choices; when they do not fit, a message of their own', async () => {
    const buttons = [[{ label: 'Có', data: 'yes' }, { label: 'Không', data: 'no' }]];
    await channel.send({ chatId: 'short' }, { text: 'Bạn đã đến buổi họp?', buttons });
    expect(fake.sentTo('short').map((s) => s.text)).toEqual(['Bạn đã đến buổi họp?\n\n1. Có\n2. Không\nTrả lời bằng một số (ví dụ: 1) để chọn.']);
    const choices = choiceMemory(store.prisma, 'zalo');
    expect(await choices.recall('short', 2)).toEqual({ label: 'Không', data: 'no' });

    const long = 'ừ '.repeat(995).trim();
    await channel.send({ chatId: 'full' }, { text: long, buttons });
    expect(fake.sentTo('full').map((s) => s.text)).toEqual([long, '1. Có\n2. Không\nTrả lời bằng một số (ví dụ: 1) để chọn.']);
  });
});
