/**
 * Inbound benchmark (`npm run bench:inbound [-- --updates N --concurrency C --users U]`): how many
 * messages a second `loaban start` answers behind its Telegram webhook, beside a bare telegraf
 * webhook bot (one fixed reply per message) on the same machine, against the same loopback fake
 * Bot API, under the same load: N updates (default 3,000) from U people (default 500) in private
 * chats, C POSTs in flight at once (default 32, as Telegram's max_connections), a mix of FAQ
 * questions (the labelled questions of test/fixtures/faq/questions.jsonl) and greetings. Each
 * POST is answered after the bot's reply reached the fake, so its round trip is the reply's latency.
 *
 * Runs: the bare bot; `loaban start` on the embedded database and on a new PostgreSQL database
 * (when the local server answers), unpaced (rate limits raised out of the way, the fake limits
 * off), each just after a run of the bare bot; and paced, as deployed (Telegram's 30 messages a
 * second, the fake enforcing them), with fewer updates. Each run prints a line on stderr; the last
 * line on stdout is one JSON object with updates a second, the ratio to the bare run beside it,
 * reply p50/p99 (ms), CPU ms per update, start seconds, RSS after the run and its peak (MB), the
 * targets of issue 17 and whether they were met (`met`), and the same targets as shares of the bare
 * bot the issue measured beside them (`metAsShares`, see `issueBare`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Telegraf } from 'telegraf';
import { projectRoot } from '../../src/core/paths.ts';
import { withScratchDatabase } from './scratch-postgres.ts';
import { startFakeTelegram, type FakeTelegram, type TgUpdate } from '../fakes/telegram-fake.ts';

const { values: args } = parseArgs({
  options: {
    updates: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '32' },
    users: { type: 'string', default: '500' },
    paced: { type: 'string', default: '300' },
    /** A folder: `loaban start` writes a CPU profile of each run there (node --cpu-prof). */
    profile: { type: 'string' },
    /** Extra node flags for `loaban start` (space-separated), to compare settings. */
    'node-flags': { type: 'string', default: '' },
  },
});
const total = Number(args.updates);
const concurrency = Number(args.concurrency);
const users = Number(args.users);
const pacedTotal = Number(args.paced);
const token = `123456:${randomBytes(16).toString('hex')}`;
const secret = randomBytes(16).toString('hex');
const bin = path.join(projectRoot, 'src', 'bin', 'loaban.js');

const questions = readFileSync(path.join(projectRoot, 'test/fixtures/faq/questions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { q: string; kind: string }))
  .filter((q) => q.kind === 'faq')
  .map((q) => q.q);
const greetings = ['xin chào', 'chào bạn', 'alo', 'hello'];

/** Update `i`: person i mod U; two in three are questions, one a greeting. */
function update(i: number, updateId: number): TgUpdate {
  const userId = 10_000 + (i % users);
  const text = i % 3 === 2 ? greetings[i % greetings.length]! : questions[i % questions.length]!;
  return {
    update_id: updateId,
    message: {
      message_id: i + 1,
      from: { id: userId, is_bot: false, first_name: 'Người dùng', last_name: String(userId) },
      chat: { id: userId, type: 'private', first_name: 'Người dùng', last_name: String(userId) },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  } as TgUpdate;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (x: number, d = 1) => Number(x.toFixed(d));

/** POSTs N updates to `url`, C at once; the updates/s between the first POST and the last answer, and each round trip. */
async function load(url: string, n: number, firstUpdateId: number): Promise<{ perSecond: number; p50: number; p99: number; failed: number }> {
  const times: number[] = [];
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const at = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update(i, firstUpdateId + i)),
      }).catch(() => null);
      if (!res || res.status !== 200) failed++;
      await res?.arrayBuffer().catch(() => {});
      times.push(performance.now() - at);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { perSecond: round(n / seconds), p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), failed };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** CPU time (user and system) the process `pid` has used, in ms: less noisy than updates a second on a shared machine. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime and stime, in clock ticks of 1/100 s
}

/** The bare telegraf webhook bot, in this process: one fixed reply per text message. */
async function bare(fake: FakeTelegram) {
  const bot = new Telegraf(token, { telegram: { apiRoot: fake.apiRoot, webhookReply: false } });
  bot.on('text', async (ctx) => void (await ctx.reply('Xin chào! Loa Bản đây.')));
  const handle = await bot.createWebhook({ domain: 'https://127.0.0.1', path: '/hook', secret_token: secret });
  const server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const result = await load(url, total, 1);
  await new Promise<void>((r) => server.close(() => r()));
  return result;
}

/** `loaban start` behind its webhook on the fake; the load; its memory; SIGTERM. */
async function loaban(fake: FakeTelegram, database: { DATA_DIR?: string; DATABASE_URL?: string }, paced: boolean, n: number) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...database,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_WEBHOOK_URL: `https://127.0.0.1:${port}/webhooks/telegram`,
    TELEGRAM_WEBHOOK_SECRET: secret,
    PERSON_MESSAGES_PER_MINUTE: '1000',
    ...(paced ? {} : { TELEGRAM_RATE_PER_SECOND: '1000', TELEGRAM_CHAT_RATE_PER_SECOND: '100' }),
  };
  const started = performance.now();
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  const flags = args['node-flags'].split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...flags, ...profile, bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  // Ready once the fake has the webhook (set at the end of the start).
  while (!fake.calls.some((c) => c.method === 'setWebhook' && c.status === 200)) {
    if (child.exitCode !== null) throw new Error(`loaban start exited: ${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const startSeconds = round((performance.now() - started) / 1000, 2);
  const cpuBefore = cpuMs(child.pid!);
  const result = await load(`http://127.0.0.1:${port}/webhooks/telegram`, n, 1);
  const cpuMsPerUpdate = round((cpuMs(child.pid!) - cpuBefore) / n, 2);
  const mem = memory(child.pid!);
  child.kill('SIGTERM');
  await exited;
  return { ...result, cpuMsPerUpdate, startSeconds, rssMb: mem.rss, peakMb: mem.peak, throttled: fake.stats.throttled };
}

async function withFake<T>(limits: boolean, run: (fake: FakeTelegram) => Promise<T>): Promise<T> {
  const fake = await startFakeTelegram({ token, limits: limits ? {} : false });
  try {
    return await run(fake);
  } finally {
    await fake.close();
  }
}

const say = (label: string, value: unknown) => (process.stderr.write(`${label}: ${JSON.stringify(value)}\n`), value);

// The speed of a shared machine drifts by a third within minutes here: the bare bot runs again just
// before each unpaced run of loaban, and each ratio is to the bare run beside it.
const bareRun = say('bare telegraf', await withFake(false, bare)) as Awaited<ReturnType<typeof bare>>;
const dir = mkdtempSync(path.join(tmpdir(), 'loaban-bench-inbound-'));
const embedded = say('loaban embedded', await withFake(false, (fake) => loaban(fake, { DATA_DIR: path.join(dir, 'unpaced') }, false, total))) as Awaited<ReturnType<typeof loaban>>;
const embeddedPaced = say('loaban embedded, paced', await withFake(true, (fake) => loaban(fake, { DATA_DIR: path.join(dir, 'paced') }, true, pacedTotal)));
rmSync(dir, { recursive: true, force: true });

type Run = Awaited<ReturnType<typeof loaban>>;
const onPostgres: { unpaced: Run | null; paced: Run | null } = { unpaced: null, paced: null };
const bareBeforePostgres = say('bare telegraf, again', await withFake(false, bare)) as Awaited<ReturnType<typeof bare>>;
for (const paced of [false, true]) {
  const run = await withScratchDatabase(`inbound_${paced ? 'paced' : 'unpaced'}`, (url) =>
    withFake(paced, (fake) => loaban(fake, { DATABASE_URL: url }, paced, paced ? pacedTotal : total)),
  );
  if (run) onPostgres[paced ? 'paced' : 'unpaced'] = say(paced ? 'loaban postgres, paced' : 'loaban postgres', run) as Run;
}

const postgres = onPostgres.unpaced;
// Issue 17's targets. PostgreSQL's memory target (120 MB) is at rest: `npm run bench:start` checks it;
// after this load it is only reported here (the issue sets none).
const targets = { embeddedPerSecond: 350, postgresPerSecond: 500, embeddedRssAfterLoadMb: 250 };
const checks = {
  embeddedPerSecond: embedded.perSecond >= targets.embeddedPerSecond,
  postgresPerSecond: postgres !== null && postgres.perSecond >= targets.postgresPerSecond,
  embeddedRssAfterLoadMb: embedded.rssMb <= targets.embeddedRssAfterLoadMb,
};
// The same targets as shares of the bare telegraf bot the issue measured beside them (2,050 a second
// on its machine): what they would ask of a machine of another speed, if a bare bot's speed measures
// the machine (the issue's harness may not have been this one). Reported as `metAsShares`; `met` is
// the issue's own figures.
const issueBare = 2050;
const ratioTargets = { embedded: round(targets.embeddedPerSecond / issueBare, 3), postgres: round(targets.postgresPerSecond / issueBare, 3) };
const embeddedRatio = round(embedded.perSecond / bareRun.perSecond, 3);
const postgresRatio = postgres && round(postgres.perSecond / bareBeforePostgres.perSecond, 3);
const ratioChecks = { embedded: embeddedRatio >= ratioTargets.embedded, postgres: postgresRatio !== null && postgresRatio >= ratioTargets.postgres };
console.log(
  JSON.stringify({
    updates: total,
    concurrency,
    users,
    bare: bareRun,
    bareBeforePostgres,
    embedded: { ...embedded, ratio: embeddedRatio },
    postgres: postgres && { ...postgres, ratio: postgresRatio },
    paced: { updates: pacedTotal, embedded: embeddedPaced, postgres: onPostgres.paced },
    targets,
    checks,
    ratioTargets,
    ratioChecks,
    metAsShares: Object.values(ratioChecks).every(Boolean) && checks.embeddedRssAfterLoadMb,
    met: Object.values(checks).every(Boolean),
  }),
);
