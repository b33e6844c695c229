/**
 * Loa Bản tried as an attacker would, on loopback: secrets that must not leave, a sandbox that
 * must stay a demo, messages that must not break a reply, limits that must hold under concurrency
 * and against slow clients. Each case says what is sent, what is answered and what is (not) written.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent, OutboundMessage } from '../../src/channels/channel.ts';
import { registerSandboxRoutes } from '../../src/channels/sandbox/routes.ts';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { TelegramChannel } from '../../src/channels/telegram/telegram.ts';
import { registerWebhook } from '../../src/channels/webhook.ts';
import { errorForCode } from '../../src/channels/zalo/errors.ts';
import { PersonBudget } from '../../src/bot/budget.ts';
import { createInboundHandler, maxUpdateFailures } from '../../src/bot/inbound.ts';
import { pacedChannel } from '../../src/features/delivery/service.ts';
import { redeemInvite, createInvite } from '../../src/features/subscriptions/invites.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { pruneOld } from '../../src/housekeeping.ts';
import { createHttpServer } from '../../src/core/http/server.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { keepSecret, redactText } from '../../src/core/redact.ts';
import { csvWithBom } from '../../src/features/reporting/export.ts';
import { lookupJoinCode } from '../../src/features/subscriptions/join-codes.ts';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';
import { browser, csrfOf, dashboard } from '../support/admin.ts';
import { sandboxHarness, villager, villagerChat, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends, freshStore } from '../support/stores.ts';
import { chatDeps, shippedFaq } from '../support/inbound.ts';

/** A logger whose lines are kept in `lines`. */
function capturedLogger(level = 'debug') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger(level, false, destination), lines };
}

describe('secrets never leave', () => {
  it('a gateway\'s HTML page below 500: the bot token is in no stored reason and no log line', async () => {
    const fake = await startFakeTelegram({ limits: false, token: `987654321:${randomBytes(24).toString('base64url')}` });
    const { log, lines } = capturedLogger();
    const http = Fastify();
    const channel = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http, log, requestTimeoutMs: 2000, retryStartMs: 50 });
    try {
      fake.failNext('sendMessage', { kind: 'gatewayPage', status: 403 });
      const result = await channel.send({ chatId: '42' }, { text: 'xin chào' });
      expect(result.ok).toBe(false);
      const reason = result.ok ? '' : result.error.reason;
      expect(reason).not.toContain(fake.token.split(':')[1]!);
      log.error({ err: new Error(`invalid json response body at ${fake.apiRoot}/bot${fake.token}/sendMessage`), reason }, `send failed: ${fake.apiRoot}/bot${fake.token}/x`);
      const written = lines.join('');
      expect(written).toContain('send failed');
      expect(written).not.toContain(fake.token.split(':')[1]!);
    } finally {
      await channel.stop();
      await fake.close();
    }
  });

  it('configured secrets, database passwords and login links are hidden wherever they appear', () => {
    const secret = `whsec-${randomBytes(12).toString('hex')}`;
    keepSecret(secret);
    const text = `header ${secret}; postgresql://loaban:Pa55-word@db:5432/x; GET /admin/login/${'A'.repeat(43)}; https://bot-api.zaloplatforms.com/bot1234:zalo-secret-xyz/sendMessage`;
    const out = redactText(text);
    for (const leaked of [secret, 'Pa55-word', 'A'.repeat(43), 'zalo-secret-xyz']) expect(out).not.toContain(leaked);
    expect(errorForCode(400, `echo ${secret}`, 0).reason).not.toContain(secret);
  });

  it('LOG_LEVEL=debug: the request line of a login link holds no token', async () => {
    const { log, lines } = capturedLogger('debug');
    const http = createHttpServer(log);
    http.get('/admin/login/:token', async () => 'ok');
    await http.ready();
    const token = randomBytes(32).toString('base64url');
    await http.inject({ method: 'GET', url: `/admin/login/${token}` });
    await http.close();
    expect(lines.join('')).toContain('/admin/login/');
    expect(lines.join('')).not.toContain(token);
  });
});

describe('the sandbox is a demo only', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness('pglite');
  });
  afterAll(() => h?.close());

  it('answers only at an address, localhost or PUBLIC_URL\'s name (no DNS rebinding)', async () => {
    const http = Fastify();
    registerSandboxRoutes(http, { db: h.store.prisma, channel: new SandboxChannel(), publicUrl: 'https://tap-huan.example.vn' });
    await http.ready();
    const status = async (host: string) => (await http.inject({ method: 'GET', url: '/sandbox', headers: { host } })).statusCode;
    expect(await status('attacker.example')).toBe(403);
    expect(await status('attacker.example:3000')).toBe(403);
    expect(await status('localhost:3000')).toBe(200);
    expect(await status('127.0.0.1:3000')).toBe(200);
    expect(await status('[::1]:3000')).toBe(200);
    expect(await status('tap-huan.example.vn')).toBe(200);
    await http.close();
  });

  it('its admin login signs in demo admins of demo areas only', async () => {
    const db = h.store.prisma;
    const real = await db.area.create({ data: { code: 'real-province', name: 'Tỉnh Thật', level: 'province', path: '/tmp/', isDemo: false } });
    await db.area.update({ where: { id: real.id }, data: { path: `/${real.id}/` } });
    const person = await db.person.create({ data: { platform: 'sandbox', platformUserId: 'real-admin', displayName: 'Real Admin' } });
    await db.adminGrant.create({ data: { personId: person.id, areaId: real.id, level: 'province' } });
    const http = await dashboard(db, { sandbox: true });
    const b = browser(http);
    const page = await b.get('/admin/login');
    expect(page.body).not.toContain('Real Admin');
    const res = await b.post('/admin/sandbox-login', { _csrf: csrfOf(page.body), personId: String(person.id) });
    expect(res.statusCode).toBe(400);
    expect(await db.adminSession.count({ where: { personId: person.id } })).toBe(0);
    await http.close();
  });
});

describe('no message breaks a reply', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness('pglite');
  });
  afterAll(() => h?.close());

  it('a question with NUL, control and right-to-left override characters the FAQ cannot answer: answered, kept clean', async () => {
    const [answer] = await h.say('gi\u0000á ph\u0007ân b\u202Eón năm nay\u200B tăng không');
    expect(answer).toContain('chưa có câu trả lời');
    const kept = await h.store.prisma.unansweredQuestion.findFirst({ orderBy: { id: 'desc' } });
    expect(kept?.text).toBe('giá phân bón năm nay tăng không');
  });

  it.each([
    ['empty', ''],
    ['4,000 characters', 'a'.repeat(4000)],
    ['8,000 characters (cut to 4,096)', 'tảo hôn là gì '.repeat(600)],
    ['emoji', '😀🙏❤️'],
    ['zero-width only', '\u200B\u200B'],
    ['mixed scripts', 'Привет 你好 مرحبا tảo hôn'],
  ])('%s: a reply or a quiet pass, never a crash', async (_name, text) => {
    await expect(h.say(text)).resolves.toBeDefined();
  });

  it(`a handler that throws: one short apology, retried by the platform, acknowledged after ${maxUpdateFailures} failures`, async () => {
    const db = h.store.prisma;
    const faq = shippedFaq();
    const broken = { ...faq, knowledge: { ...faq.knowledge, safety: { ...faq.knowledge.safety, detect: () => { throw new Error('detector broke'); } } } };
    const sent: OutboundMessage[] = [];
    const channel = { platform: 'sandbox', maxTextLength: 4096, start: async () => {}, stop: async () => {}, send: async (_t: unknown, m: OutboundMessage) => (sent.push(m), { ok: true as const, messageIds: ['1'] }) };
    const { log, lines } = capturedLogger('info');
    const handle = createInboundHandler({ ...chatDeps(), db, log, channel: channel as never, faq: broken as never });
    const event: InboundEvent = { type: 'message', platform: 'sandbox', updateId: `u-${randomBytes(4).toString('hex')}`, chat: villagerChat, sender: villager, text: 'tảo hôn là gì', at: new Date() };
    await expect(handle(event)).rejects.toThrow('detector broke');
    await expect(handle(event)).rejects.toThrow('detector broke');
    await expect(handle(event)).resolves.toBeUndefined();
    await handle(event); // a fourth re-send: already handled
    expect(sent.map((m) => m.text)).toEqual([expect.stringContaining('Xin lỗi, Loa Bản đang gặp trục trặc')]);
    const row = await db.processedUpdate.findUniqueOrThrow({ where: { platform_updateId: { platform: 'sandbox', updateId: event.updateId } } });
    expect(row).toMatchObject({ failures: maxUpdateFailures, claimed: true });
    expect(lines.filter((l) => l.includes('update not handled'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('acknowledged and left'))).toHaveLength(1);
  });
});

describe('exports', () => {
  it('a CSV cell a spreadsheet could run is neutralised wherever the trigger is, after a separator too', () => {
    const csv = csvWithBom([['note'], ["x;=cmd|' /C calc'!A0"], ['=1+1'], ['a,-2'], ['b\t@SUM(A1)'], ['- 3 người vắng']]);
    const cells = csv.slice(1).trim().split('\n').slice(1);
    expect(cells).toEqual(["x;'=cmd|' /C calc'!A0", "'=1+1", '"a,\'-2"', "b\t'@SUM(A1)", "'- 3 người vắng"]);
  });
});

describe('http limits', () => {
  it('a body sent one byte at a time is cut off; an idle connection is closed', async () => {
    const http = createHttpServer(createLogger('silent', false), { requestTimeoutMs: 800, keepAliveTimeoutMs: 500 });
    http.post('/webhooks/x', async () => ({ ok: true }));
    await http.listen({ host: '127.0.0.1', port: 0 });
    const port = (http.server.address() as { port: number }).port;
    const closedAfter = () =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('POST /webhooks/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
          const drip = setInterval(() => socket.write(' '), 200);
          socket.on('close', () => (clearInterval(drip), resolve(Date.now() - started)));
        });
        socket.on('error', () => {});
      });
    const times = await Promise.all(Array.from({ length: 5 }, closedAfter));
    for (const ms of times) expect(ms).toBeLessThan(5000);
    await http.close();
  });

  it('wrong webhook secrets from one address are answered ever more slowly', async () => {
    const http = Fastify();
    registerWebhook(http, { path: '/hook', secretHeader: 'x-secret', secret: 's'.repeat(16), log: createLogger('silent', false), handle: async () => true });
    await http.ready();
    const timed = async () => {
      const started = Date.now();
      const res = await http.inject({ method: 'POST', url: '/hook', headers: { 'x-secret': 'guess' }, payload: '{}' });
      expect(res.statusCode).toBe(401);
      return Date.now() - started;
    };
    for (let i = 0; i < 5; i++) expect(await timed()).toBeLessThan(200);
    const slowed = [await timed(), await timed(), await timed()];
    expect(slowed[2]!).toBeGreaterThanOrEqual(900);
    await http.close();
  }, 20_000);
});

describe.each(backends)('limits that hold under concurrency (%s)', (backend) => {
  it('40 invite and 40 join-code guesses at once from one chat: checked five times at most', async () => {
    const store = await freshStore(backend);
    try {
      await seedDemo(store.prisma, readDemoData(defaultContentDir));
      const group = await store.prisma.communicationGroup.findFirstOrThrow();
      await createInvite(store.prisma, { groupId: group.id, role: 'leader', ttlDays: 14, createdBy: 'test' });
      const who = { platform: 'telegram', chat: { id: '777', kind: 'private' as const }, sender: { id: '777', displayName: 'Kẻ đoán mò' } };
      const invites = await Promise.all(Array.from({ length: 40 }, (_, i) => redeemInvite(store.prisma, `ZZZZ-${String(1000 + i).slice(-4)}`, who)));
      expect(invites.filter((r) => !r.ok && r.reason !== 'tooManyTries')).toHaveLength(5);
      expect(await store.prisma.auditLog.count({ where: { action: 'invite.wrong' } })).toBe(5);
      const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => lookupJoinCode(store.prisma, `WRONG${i}`, 'telegram:777')));
      expect(codes.filter((c) => c.kind !== 'tooManyTries')).toHaveLength(5);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('housekeeping', () => {
  it('processed updates older than a week, ended sessions and long-expired unused codes are pruned; recent ones stay', async () => {
    const store = await freshStore('pglite');
    try {
      const db = store.prisma;
      const now = new Date('2026-12-03T03:20:00Z');
      const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
      await db.processedUpdate.createMany({ data: [{ platform: 'telegram', updateId: 'old', processedAt: daysAgo(8) }, { platform: 'telegram', updateId: 'new', processedAt: daysAgo(1) }] });
      const pruned = await pruneOld(db, now);
      expect(pruned.updates).toBe(1);
      expect((await db.processedUpdate.findMany()).map((u) => u.updateId)).toEqual(['new']);
    } finally {
      await store.close();
    }
  });
});

describe('one person cannot crowd out the rest', () => {
  it('a flood of 2,000 messages from one person: the other person gets her answer within 2 s, the flood gets a notice, nothing goes above Telegram\'s limits', async () => {
    const store = await freshStore('pglite');
    const fake = await startFakeTelegram({ limits: {} });
    const http = Fastify();
    const log = createLogger('silent', false);
    const telegram = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http, log, requestTimeoutMs: 5000, retryStartMs: 50 });
    const rates = { telegram: { perSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 1 }, zalo: { perSecond: 10, perGroupPerMinute: null, perChatPerSecond: 1 }, sandbox: { perSecond: 1000, perGroupPerMinute: null, perChatPerSecond: 100 } };
    const channel = pacedChannel(telegram, store.prisma, { delivery: { rates, graceMinutes: 0, maxAttempts: 3, concurrency: 4 } }, log);
    const handle = createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel, personBudget: new PersonBudget(5) });
    try {
      const flooder = { id: '5001', displayName: 'Người gửi dồn dập' };
      const other = { id: '5002', displayName: 'Chị hỏi' };
      const message = (who: typeof flooder, n: number, text: string): InboundEvent => ({ type: 'message', platform: 'telegram', updateId: `${who.id}-${n}`, chat: { id: who.id, kind: 'private' }, sender: who, text, at: new Date() });
      // Forty at a time, as a webhook with forty connections would hand them over.
      const flood = (async () => {
        for (let i = 0; i < 2000; i += 40) await Promise.all(Array.from({ length: 40 }, (_, j) => handle(message(flooder, i + j, `tảo hôn là gì ${i + j}`))));
      })();
      await new Promise((r) => setTimeout(r, 50));
      const asked = Date.now();
      await handle(message(other, 1, 'tảo hôn là gì'));
      expect(fake.sentTo('5002').map((m) => m.text)).toEqual([expect.stringMatching(/Tảo hôn là/)]);
      expect(Date.now() - asked).toBeLessThan(2000);
      await flood;
      const toFlooder = fake.sentTo('5001').map((m) => m.text);
      expect(toFlooder.filter((t) => t.includes('gửi nhiều tin quá nhanh'))).toHaveLength(1);
      expect(toFlooder.length).toBeLessThanOrEqual(6);
      // Nothing went out above a limit: a second apart into one chat, at most 30 a second in all (a refused try was sent again, not lost).
      const times = fake.sentTo('5001').map((m) => m.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
      expect(fake.stats.maxInAnyGlobalWindow).toBeLessThanOrEqual(30);
      expect(await store.prisma.processedUpdate.count()).toBeLessThanOrEqual(6);
      // A sign of danger is answered, whatever the budget says.
      await handle(message(flooder, 9999, 'cứu em với, chồng em đang đánh em'));
      expect(fake.sentTo('5001').at(-1)?.text).toMatch(/^Bạn đang bị đánh/);
      // The same unanswered question is kept once.
      expect(await store.prisma.unansweredQuestion.count()).toBeLessThanOrEqual(1);
    } finally {
      await telegram.stop();
      await fake.close();
      await store.close();
    }
  }, 60_000);
});
