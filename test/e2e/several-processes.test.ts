/**
 * Several `loaban start` and `loaban dispatch` processes on one PostgreSQL database, as a province
 * runs them: webhooks and the dashboard behind a load balancer reaching any `start`, extra
 * `dispatch` processes sending. One of each is killed with SIGKILL in the middle of a broadcast
 * and of the report reminders, and every chat still gets each message once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { projectRoot, defaultContentDir } from '../../src/core/paths.ts';
import { openStore, type Store } from '../../src/core/store/store.ts';
import { actorOf, createLoginLink } from '../../src/features/admin/auth.ts';
import { addSchedule } from '../../src/features/delivery/schedules.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/index.ts';
import { queueReportReminders } from '../../src/features/reporting/reminders.ts';
import { reasons } from '../../src/features/delivery/reasons.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';
import { startCli, type Running } from '../support/cli.ts';
import { backends, createPostgresDatabase } from '../support/stores.ts';

const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const secret = 'several-processes-secret';
const timeZone = 'Asia/Ho_Chi_Minh';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

/** A round-robin load balancer in front of the `start` processes; a backend that refuses the connection is passed over. */
async function loadBalancer(servers: () => string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const live = servers();
      const attempt = (tries: number) => {
        const target = new URL(req.url ?? '/', live[next++ % live.length]);
        const forward = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        forward.on('error', () => (tries > 1 ? attempt(tries - 1) : res.writeHead(502).end()));
        forward.end(body);
      };
      attempt(live.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `loaban dispatch`, resolved once it says it started. */
function startDispatch(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'src/bin/loaban.js'), 'dispatch'], { cwd: projectRoot, env: { ...process.env, LOG_LEVEL: 'info', ...env } });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`loaban dispatch did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d;
      if (/"platforms":\d/.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`loaban dispatch exited with ${code}:\n${output}`))));
  });
}

const children: ChildProcess[] = [];
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});

interface Chats {
  store: Store;
  broadcastChats: string[];
  leaderChats: string[];
  minuteChats: string[];
  groupIds: number[];
}

/** The demo province plus 600 villagers following privately, a leader per group, on a new PostgreSQL database. */
async function province(url: string): Promise<Chats> {
  const store = await openStore({ databaseUrl: url, dataDir: '' });
  closers.push(() => store.close());
  const db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  const groups = (await db.communicationGroup.findMany({ orderBy: { id: 'asc' }, select: { id: true } })).map((g) => g.id);
  expect(groups.length).toBeGreaterThanOrEqual(4);
  const broadcastChats: string[] = [];
  const leaderChats: string[] = [];
  const minuteChats: string[] = [];
  const follow = async (chatIds: string[], groupOf: (i: number) => number, role: string) => {
    const people = await db.person.createManyAndReturn({ data: chatIds.map((chatId) => ({ platform: 'telegram', platformUserId: chatId, displayName: `Người ${chatId}` })), select: { id: true, platformUserId: true } });
    await db.membership.createMany({ data: people.map((p, i) => ({ personId: p.id, groupId: groupOf(i), role })) });
    await db.chatLink.createMany({ data: people.map((p, i) => ({ platform: 'telegram', chatId: p.platformUserId, kind: 'private', personId: p.id, groupId: groupOf(i) })) });
  };
  broadcastChats.push(...Array.from({ length: 600 }, (_, i) => String(700_000 + i)));
  await follow(broadcastChats, (i) => groups[i % 3]!, 'member');
  leaderChats.push('800000', '800001', '800002');
  await follow(leaderChats, (i) => groups[i]!, 'leader');
  minuteChats.push('900000', '900001', '900002');
  await follow(minuteChats, () => groups[3]!, 'member');
  return { store, broadcastChats, leaderChats, minuteChats, groupIds: groups };
}

function environment(databaseUrl: string, telegram: FakeTelegram, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: databaseUrl, TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: telegram.apiRoot, QUIET_HOURS: 'off', TZ_AREA: timeZone, ...extra };
}

/** The texts each chat received, counted. */
function received(telegram: FakeTelegram, chatId: string, text: RegExp): number {
  return telegram.sentTo(chatId).filter((s) => text.test(s.text)).length;
}

/** The cookies a response sets, as a Cookie header merged into `jar`. */
function keep(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    jar.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

describe.runIf(backends.includes('postgres'))('several processes on one PostgreSQL', () => {
  it('3 start + 2 dispatch, one of each killed mid-way: every chat gets the broadcast, its reminder and each minute\'s message once; an update sent to two processes is handled once; a login begun on one works on the others', async () => {
    const database = await createPostgresDatabase();
    closers.push(() => database.drop());
    const telegram = await startFakeTelegram({ token });
    closers.push(() => telegram.close());
    const chats = await province(database.url);
    const db = chats.store.prisma;
    const now = new Date();

    // Reminders for a past quarter's end, queued by three processes at once: one per group.
    const reminderAt = new Date('2026-09-25T03:00:00Z');
    const others = await Promise.all([1, 2].map(() => openStore({ databaseUrl: database.url, dataDir: '' })));
    closers.push(() => Promise.all(others.map((s) => s.close())));
    const queued = await Promise.all([db, ...others.map((s) => s.prisma)].map((client) => queueReportReminders(client, { now: reminderAt, timeZone, platforms: ['telegram'] })));
    // (The demo's own leaders have no private chat to be reminded in; the three made here have.)
    expect(queued.flatMap((q) => q.broadcastIds).length).toBe(chats.leaderChats.length);

    // A message due at once to 600 villagers, and one every minute to a small group.
    const deps = { db, library: loadCampaigns(defaultContentDir), timeZone, platforms: ['telegram'], textLimit: 4096 };
    await addSchedule(deps, { what: { text: 'Tin lớn: họp tổ truyền thông tối thứ Sáu.' }, when: { at: new Date(now.getTime() + 1500) }, audience: { groupIds: chats.groupIds.slice(0, 3) } }, now);
    await addSchedule(deps, { what: { text: 'Tin mỗi phút cho tổ nhỏ.' }, when: { cron: '* * * * *' }, audience: { groupIds: [chats.groupIds[3]!] } }, now);
    await sleep(1600);

    const starts: Running[] = [];
    const lb = await loadBalancer(() => starts.filter((s) => s.child.exitCode === null && s.child.signalCode === null).map((s) => s.url));
    closers.push(() => lb.close());
    const env = environment(database.url, telegram, { TELEGRAM_RATE_PER_SECOND: '20', TELEGRAM_WEBHOOK_URL: `https://${new URL(lb.url).host}/webhooks/telegram`, TELEGRAM_WEBHOOK_SECRET: secret });
    const started = await Promise.all([startCli(env, 90_000), startCli(env, 90_000), startCli(env, 90_000), startDispatch(env), startDispatch(env)]);
    starts.push(...(started.slice(0, 3) as Running[]));
    const dispatches = started.slice(3) as Array<{ child: ChildProcess; output: () => string }>;
    children.push(...starts.map((s) => s.child), ...dispatches.map((d) => d.child));

    // Mid-way, all five running: hold Telegram's answers until every lane of every process waits on one, then kill.
    const big = /^Tin lớn/;
    const reached = () => chats.broadcastChats.filter((c) => received(telegram, c, big) > 0).length;
    const whenAllUp = reached();
    expect(whenAllUp, 'the broadcast is not half sent when all five processes are up').toBeLessThan(300);
    await until('more of the broadcast', reached, (n) => n >= whenAllUp + 40);
    telegram.hold('sendMessage');
    let last = -1;
    await until('every lane waiting', () => telegram.heldAnswers('sendMessage'), (n) => {
      const settled = n > 0 && n === last;
      last = n;
      return settled;
    });
    // Each of the two about to be killed is sending (its deliveries in flight, held by the fake Telegram).
    const killed = [starts[2]!.child.pid!, dispatches[0]!.child.pid!];
    for (const pid of killed) expect(await db.delivery.count({ where: { status: { in: ['leased', 'sending'] }, leasedBy: { contains: `:${pid}:` } } }), `process ${pid}`).toBeGreaterThan(0);
    // And each send they started has reached Telegram: a send killed before its request left is in
    // doubt and not sent again (no duplicates), so on a loaded machine, where one could still be on
    // its way when the held answers looked settled, this test would count it as never received.
    const startedByKilled = { status: 'sending', OR: killed.map((pid) => ({ leasedBy: { contains: `:${pid}:` } })) };
    await until(
      "the killed processes' sends at Telegram",
      async () =>
        (await db.delivery.findMany({ where: startedByKilled, select: { chatLink: { select: { chatId: true } }, broadcast: { select: { text: true } } } })).filter(
          ({ chatLink, broadcast }) => !telegram.sentTo(chatLink.chatId).some((sent) => broadcast.text === null || sent.text.startsWith(broadcast.text.slice(0, 20))),
        ),
      (missing) => missing.length === 0,
    );
    starts[2]!.child.kill('SIGKILL');
    dispatches[0]!.child.kill('SIGKILL');
    await sleep(300);
    telegram.release('sendMessage');

    const open = () => db.delivery.count({ where: { status: { in: ['queued', 'leased', 'sending'] } } });
    await until('the outbox to drain', open, (n) => n === 0, 90_000);

    // A chat that did not get it once, with its delivery as the outbox left it: what went wrong.
    const wrong = chats.broadcastChats.filter((chatId) => received(telegram, chatId, big) !== 1);
    const rows = await db.delivery.findMany({ where: { chatLink: { chatId: { in: wrong } }, broadcast: { text: { startsWith: 'Tin lớn' } } }, select: { status: true, lastError: true, leasedBy: true, chatLink: { select: { chatId: true } } } });
    expect(wrong.map((chatId) => ({ chatId, received: received(telegram, chatId, big), rows: rows.filter((r) => r.chatLink.chatId === chatId) }))).toEqual([]);
    for (const chatId of chats.leaderChats) expect(received(telegram, chatId, /Quý 3\/2026|quý 3/i), `leader ${chatId}`).toBe(1);
    const minuteRuns = await db.broadcast.findMany({ where: { schedule: { cron: '* * * * *' } }, select: { scheduledFor: true, status: true } });
    expect(new Set(minuteRuns.map((r) => r.scheduledFor.getTime())).size).toBe(minuteRuns.length);
    const minuteSent = minuteRuns.filter((r) => r.status !== 'skipped').length;
    for (const chatId of chats.minuteChats) expect(received(telegram, chatId, /^Tin mỗi phút/), `chat ${chatId}`).toBe(minuteSent);
    expect(await db.broadcast.count({ where: { text: { startsWith: 'Tin lớn' } } })).toBe(1);
    // Nothing lost: each delivery went, or was in flight when its process died (then it is recorded so, and it did arrive).
    const notSent = await db.delivery.findMany({ where: { status: { not: 'sent' } }, select: { status: true, failureKind: true, chatLink: { select: { chatId: true } } } });
    for (const row of notSent) {
      expect(row).toMatchObject({ status: 'failed', failureKind: reasons.inDoubt.kind });
      expect(telegram.sentTo(row.chatLink.chatId).length).toBeGreaterThan(0);
    }

    // One update, delivered to two processes (the platform re-sent it through the balancer): one answer.
    const update = (id: number) => ({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: 555_001, type: 'private', first_name: 'Lan' }, from: { id: 555_001, is_bot: false, first_name: 'Lan' }, text: 'số điện thoại đường dây nóng' } });
    const post = (base: string, body: unknown) => fetch(`${base}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(body) });
    expect((await post(starts[0]!.url, update(900_000_001))).status).toBe(200);
    const once = await until('the answer', () => telegram.sentTo(555_001).length, (n) => n > 0);
    await Promise.all([post(starts[0]!.url, update(900_000_002)), post(starts[1]!.url, update(900_000_002))]);
    await until('the second answer', () => telegram.sentTo(555_001).length, (n) => n >= 2 * once);
    await sleep(1500);
    expect(telegram.sentTo(555_001).length).toBe(2 * once);

    // A login link opened on one process, confirmed on another, the dashboard read on the third.
    const admin = await db.person.findFirstOrThrow({ where: { adminGrants: { some: {} } }, select: { id: true } });
    const link = await createLoginLink(db, await actorOf(db, admin.id));
    const jar = new Map<string, string>();
    const form = await fetch(`${starts[0]!.url}/admin/login/${link.token}`);
    keep(jar, form);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
    expect(csrf).toBeTruthy();
    const confirmed = await fetch(`${starts[1]!.url}/admin/login/${link.token}`, { method: 'POST', redirect: 'manual', headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf! }).toString() });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/admin');
    keep(jar, confirmed);
    const overview = await fetch(`${lb.url}/admin`, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
    expect(overview.status).toBe(200);
  }, 240_000);

  it('long polling runs in one process at a time; when it is killed another takes over', async () => {
    const database = await createPostgresDatabase();
    closers.push(() => database.drop());
    const telegram = await startFakeTelegram({ token });
    closers.push(() => telegram.close());
    const env = environment(database.url, telegram);
    const starts = await Promise.all([startCli(env, 90_000), startCli(env, 90_000)]);
    children.push(...starts.map((s) => s.child));
    const receiving = async (s: Running) => ((await (await fetch(`${s.url}/health/ready`)).json()) as { checks: { telegram: { receiving: string } } }).checks.telegram.receiving;
    const modes = await until('one poller', () => Promise.all(starts.map(receiving)), (m) => m.includes('polling'));
    await sleep(4000);
    expect((await Promise.all(starts.map(receiving))).sort()).toEqual(['polling', 'standby']);
    expect(telegram.calls.filter((c) => c.method === 'getUpdates' && c.status === 409)).toEqual([]);

    telegram.textMessage({ chatId: 555_002, text: 'đường dây nóng' });
    await until('an answer', () => telegram.sentTo(555_002).length, (n) => n > 0);

    const poller = starts[modes.indexOf('polling')]!;
    const standby = starts[modes.indexOf('standby') === -1 ? 1 - modes.indexOf('polling') : modes.indexOf('standby')]!;
    poller.child.kill('SIGKILL');
    await until('the other to poll', () => receiving(standby), (m) => m === 'polling', 30_000);
    const before = telegram.sentTo(555_002).length;
    telegram.textMessage({ chatId: 555_002, text: 'đường dây nóng' });
    await until('an answer from the other', () => telegram.sentTo(555_002).length, (n) => n > before);
  }, 150_000);
});
