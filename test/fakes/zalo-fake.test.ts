import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeZalo } from './zalo-fake.js';
import type { FakeZalo, FakeZaloOptions } from './zalo-fake.js';

const TOKEN = '1234567890:zalotestsecret';

const open: FakeZalo[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fake) => fake.close()));
});

async function start(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  const fake = await startFakeZalo(options);
  open.push(fake);
  return fake;
}

interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text of a non-JSON answer. */
  body: any;
}

async function call(
  fake: FakeZalo,
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
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, body: isJson ? JSON.parse(text) : text };
}

function fixture(path: string): any {
  return JSON.parse(readFileSync(new URL(`../fixtures/zalo/${path}`, import.meta.url), 'utf8'));
}

/** The structure of a JSON value: keys and value types, arrays by their first element. */
function skeleton(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [skeleton(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, skeleton(v)]));
  }
  return typeof value;
}

async function startReceiver(
  respond: (index: number) => number,
): Promise<{ url: string; requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>; close: () => Promise<void> }> {
  const requests: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(respond(requests.length - 1));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/zalo`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('routing and auth', () => {
  it('answers getMe like the docs sample', async () => {
    const fake = await start();
    const reply = await call(fake, 'getMe');
    expect(reply.status).toBe(200);
    expect(skeleton(reply.body)).toEqual(skeleton(fixture('outgoing/get-me-ok.json')));
    expect(reply.body.result).toMatchObject({ id: '1234567890', can_join_groups: false, account_type: 'BASIC' });
  });

  it('refuses an unknown token (401) and an unknown or wrongly cased method (404)', async () => {
    const fake = await start();
    const unauthorized = await call(fake, 'getMe', {}, { token: '1:wrong' });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual(fixture('outgoing/error-401-unauthorized.json'));
    expect((await call(fake, 'sendmessage', { chat_id: 'a', text: 'b' })).body).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    expect(fake.calls.map((c) => [c.method, c.status])).toEqual([
      ['getMe', 401],
      ['sendmessage', 404],
    ]);
  });
});

describe('getUpdates', () => {
  it('returns one update object per call, not an array', async () => {
    const fake = await start();
    const first = fake.textMessage({ chatId: '6ede9afa66b88fe6d6a9', text: 'một' });
    const second = fake.textMessage({ chatId: '6ede9afa66b88fe6d6a9', text: 'hai' });
    expect((await call(fake, 'getUpdates', { timeout: '30' })).body).toEqual({ ok: true, result: first });
    expect((await call(fake, 'getUpdates', { timeout: 30 })).body).toEqual({ ok: true, result: second });
    expect(first.message!.message_id).toMatch(/^[0-9a-f]{20}$/);
    expect(first.message!.message_id).not.toBe(second.message!.message_id);
  });

  it('holds the poll until an update arrives', async () => {
    const fake = await start();
    const poll = call(fake, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 50));
    const update = fake.textMessage({ chatId: 'c1', text: 'xin chào' });
    expect((await poll).body).toEqual({ ok: true, result: update });
  });

  it('ends an empty poll with 408 Request timeout after the timeout', async () => {
    const fake = await start();
    const started = Date.now();
    const reply = await call(fake, 'getUpdates', { timeout: '0.2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(reply.status).toBe(408);
    expect(reply.body).toEqual(fixture('outgoing/get-updates-timeout-408.json'));

    const lenient = await start({ errorHttpStatus: 200 });
    const same = await call(lenient, 'getUpdates', { timeout: 0 });
    expect(same.status).toBe(200);
    expect(same.body).toEqual(fixture('outgoing/get-updates-timeout-408.json'));
  });

  it('does not lose an update when a polling client went away', async () => {
    const fake = await start();
    const controller = new AbortController();
    const aborted = call(fake, 'getUpdates', { timeout: 5 }, { signal: controller.signal }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 30));
    controller.abort();
    await aborted;
    await new Promise((r) => setTimeout(r, 20));
    const update = fake.textMessage({ chatId: 'c1', text: 'vẫn còn' });
    expect((await call(fake, 'getUpdates', { timeout: 0 })).body.result).toEqual(update);
  });
});

describe('update helpers match the fixtures', () => {
  it('builds text, image, sticker and unsupported updates in the documented shape', async () => {
    let clock = 1_763_884_800_123;
    const fake = await start({ now: () => clock });
    const text = fake.textMessage({ chatId: '6ede9afa66b88fe6d6a9', text: 'Xin chào' });
    expect(skeleton(text)).toEqual(skeleton(fixture('incoming/text-private.json').result));
    expect(text.message!.date).toBe(clock); // milliseconds
    expect(text.message!.from.id).toBe('6ede9afa66b88fe6d6a9');
    clock += 1;
    const group = fake.textMessage({ chatId: '9c1f3b2a7d4e5f608172', chatType: 'GROUP', from: { id: 'u2', name: 'Lò Thị Hoa' }, text: 'hỏi' });
    expect(skeleton(group)).toEqual(skeleton(fixture('incoming/text-group.json').result));
    expect(group.message!.chat).toEqual({ id: '9c1f3b2a7d4e5f608172', chat_type: 'GROUP' });
    expect(fake.textMessage({ chatId: '9c1f3b2a7d4e5f608172', text: 'lần hai' }).message!.chat.chat_type).toBe('GROUP');
    expect(skeleton(fake.imageMessage({ chatId: 'c1', caption: 'Ảnh buổi họp' }))).toEqual(skeleton(fixture('incoming/image-received.json').result));
    expect(skeleton(fake.stickerMessage({ chatId: 'c1' }))).toEqual(skeleton(fixture('incoming/sticker-received.json').result));
    expect(skeleton(fake.unsupportedMessage({ chatId: 'c1' }))).toEqual(skeleton(fixture('incoming/unsupported-received.json').result));
  });

  it('puts the name in first_name with payloadVariant first_name', async () => {
    const fake = await start({ payloadVariant: 'first_name' });
    const update = fake.textMessage({ chatId: 'e4ea2cd5189df1c3a88c', from: { name: 'Nguyen Van A' }, text: 'Xin chào' });
    expect(update.message!.from).toEqual({ id: 'e4ea2cd5189df1c3a88c', first_name: 'Nguyen Van A', is_bot: false });
    expect(fixture('incoming/text-private-first-name-variant.json').result.message.from.first_name).toBe('Nguyen Van A');
  });
});

describe('sending', () => {
  it('sends text of 1 to 2000 characters and answers message_id and date (ms)', async () => {
    const clock = 1_749_632_637_199;
    const fake = await start({ now: () => clock });
    const sent = await call(fake, 'sendMessage', { chat_id: 'c1', text: 'Chào chị' });
    expect(skeleton(sent.body)).toEqual(skeleton(fixture('outgoing/send-message-ok.json')));
    expect(sent.body.result.date).toBe(clock);
    expect((await call(fake, 'sendMessage', { chat_id: 'c1', text: 'x'.repeat(2000) })).status).toBe(200);

    for (const text of ['', 'x'.repeat(2001)]) {
      const refused = await call(fake, 'sendMessage', { chat_id: 'c1', text });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(fixture('outgoing/error-400-text-length.json'));
    }
    expect((await call(fake, 'sendMessage', { text: 'x' })).body).toEqual({ ok: false, error_code: 400, description: 'Bad Request: chat_id is required' });
    expect(fake.sentTo('c1').map((s) => s.messageId)).toEqual([sent.body.result.message_id, expect.stringMatching(/^[0-9a-f]{20}$/)]);
  });

  it('sends photos (URL) and stickers, and chat actions answer { ok: true }', async () => {
    const fake = await start();
    const photo = await call(fake, 'sendPhoto', { chat_id: 'c1', photo: 'https://placehold.co/600x400', caption: 'Ảnh' });
    expect(skeleton(photo.body)).toEqual(skeleton(fixture('outgoing/send-message-ok.json')));
    expect((await call(fake, 'sendPhoto', { chat_id: 'c1', photo: 'not a url' })).status).toBe(400);
    expect((await call(fake, 'sendPhoto', { chat_id: 'c1', photo: 'https://placehold.co/1', caption: 'c'.repeat(2001) })).status).toBe(400);
    expect((await call(fake, 'sendSticker', { chat_id: 'c1', sticker: '0e078a2fb66a5f34067b' })).status).toBe(200);
    expect(fake.sent.map((s) => [s.method, s.text, s.photo ?? s.sticker])).toEqual([
      ['sendPhoto', 'Ảnh', 'https://placehold.co/600x400'],
      ['sendSticker', '', '0e078a2fb66a5f34067b'],
    ]);
    const action = await call(fake, 'sendChatAction', { chat_id: 'c1', action: 'typing' });
    expect(action.body).toEqual(fixture('outgoing/send-chat-action-ok.json'));
    expect((await call(fake, 'sendChatAction', { chat_id: 'c1', action: 'dancing' })).status).toBe(400);
  });
});

describe('webhook', () => {
  it('checks the secret length (8-256) and reports url and updated_at', async () => {
    let clock = 1_749_538_250_568;
    const fake = await start({ now: () => clock });
    expect((await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: '1234567' })).status).toBe(400);
    expect((await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: 'x'.repeat(257) })).status).toBe(400);
    expect((await call(fake, 'setWebhook', { url: 'not a url', secret_token: '12345678' })).status).toBe(400);
    expect((await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: 'x'.repeat(256) })).status).toBe(200);
    const set = await call(fake, 'setWebhook', { url: 'https://example.org/h', secret_token: '12345678' });
    expect(set.body).toEqual({ ok: true, result: { url: 'https://example.org/h', updated_at: clock } });
    expect(skeleton(set.body)).toEqual(skeleton(fixture('outgoing/set-webhook-ok.json')));
    expect(skeleton((await call(fake, 'getWebhookInfo')).body)).toEqual(skeleton(fixture('outgoing/get-webhook-info-ok.json')));
    expect((await call(fake, 'getUpdates', { timeout: 0 })).status).toBe(409);
    clock += 1000;
    const deleted = await call(fake, 'deleteWebhook');
    expect(deleted.body).toEqual({ ok: true, result: { url: '', updated_at: clock } });
    expect(skeleton(deleted.body)).toEqual(skeleton(fixture('outgoing/delete-webhook-ok.json')));
  });

  it('delivers the documented body with X-Bot-Api-Secret-Token and re-sends on non-2xx', async () => {
    const receiver = await startReceiver((i) => (i === 0 ? 500 : 200));
    const fake = await start({ webhookRetryDelayMs: 20 });
    try {
      await call(fake, 'setWebhook', { url: receiver.url, secret_token: 'loaban-secret' });
      const update = fake.textMessage({ chatId: 'c1', text: 'Xin chào' });
      await vi.waitFor(() => expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([500, 200]));
      expect(receiver.requests).toHaveLength(2);
      for (const request of receiver.requests) {
        expect(request.headers['x-bot-api-secret-token']).toBe('loaban-secret');
        expect(request.headers['content-type']).toBe('application/json');
        expect(JSON.parse(request.body)).toEqual({ ok: true, result: update });
      }
      expect(fake.webhookDeliveries.every((d) => d.messageId === update.message!.message_id)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('can deliver the flat body, and queued updates go to a newly set webhook', async () => {
    const receiver = await startReceiver(() => 200);
    const fake = await start({ webhookEnvelope: 'flat' });
    try {
      const queued = fake.textMessage({ chatId: 'c1', text: 'đã chờ' });
      await call(fake, 'setWebhook', { url: receiver.url, secret_token: 'loaban-secret' });
      await vi.waitFor(() => expect(receiver.requests).toHaveLength(1));
      expect(JSON.parse(receiver.requests[0]!.body)).toEqual(queued);
      expect(skeleton(queued)).toEqual(skeleton(fixture('incoming/text-private-webhook-flat.json')));
    } finally {
      await receiver.close();
    }
  });

  it('posts arbitrary bodies and headers with postToWebhook', async () => {
    const receiver = await startReceiver(() => 200);
    const fake = await start();
    try {
      await expect(fake.postToWebhook('{}')).rejects.toThrow('no webhook is set');
      await call(fake, 'setWebhook', { url: receiver.url, secret_token: 'loaban-secret' });
      await fake.postToWebhook('{"broken":', { 'x-bot-api-secret-token': 'wrong-secret' });
      await fake.postToWebhook({ ok: true }, { 'x-bot-api-secret-token': undefined });
      expect(receiver.requests.map((r) => [r.headers['x-bot-api-secret-token'], r.body])).toEqual([
        ['wrong-secret', '{"broken":'],
        [undefined, '{"ok":true}'],
      ]);
      expect(fake.webhookDeliveries.map((d) => d.manual)).toEqual([true, true]);
    } finally {
      await receiver.close();
    }
  });
});

describe('faults and limits', () => {
  it('answers every fault kind', async () => {
    const fake = await start();
    const send = (chatId = 'c1'): Promise<Reply> => call(fake, 'sendMessage', { chat_id: chatId, text: 'x' });

    fake.failNext('sendMessage', { kind: 'retryAfter' });
    const throttled = await send();
    expect(throttled.status).toBe(429);
    expect(throttled.body).toEqual(fixture('outgoing/error-429-too-many-requests.json'));
    expect(throttled.headers.get('retry-after')).toBeNull(); // no retry hint: Zalo documents none

    fake.failNext('sendMessage', { kind: 'blocked' });
    expect(await send()).toMatchObject({ status: 403, body: fixture('outgoing/error-403-blocked.json') });
    fake.failNext('sendMessage', { kind: 'serverError' });
    expect(await send()).toMatchObject({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } });
    fake.failNext('sendMessage', { kind: 'serverError', status: 502 });
    const gateway = await send();
    expect(gateway.status).toBe(502);
    expect(gateway.body).toContain('502 Bad Gateway');

    fake.failNext('sendMessage', { kind: 'slow', ms: 150 });
    const started = Date.now();
    expect((await send()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    fake.failNext('sendMessage', { kind: 'drop' });
    await expect(send()).rejects.toThrow();

    fake.failChat('blocked-chat', { kind: 'blocked' });
    expect((await send('blocked-chat')).status).toBe(403);
    expect((await call(fake, 'sendChatAction', { chat_id: 'blocked-chat', action: 'typing' })).status).toBe(403);
    expect((await send()).status).toBe(200);
    fake.clearFaults();
    expect((await send('blocked-chat')).status).toBe(200);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 403, 500, 502, 200, 0, 403, 403, 200, 200]);
  });

  it('has no rate limit by default, and enforces configured ones', async () => {
    const fake = await start({ now: () => 0 });
    for (let i = 0; i < 50; i += 1) expect((await call(fake, 'sendMessage', { chat_id: 'c1', text: 'x' })).status).toBe(200);
    expect(fake.stats).toEqual({ sends: 50, throttled: 0, maxInAnyGlobalWindow: 50 });

    let clock = 0;
    const limited = await start({ limits: { perChatPerSecond: 1, globalPerSecond: 3 }, now: () => clock });
    expect((await call(limited, 'sendMessage', { chat_id: 'c1', text: 'x' })).status).toBe(200);
    const refused = await call(limited, 'sendMessage', { chat_id: 'c1', text: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(fixture('outgoing/error-429-too-many-requests.json'));
    expect((await call(limited, 'sendMessage', { chat_id: 'c2', text: 'x' })).status).toBe(200);
    expect((await call(limited, 'sendMessage', { chat_id: 'c3', text: 'x' })).status).toBe(200);
    expect((await call(limited, 'sendMessage', { chat_id: 'c4', text: 'x' })).status).toBe(429);
    clock = 1000;
    expect((await call(limited, 'sendMessage', { chat_id: 'c1', text: 'x' })).status).toBe(200);
    expect(limited.stats).toEqual({ sends: 4, throttled: 2, maxInAnyGlobalWindow: 3 });
  });
});

describe('closing', () => {
  it('closes promptly with polls and a slow call pending', async () => {
    const fake = await startFakeZalo();
    const polls = [call(fake, 'getUpdates', { timeout: 30 }), call(fake, 'getUpdates', { timeout: 30 })].map((p) =>
      p.catch((e: unknown) => e),
    );
    fake.failNext('sendMessage', { kind: 'slow', ms: 30_000 });
    const slow = call(fake, 'sendMessage', { chat_id: 'c1', text: 'x' }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await fake.close();
    await Promise.all([...polls, slow]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
