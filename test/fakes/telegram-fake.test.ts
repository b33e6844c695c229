import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeTelegram } from './telegram-fake.js';
import type { FakeTelegram, FakeTelegramOptions, TgUpdate } from './telegram-fake.js';

const TOKEN = '123456:TEST';

const open: FakeTelegram[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fake) => fake.close()));
});

async function start(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = await startFakeTelegram(options);
  open.push(fake);
  return fake;
}

interface Reply {
  status: number;
  contentType: string;
  /** Parsed JSON, or the text of a non-JSON answer. */
  body: any;
}

async function call(
  fake: FakeTelegram,
  method: string,
  params: Record<string, unknown> = {},
  init: { token?: string; signal?: AbortSignal } = {},
): Promise<Reply> {
  const res = await fetch(`${fake.apiRoot}/bot${init.token ?? TOKEN}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, contentType, body: contentType.includes('json') ? JSON.parse(text) : text };
}

function fixture(path: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/telegram/${path}`, import.meta.url), 'utf8'));
}

/** The structure of a JSON value: keys and value types, arrays by their first element. */
function skeleton(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [skeleton(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, skeleton(v)]));
  }
  return typeof value;
}

interface Receiver {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>;
  close: () => Promise<void>;
}

/** A webhook receiver; `respond` decides the answer to the n-th request (0-based). */
async function startReceiver(
  respond: (index: number, body: string, headers: http.IncomingHttpHeaders) => { status: number; body?: string },
): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ headers: req.headers, body });
      const answer = respond(requests.length - 1, body, req.headers);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('routing, auth and request formats', () => {
  it('answers getMe with the bot', async () => {
    const fake = await start();
    const reply = await call(fake, 'getMe');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ok: true,
      result: {
        id: 123456,
        is_bot: true,
        first_name: 'Loa Bản',
        username: 'loaban_test_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
    });
  });

  it('refuses an unknown token with 401 and an unknown method with 404', async () => {
    const fake = await start();
    const unauthorized = await call(fake, 'getMe', {}, { token: '999:WRONG' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual(fixture('outgoing/error-401-unauthorized.json'));
    const unknown = await call(fake, 'sendCarrierPigeon');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    expect(fake.calls.map((c) => c.status)).toEqual([401, 404]);
  });

  it('accepts method names in any case, GET with a query string, urlencoded and multipart bodies', async () => {
    const fake = await start({ limits: false });
    expect((await call(fake, 'SENDMESSAGE', { chat_id: 1, text: 'a' })).status).toBe(200);

    const get = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage?chat_id=2&text=${encodeURIComponent('xin chào')}`);
    expect(get.status).toBe(200);

    const form = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '3', text: 'urlencoded', reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }) }),
    });
    expect(form.status).toBe(200);

    const multipart = new FormData();
    multipart.set('chat_id', '4');
    multipart.set('caption', 'Ảnh họp');
    multipart.set('photo', new Blob([Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a])], { type: 'image/jpeg' }), 'hop.jpg');
    const upload = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendPhoto`, { method: 'POST', body: multipart });
    const uploaded = (await upload.json()) as { result: { photo: unknown[]; caption: string } };
    expect(upload.status).toBe(200);
    expect(uploaded.result.photo).toHaveLength(3);
    expect(uploaded.result.caption).toBe('Ảnh họp');

    expect(fake.sent.map((s) => [s.chatId, s.text])).toEqual([
      ['1', 'a'],
      ['2', 'xin chào'],
      ['3', 'urlencoded'],
      ['4', 'Ảnh họp'],
    ]);
    expect(fake.sent[2]!.replyMarkup).toEqual({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
    expect(fake.sent[3]).toMatchObject({ method: 'sendPhoto', caption: 'Ảnh họp', photo: 'upload:hop.jpg' });
    expect(fake.calls[3]!.params.photo).toEqual({ filename: 'hop.jpg', contentType: 'image/jpeg', size: 6 });
  });

  it('answers a malformed JSON body with 400', async () => {
    const fake = await start();
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat_id": 1,',
    });
    expect(res.status).toBe(400);
  });
});

describe('sending', () => {
  it('returns a realistic Message, numbering messages per chat', async () => {
    let clock = 1_763_884_801_500;
    const fake = await start({ limits: false, now: () => clock });
    const first = await call(fake, 'sendMessage', { chat_id: 5123456789, text: 'Chào chị Lan' });
    expect(skeleton(first.body)).toEqual(skeleton(fixture('outgoing/send-message-ok.json')));
    expect(first.body.result).toMatchObject({ message_id: 1, date: 1763884801, chat: { id: 5123456789, type: 'private' } });

    clock += 1000;
    expect((await call(fake, 'sendMessage', { chat_id: '5123456789', text: 'b' })).body.result.message_id).toBe(2);
    const group = await call(fake, 'sendMessage', { chat_id: -4012345678, text: 'c' });
    expect(group.body.result.message_id).toBe(1);
    expect(group.body.result.chat).toEqual({ id: -4012345678, title: 'Test group -4012345678', type: 'group' });
    const supergroup = await call(fake, 'sendMessage', { chat_id: '-1002012345678', text: 'd' });
    expect(supergroup.body.result.chat.type).toBe('supergroup');

    expect(fake.sentTo(5123456789).map((s) => s.messageId)).toEqual([1, 2]);
    expect(fake.sentTo('-4012345678')).toHaveLength(1);
  });

  it('echoes inline keyboards only, and replies to a known message', async () => {
    const fake = await start({ limits: false });
    const inline = { inline_keyboard: [[{ text: 'Lịch họp', callback_data: 'menu:lich' }]] };
    const withInline = await call(fake, 'sendMessage', { chat_id: 7, text: 'menu', reply_markup: inline });
    expect(withInline.body.result.reply_markup).toEqual(inline);
    const replyKeyboard = await call(fake, 'sendMessage', {
      chat_id: 7,
      text: 'bàn phím',
      reply_markup: JSON.stringify({ keyboard: [[{ text: 'Có' }]] }),
      reply_parameters: { message_id: 1 },
    });
    expect(replyKeyboard.body.result.reply_markup).toBeUndefined();
    expect(replyKeyboard.body.result.reply_to_message.message_id).toBe(1);
  });

  it('validates like the real API', async () => {
    const fake = await start({ limits: false });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ text: 'x' }, 'Bad Request: chat_id is empty'],
      [{ chat_id: '', text: 'x' }, 'Bad Request: chat_id is empty'],
      [{ chat_id: '@kenh', text: 'x' }, 'Bad Request: chat not found'],
      [{ chat_id: 1 }, 'Bad Request: message text is empty'],
      [{ chat_id: 1, text: '   \n' }, 'Bad Request: message text is empty'],
      [{ chat_id: 1, text: 'x'.repeat(4097) }, 'Bad Request: message is too long'],
      [{ chat_id: 1, text: 'x', parse_mode: 'html5' }, 'Bad Request: unsupported parse_mode'],
      [{ chat_id: 1, text: 'x', reply_markup: '{nope' }, "Bad Request: can't parse reply keyboard markup JSON object"],
      [{ chat_id: 1, text: 'x', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'đ'.repeat(33) }]] } }, 'Bad Request: BUTTON_DATA_INVALID'],
    ];
    for (const [params, description] of cases) {
      const reply = await call(fake, 'sendMessage', params);
      expect(reply.status, description).toBe(400);
      expect(reply.body).toEqual({ ok: false, error_code: 400, description });
    }
    expect((await call(fake, 'sendMessage', { chat_id: 1, text: 'x'.repeat(4096) })).status).toBe(200);
    // 4096 UTF-16 code units: 2048 emoji are 4096 units.
    expect((await call(fake, 'sendMessage', { chat_id: 2, text: '😀'.repeat(2048) })).status).toBe(200);
    expect((await call(fake, 'sendMessage', { chat_id: 3, text: '😀'.repeat(2049) })).body.description).toBe('Bad Request: message is too long');

    const longCaption = await call(fake, 'sendPhoto', { chat_id: 1, photo: 'https://example.org/a.jpg', caption: 'c'.repeat(1025) });
    expect(longCaption.body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: message caption is too long' });
    expect((await call(fake, 'sendPhoto', { chat_id: 1, photo: 'https://example.org/a.jpg', caption: 'c'.repeat(1024) })).status).toBe(200);
    expect((await call(fake, 'sendPhoto', { chat_id: 1 })).body.description).toBe('Bad Request: there is no photo in the request');

    expect(fake.sent).toHaveLength(3);
    expect((await call(fake, 'sendMessage', { chat_id: 1, text: 'x'.repeat(5000) })).body).toEqual(fixture('outgoing/error-400-message-too-long.json'));
    expect((await call(fake, 'sendMessage', { chat_id: 1, text: '' })).body).toEqual(fixture('outgoing/error-400-message-text-empty.json'));
    expect((await call(fake, 'sendMessage', { text: 'x' })).body).toEqual(fixture('outgoing/error-400-chat-id-empty.json'));
  });

  it('edits messages, answers callback queries, chat actions, commands, getChat and leaveChat', async () => {
    const fake = await start({ limits: false });
    await call(fake, 'sendMessage', { chat_id: 9, text: 'một' });
    const edited = await call(fake, 'editMessageText', { chat_id: 9, message_id: 1, text: 'hai' });
    expect(edited.body.result).toMatchObject({ message_id: 1, text: 'hai' });
    expect(typeof edited.body.result.edit_date).toBe('number');
    expect((await call(fake, 'editMessageText', { chat_id: 9, message_id: 1, text: 'hai' })).body.description).toMatch(
      /^Bad Request: message is not modified/,
    );
    expect((await call(fake, 'editMessageText', { chat_id: 9, message_id: 99, text: 'x' })).body.description).toBe(
      'Bad Request: message to edit not found',
    );
    const markup = { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] };
    expect((await call(fake, 'editMessageReplyMarkup', { chat_id: 9, message_id: 1, reply_markup: markup })).body.result.reply_markup).toEqual(markup);
    // The message as it is now, and the edits that made it so.
    expect(fake.messageIn(9, 1)).toMatchObject({ text: 'hai', reply_markup: markup });
    expect(fake.editsIn(9).map((c) => c.method)).toEqual(['editMessageText', 'editMessageReplyMarkup']);
    // Editing the text without a keyboard removes the keyboard, as Telegram does.
    await call(fake, 'editMessageText', { chat_id: 9, message_id: 1, text: 'ba' });
    expect(fake.messageIn(9, 1)?.reply_markup).toBeUndefined();
    await call(fake, 'editMessageReplyMarkup', { chat_id: 9, message_id: 1, reply_markup: markup });

    const update = fake.callbackQuery({ chatId: 9, data: 'ok', messageId: 1 });
    const queryId = update.callback_query!.id;
    expect((await call(fake, 'answerCallbackQuery', { callback_query_id: queryId, text: 'Đã nhận' })).body).toEqual({ ok: true, result: true });
    expect((await call(fake, 'answerCallbackQuery', { callback_query_id: queryId })).body.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );

    expect((await call(fake, 'sendChatAction', { chat_id: 9, action: 'typing' })).body).toEqual({ ok: true, result: true });
    expect((await call(fake, 'sendChatAction', { chat_id: 9, action: 'dancing' })).body.description).toBe(
      'Bad Request: wrong parameter action in request',
    );

    const commands = [{ command: 'baocao', description: 'Gửi báo cáo' }];
    expect((await call(fake, 'setMyCommands', { commands: JSON.stringify(commands) })).body.result).toBe(true);
    expect((await call(fake, 'getMyCommands')).body.result).toEqual(commands);
    expect((await call(fake, 'setMyCommands', { commands: [{ command: 'Báo-cáo', description: 'x' }] })).body.description).toBe(
      'Bad Request: BOT_COMMAND_INVALID',
    );
    expect((await call(fake, 'deleteMyCommands')).body.result).toBe(true);
    expect((await call(fake, 'getMyCommands')).body.result).toEqual([]);

    expect((await call(fake, 'getChat', { chat_id: -4012345678 })).body.result).toEqual({
      id: -4012345678,
      title: 'Test group -4012345678',
      type: 'group',
    });
    expect((await call(fake, 'leaveChat', { chat_id: -4012345678 })).body.result).toBe(true);
    expect((await call(fake, 'sendMessage', { chat_id: -4012345678, text: 'x' })).body).toEqual(fixture('outgoing/error-403-kicked.json'));
  });
});

describe('long polling', () => {
  it('returns a queued update until an offset confirms it', async () => {
    const fake = await start();
    const update = fake.textMessage({ chatId: 5123456789, text: 'Chào bot' });
    const first = await call(fake, 'getUpdates', { timeout: 0 });
    expect(first.body).toEqual({ ok: true, result: [update] });
    expect(skeleton(first.body)).toEqual(skeleton(fixture('outgoing/get-updates-ok.json')));
    expect((await call(fake, 'getUpdates')).body.result).toEqual([update]); // not confirmed yet
    const confirmed = await call(fake, 'getUpdates', { offset: update.update_id + 1, timeout: 0 });
    expect(confirmed.body).toEqual({ ok: true, result: [] });
  });

  it('holds the request until an update is queued', async () => {
    const fake = await start();
    const started = Date.now();
    const poll = call(fake, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const update = fake.textMessage({ chatId: 42, text: '/start' });
    const reply = await poll;
    expect(reply.body.result).toEqual([update]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(update.message!.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
  });

  it('answers an empty list when the timeout elapses', async () => {
    const fake = await start();
    const started = Date.now();
    const reply = await call(fake, 'getUpdates', { timeout: 0.2 });
    expect(reply.body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('honours limit, negative offsets and allowed_updates', async () => {
    const fake = await start();
    const a = fake.textMessage({ chatId: 1, text: 'a' });
    const b = fake.textMessage({ chatId: 1, text: 'b' });
    const c = fake.callbackQuery({ chatId: 1, data: 'x' });
    expect((await call(fake, 'getUpdates', { limit: 2 })).body.result).toEqual([a, b]);
    expect((await call(fake, 'getUpdates', { allowed_updates: ['callback_query'] })).body.result).toEqual([c]);
    expect((await call(fake, 'getUpdates', { allowed_updates: [] })).body.result).toEqual([a, b, c]);
    expect((await call(fake, 'getUpdates', { offset: -1 })).body.result).toEqual([c]);
    expect((await call(fake, 'getUpdates')).body.result).toEqual([c]); // a and b are forgotten
    expect(fake.pushUpdate({ update_id: 500_000_000, message: a.message! }).update_id).toBe(500_000_000);
    expect(fake.textMessage({ chatId: 1, text: 'd' }).update_id).toBe(500_000_001);
  });

  it('terminates a long poll superseded by another getUpdates with 409', async () => {
    const fake = await start();
    const first = call(fake, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 30));
    const second = call(fake, 'getUpdates', { timeout: 0 });
    expect((await first).body).toEqual({
      ok: false,
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    expect((await second).status).toBe(200);
  });

  it('keeps an update pushed after the polling client went away', async () => {
    const fake = await start();
    const controller = new AbortController();
    const aborted = call(fake, 'getUpdates', { timeout: 5 }, { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    controller.abort();
    await aborted;
    const update = fake.textMessage({ chatId: 1, text: 'still here' });
    expect((await call(fake, 'getUpdates')).body.result).toEqual([update]);
  });
});

describe('webhook', () => {
  it('delivers with the secret header and re-sends until the webhook answers 2xx', async () => {
    const receiver = await startReceiver((i) => ({ status: i === 0 ? 500 : 200 }));
    const fake = await start({ webhookRetryDelayMs: 20 });
    try {
      const set = await call(fake, 'setWebhook', { url: receiver.url, secret_token: 'S3cret_token-1' });
      expect(set.body).toEqual(fixture('outgoing/set-webhook-ok.json'));
      const update = fake.textMessage({ chatId: 5123456789, text: 'Chào bot' });
      await vi.waitFor(() => expect(receiver.requests).toHaveLength(2));
      for (const request of receiver.requests) {
        expect(request.headers['x-telegram-bot-api-secret-token']).toBe('S3cret_token-1');
        expect(request.headers['content-type']).toBe('application/json');
        expect(JSON.parse(request.body)).toEqual(update);
      }
      await vi.waitFor(() => expect(fake.webhookDeliveries.map((d) => [d.updateId, d.attempt, d.status])).toEqual([
        [update.update_id, 1, 500],
        [update.update_id, 2, 200],
      ]));
      const info = (await call(fake, 'getWebhookInfo')).body.result;
      expect(info).toMatchObject({
        url: receiver.url,
        pending_update_count: 0,
        last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
      });
      const conflict = await call(fake, 'getUpdates');
      expect(conflict.status).toBe(409);
      expect(conflict.body).toEqual(fixture('outgoing/error-409-webhook-active.json'));
    } finally {
      await receiver.close();
    }
  });

  it('gives an update up after the maximum attempts and goes on with the next', async () => {
    const receiver = await startReceiver((_i, body) => ({ status: body.includes('"first"') ? 503 : 200 }));
    const fake = await start({ webhookRetryDelayMs: 5, webhookMaxAttempts: 3 });
    try {
      await call(fake, 'setWebhook', { url: receiver.url });
      fake.textMessage({ chatId: 1, text: 'first' });
      fake.textMessage({ chatId: 1, text: 'second' });
      await vi.waitFor(() => expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([503, 503, 503, 200]));
      expect(receiver.requests[0]!.headers['x-telegram-bot-api-secret-token']).toBeUndefined();
    } finally {
      await receiver.close();
    }
  });

  it('runs a method given in the webhook answer (telegraf webhookReply)', async () => {
    const receiver = await startReceiver((_i, body) => ({
      status: 200,
      body: JSON.stringify({ method: 'sendMessage', chat_id: JSON.parse(body).message.chat.id, text: 'pong' }),
    }));
    const fake = await start();
    try {
      // telegraf registers https URLs; loopback ones are delivered over plain HTTP.
      await call(fake, 'setWebhook', { url: receiver.url.replace('http:', 'https:') });
      fake.textMessage({ chatId: 77, text: 'ping' });
      await vi.waitFor(() => expect(fake.sentTo(77).map((s) => s.text)).toEqual(['pong']));
      expect(fake.calls.at(-1)).toMatchObject({ method: 'sendMessage', status: 200, viaWebhookReply: true });
    } finally {
      await receiver.close();
    }
  });

  it('posts arbitrary bodies and headers with postToWebhook', async () => {
    const receiver = await startReceiver((_i, body, headers) => {
      if (headers['x-telegram-bot-api-secret-token'] !== 'good') return { status: 401 };
      try {
        JSON.parse(body);
      } catch {
        return { status: 400 };
      }
      return { status: 200, body: '{}' };
    });
    const fake = await start();
    try {
      await expect(fake.postToWebhook({})).rejects.toThrow('no webhook is set');
      await call(fake, 'setWebhook', { url: receiver.url, secret_token: 'good' });
      expect(await fake.postToWebhook({ update_id: 1 })).toEqual({ status: 200, body: '{}' });
      expect((await fake.postToWebhook({ update_id: 2 }, { 'x-telegram-bot-api-secret-token': 'bad' })).status).toBe(401);
      expect((await fake.postToWebhook({ update_id: 3 }, { 'x-telegram-bot-api-secret-token': undefined })).status).toBe(401);
      expect((await fake.postToWebhook('{"update_id": 4,')).status).toBe(400);
      expect(fake.webhookDeliveries.filter((d) => d.manual).map((d) => d.status)).toEqual([200, 401, 401, 400]);
    } finally {
      await receiver.close();
    }
  });

  it('hands undelivered updates back to getUpdates on deleteWebhook, or drops them', async () => {
    const fake = await start({ webhookRetryDelayMs: 10_000 });
    await call(fake, 'setWebhook', { url: 'http://127.0.0.1:9/unreachable' });
    const kept = fake.textMessage({ chatId: 1, text: 'kept' });
    await vi.waitFor(() => expect(fake.webhookDeliveries).toHaveLength(1));
    expect(fake.webhookDeliveries[0]!.status).toBe(0);
    expect((await call(fake, 'deleteWebhook')).body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect((await call(fake, 'getUpdates')).body.result).toEqual([kept]);

    await call(fake, 'setWebhook', { url: 'http://127.0.0.1:9/unreachable', drop_pending_updates: true });
    expect((await call(fake, 'getWebhookInfo')).body.result.pending_update_count).toBe(0);
    expect((await call(fake, 'deleteWebhook')).body.description).toBe('Webhook was deleted');
    expect((await call(fake, 'deleteWebhook')).body.description).toBe('Webhook is already deleted');
    expect((await call(fake, 'getUpdates')).body.result).toEqual([]);
  });

  it('refuses a bad URL or secret token', async () => {
    const fake = await start();
    expect((await call(fake, 'setWebhook', { url: 'ftp://example.org' })).body.description).toBe(
      'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    );
    expect((await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: 'có dấu' })).status).toBe(400);
    expect((await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: 'a'.repeat(257) })).status).toBe(400);
  });
});

describe('faults', () => {
  it('answers every fault kind as documented', async () => {
    const fake = await start({ limits: false });
    const send = (chatId: number | string = 5123456789): Promise<Reply> => call(fake, 'sendMessage', { chat_id: chatId, text: 'x' });

    fake.failNext('sendMessage', { kind: 'retryAfter', seconds: 5 });
    const throttled = await send();
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual(fixture('outgoing/error-429-too-many-requests.json'));

    fake.failNext('sendMessage', { kind: 'blocked' });
    expect(await send()).toMatchObject({ status: 403, body: fixture('outgoing/error-403-blocked.json') });
    fake.failNext('sendMessage', { kind: 'kicked' });
    expect((await send(-4012345678)).body).toEqual(fixture('outgoing/error-403-kicked.json'));
    fake.failNext('sendMessage', { kind: 'kicked' });
    expect((await send(-1002012345678)).body).toEqual(fixture('outgoing/error-403-kicked-supergroup.json'));
    fake.failNext('sendMessage', { kind: 'deactivated' });
    expect((await send()).body).toEqual(fixture('outgoing/error-403-deactivated.json'));
    fake.failNext('sendMessage', { kind: 'migrated', newChatId: -1002087654321 });
    expect(await send(-4012345678)).toMatchObject({ status: 400, body: fixture('outgoing/error-400-migrated.json') });

    fake.failNext('sendMessage', { kind: 'serverError' });
    expect(await send()).toMatchObject({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    fake.failNext('sendMessage', { kind: 'serverError', status: 502 });
    const gateway = await send();
    expect(gateway.status).toBe(502);
    expect(gateway.contentType).toBe('text/html');
    expect(gateway.body).toContain('502 Bad Gateway');

    fake.failNext('sendMessage', { kind: 'slow', ms: 150 });
    const started = Date.now();
    expect((await send()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    fake.failNext('sendMessage', { kind: 'drop' });
    await expect(send()).rejects.toThrow();

    expect((await send()).status).toBe(200);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 403, 403, 403, 403, 400, 500, 502, 200, 0, 200]);
    expect(fake.sent).toHaveLength(2);
  });

  it('hold: a held call is carried out at once (the message is delivered) and answered on release', async () => {
    const fake = await start({ limits: false });
    fake.hold('sendMessage');
    let answered = false;
    const pending = call(fake, 'sendMessage', { chat_id: 42, text: 'giữ lại' }).then((reply) => ((answered = true), reply));
    await vi.waitFor(() => expect(fake.heldAnswers('sendMessage')).toBe(1));
    expect(fake.sentTo(42).map((s) => s.text)).toEqual(['giữ lại']);
    expect((await call(fake, 'getMe')).status).toBe(200);
    expect(answered).toBe(false);
    fake.release('sendMessage');
    expect((await pending).status).toBe(200);
    expect((await call(fake, 'sendMessage', { chat_id: 42, text: 'ngay' })).status).toBe(200);
    expect(fake.heldAnswers('sendMessage')).toBe(0);
  });

  it('applies a fault to the next `count` calls only, and chat faults until cleared', async () => {
    const fake = await start({ limits: false });
    fake.failNext('getMe', { kind: 'serverError' }, 2);
    expect([(await call(fake, 'getMe')).status, (await call(fake, 'getMe')).status, (await call(fake, 'getMe')).status]).toEqual([500, 500, 200]);

    fake.failChat(5123456789, { kind: 'blocked' });
    expect((await call(fake, 'sendMessage', { chat_id: '5123456789', text: 'x' })).status).toBe(403);
    expect((await call(fake, 'sendChatAction', { chat_id: 5123456789, action: 'typing' })).status).toBe(403);
    expect((await call(fake, 'sendMessage', { chat_id: 1, text: 'x' })).status).toBe(200);
    fake.clearFaults();
    expect((await call(fake, 'sendMessage', { chat_id: 5123456789, text: 'x' })).status).toBe(200);
  });
});

describe('rate limits (injected clock)', () => {
  it('answers the 31st send within one second with 429', async () => {
    let clock = 10_000_000;
    const fake = await start({ now: () => clock });
    for (let chat = 1; chat <= 30; chat += 1) {
      expect((await call(fake, 'sendMessage', { chat_id: chat, text: 'x' })).status).toBe(200);
    }
    clock += 999;
    const refused = await call(fake, 'sendMessage', { chat_id: 31, text: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    clock += 1; // the first send leaves the 1000 ms window
    expect((await call(fake, 'sendMessage', { chat_id: 31, text: 'x' })).status).toBe(200);
    expect(fake.stats).toEqual({ sends: 31, throttled: 1, maxInAnyGlobalWindow: 30 });
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(1);
  });

  it('answers the 21st send to a group within a minute with 429 and the seconds left', async () => {
    let clock = 10_000_000;
    const fake = await start({ now: () => clock });
    for (let i = 0; i < 20; i += 1) {
      expect((await call(fake, 'sendMessage', { chat_id: -4012345678, text: `${i}` })).status).toBe(200);
      clock += 1000;
    }
    const refused = await call(fake, 'sendMessage', { chat_id: -4012345678, text: '21' });
    expect(refused.status).toBe(429);
    expect(refused.body.parameters).toEqual({ retry_after: 40 }); // the first send leaves the window at +60 s
    clock = 10_000_000 + 59_999;
    expect((await call(fake, 'sendMessage', { chat_id: -4012345678, text: '21' })).body.parameters).toEqual({ retry_after: 1 });
    expect((await call(fake, 'sendMessage', { chat_id: -1002012345678, text: 'other group' })).status).toBe(200);
    clock += 1;
    expect((await call(fake, 'sendMessage', { chat_id: -4012345678, text: '21' })).status).toBe(200);
  });

  it('answers a 2nd send to one chat within a second with 429; a refused send is not counted', async () => {
    let clock = 10_000_000;
    const fake = await start({ now: () => clock });
    expect((await call(fake, 'sendMessage', { chat_id: 5, text: 'a' })).status).toBe(200);
    clock += 500;
    const refused = await call(fake, 'sendPhoto', { chat_id: 5, photo: 'https://example.org/a.jpg' });
    expect(refused.body).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect((await call(fake, 'sendMessage', { chat_id: 6, text: 'other chat' })).status).toBe(200);
    clock += 500;
    expect((await call(fake, 'sendMessage', { chat_id: 5, text: 'b' })).status).toBe(200);
    expect(fake.stats).toEqual({ sends: 3, throttled: 1, maxInAnyGlobalWindow: 2 });
  });

  it('is exact at the boundary: 34 ms apart never throttles, 33 ms apart does', async () => {
    let clock = 10_000_000;
    const fake = await start({ now: () => clock });
    for (let i = 0; i < 150; i += 1) {
      expect((await call(fake, 'sendMessage', { chat_id: 1000 + (i % 100), text: 'x' })).status).toBe(200);
      clock += 34;
    }
    expect(fake.stats).toEqual({ sends: 150, throttled: 0, maxInAnyGlobalWindow: 30 });

    fake.reset();
    clock += 10_000;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      statuses.push((await call(fake, 'sendMessage', { chat_id: 2000 + i, text: 'x' })).status);
      clock += 33;
    }
    expect(statuses.indexOf(429)).toBe(30); // 30 × 33 ms = 990 ms < 1000 ms
    expect(fake.stats.maxInAnyGlobalWindow).toBe(30);
  });

  it('takes custom limits, or none', async () => {
    const fake = await start({ limits: { globalPerSecond: 2, perChatPerSecond: 5 }, now: () => 0 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call(fake, 'sendMessage', { chat_id: 1, text: 'x' })).status);
    expect(statuses).toEqual([200, 200, 429]);

    const unlimited = await start({ limits: false, now: () => 0 });
    for (let i = 0; i < 40; i += 1) expect((await call(unlimited, 'sendMessage', { chat_id: -1, text: 'x' })).status).toBe(200);
    expect(unlimited.stats).toEqual({ sends: 40, throttled: 0, maxInAnyGlobalWindow: 40 });
  });
});

describe('update helpers match the fixtures', () => {
  it('builds each update in the documented shape', async () => {
    const fake = await start({ limits: false });
    const shapes: Array<[TgUpdate, string]> = [
      [fake.textMessage({ chatId: 5123456789, text: 'Chào bot' }), 'private-text.json'],
      [
        fake.textMessage({ chatId: -1002012345678, chatTitle: 'Chi hội Phụ nữ Bản Lác', text: '/baocao@loaban_test_bot 12/3 họp chi hội' }),
        'group-command-with-botname.json',
      ],
      [fake.callbackQuery({ chatId: 5123456789, data: 'menu:baocao' }), 'callback-query.json'],
      [fake.botAddedToGroup({ chatId: -4012345678, chatTitle: 'Tổ phụ nữ Bản Chiềng' }), 'my-chat-member-bot-added-to-group.json'],
      [fake.botRemovedFromGroup({ chatId: -1002012345678 }), 'my-chat-member-bot-kicked-from-supergroup.json'],
      [fake.botRemovedFromGroup({ chatId: -4012345678 }), 'my-chat-member-bot-removed-from-group.json'],
      [fake.botBlockedByUser({ chatId: 5123456789 }), 'my-chat-member-bot-blocked-by-user.json'],
      [fake.photoMessage({ chatId: 5123456789, caption: 'Ảnh buổi họp' }), 'photo-message.json'],
    ];
    for (const [update, file] of shapes) expect(skeleton(update), file).toEqual(skeleton(fixture(`incoming/${file}`)));
    expect(shapes[1]![0].message!.entities).toEqual(fixture('incoming/group-command-with-botname.json').message.entities);
  });

  it('builds a reply to the bot from the message the bot sent', async () => {
    const fake = await start({ limits: false });
    const sent = await call(fake, 'sendMessage', { chat_id: -1002012345678, text: 'Chị muốn báo cáo việc gì?' });
    const reply = fake.textMessage({ chatId: -1002012345678, text: 'Họp chi hội ngày 12/3', replyTo: sent.body.result.message_id });
    expect(skeleton(reply)).toEqual(skeleton(fixture('incoming/group-reply-to-bot.json')));
    expect(reply.message!.reply_to_message).toEqual(sent.body.result);
  });

  it('migrates a group: both service messages, then 400 with migrate_to_chat_id for the old id', async () => {
    const fake = await start({ limits: false });
    const migrated = fake.groupMigrated({ chatId: -4012345678, newChatId: -1002087654321 });
    expect(skeleton(migrated)).toEqual(skeleton(fixture('incoming/group-migrated-to-supergroup.json')));
    const updates = (await call(fake, 'getUpdates')).body.result;
    expect(updates).toHaveLength(2);
    expect(skeleton(updates[1])).toEqual(skeleton(fixture('incoming/supergroup-migrated-from-group.json')));
    expect(updates[1].message.migrate_from_chat_id).toBe(-4012345678);

    const old = await call(fake, 'sendMessage', { chat_id: -4012345678, text: 'x' });
    expect(old.body).toEqual(fixture('outgoing/error-400-migrated.json'));
    expect((await call(fake, 'sendMessage', { chat_id: -1002087654321, text: 'x' })).status).toBe(200);
    fake.botAddedToGroup({ chatId: -4012345678 });
    expect((await call(fake, 'sendMessage', { chat_id: -4012345678, text: 'x' })).status).toBe(200);
  });

  it('makes later sends fail for a blocked user', async () => {
    const fake = await start({ limits: false });
    fake.botBlockedByUser({ chatId: 5123456789 });
    expect((await call(fake, 'sendMessage', { chat_id: 5123456789, text: 'x' })).body).toEqual(fixture('outgoing/error-403-blocked.json'));
  });
});

describe('recordings and closing', () => {
  it('reset clears recordings but keeps queued updates', async () => {
    const fake = await start({ limits: false });
    await call(fake, 'sendMessage', { chat_id: 1, text: 'x' });
    const update = fake.textMessage({ chatId: 1, text: 'y' });
    fake.reset();
    expect([fake.calls.length, fake.sent.length, fake.stats.sends]).toEqual([0, 0, 0]);
    expect((await call(fake, 'getUpdates')).body.result).toEqual([update]);
  });

  it('closes promptly with a long poll and a slow call pending', async () => {
    const fake = await startFakeTelegram();
    const poll = call(fake, 'getUpdates', { timeout: 30 }).catch((e: unknown) => e);
    fake.failNext('sendMessage', { kind: 'slow', ms: 30_000 });
    const slow = call(fake, 'sendMessage', { chat_id: 1, text: 'x' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await fake.close();
    await Promise.all([poll, slow]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
