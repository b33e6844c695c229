/**
 * Broadcast benchmark (`npm run bench:broadcast -- --targets N --rate R [--kill] [--postgres] [--workers W]`):
 * one campaign message to N Telegram groups through real `loaban dispatch` processes and the
 * Telegram fake, which enforces R messages a second overall and Telegram's per-chat and
 * per-group limits exactly (429 with retry_after past them).
 *
 * The bench seeds N group chats (one area, one communication group each) and one pending
 * broadcast due now; the dispatcher's own start-up tick expands it into the outbox, as it would
 * an operator's broadcast. It then spawns the dispatcher(s), watches the fake until every group
 * got the message (or, when some cannot, until nothing more arrives), stops them, and reads the
 * outbox. `--kill` SIGKILLs a dispatcher at about 30 % and 60 % of the targets (reproducible
 * with `--seed`) and starts it again. Children's logs go to stderr; the last line on stdout is
 * one JSON object.
 *
 *   seconds       first send seen at the fake → last send
 *   idealSeconds  N / R
 *   duplicates    groups that got the message more than once
 *   lost          groups that never got it and whose delivery is not failed with a reason
 *   throttled     429s the fake answered
 *   inDoubt       deliveries failed as "in doubt" after a kill (by design, not resent)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { reasons } from '../../src/features/delivery/reasons.ts';
import { defaultContentDir, projectRoot } from '../../src/core/paths.ts';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { openStore, type Db, type Store } from '../../src/core/store/store.ts';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram-fake.ts';

const { values: args } = parseArgs({
  options: {
    targets: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '30' },
    kill: { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string' },
    seed: { type: 'string', default: '1' },
    /** Seconds without a new send after which the run is over (PGlite: the outbox cannot be read while a dispatcher runs). */
    'idle-seconds': { type: 'string', default: '15' },
    /** Writes every sendMessage call the fake answered (time, chat, status) to this file, one JSON line each. */
    trace: { type: 'string' },
    /** A folder: each dispatcher writes a CPU profile there (node --cpu-prof). */
    profile: { type: 'string' },
    /** Extra node flags for each `loaban dispatch` (space-separated), to compare settings. */
    'node-flags': { type: 'string', default: '' },
  },
});

const targets = Number(args.targets);
const rate = Number(args.rate);
const workers = Number(args.workers);
const idleMs = Number(args['idle-seconds']) * 1000;
if (!Number.isInteger(targets) || targets < 1) throw new Error(`--targets must be a positive integer, got ${args.targets}`);
if (!Number.isInteger(rate) || rate < 1) throw new Error(`--rate must be a positive integer (the fake's window counts whole messages), got ${args.rate}`);
if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive integer, got ${args.workers}`);
if (workers > 1 && !args.postgres) throw new Error('--workers above 1 needs --postgres: the embedded database allows one process');

const variant = [args.postgres ? 'postgres' : 'pglite', `workers${workers}`, ...(args.kill ? ['kill'] : [])].join('-');
const token = '123456:BENCH_bench_bench_bench_0001';
const campaignId = 'savings-loans-group';
const chunk = 1_000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** A small deterministic generator (kill points reproducible by --seed). */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const groupChatId = (i: number) => String(-(1_000_000_000 + i));

// ---- the database -------------------------------------------------------------------------

interface Database {
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

async function createDatabase(): Promise<Database> {
  if (!args.postgres) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'loaban-bench-'));
    const open = () => openStore({ databaseUrl: null, dataDir });
    return { env: { DATA_DIR: dataDir }, open, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const name = `loaban_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await applyMigrations(new PrismaPg({ connectionString: databaseUrl }));
  return {
    env: { DATABASE_URL: databaseUrl },
    open: () => openStore({ databaseUrl, dataDir: '' }),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** N group chats in one area, each its own communication group, and one pending broadcast due now. */
async function seed(db: Db, text: string): Promise<number> {
  const area = await db.area.create({ data: { code: 'BENCH', name: 'Bench province', level: 'province', path: '' } });
  await db.area.update({ where: { id: area.id }, data: { path: `/${area.id}/` } });
  for (let start = 0; start < targets; start += chunk) {
    const size = Math.min(chunk, targets - start);
    const groups = await db.communicationGroup.createManyAndReturn({
      data: Array.from({ length: size }, (_, k) => ({ name: `Bench group ${start + k + 1}`, areaId: area.id })),
      select: { id: true },
    });
    await db.chatLink.createMany({
      data: groups.map((g, k) => ({ platform: 'telegram', chatId: groupChatId(start + k), kind: 'group', title: `Bench group ${start + k + 1}`, groupId: g.id })),
    });
  }
  const broadcast = await db.broadcast.create({ data: { text, audience: {}, status: 'pending', scheduledFor: new Date() } });
  return broadcast.id;
}

// ---- the dispatchers ----------------------------------------------------------------------

interface Worker {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

function spawnDispatcher(name: string, fake: FakeTelegram, databaseEnv: Record<string, string>): Worker {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_RATE_PER_SECOND: String(rate),
    QUIET_HOURS: 'off',
    LOG_LEVEL: 'warn',
    OPERATOR_LANG: 'en',
    ...(args.concurrency ? { DELIVERY_CONCURRENCY: args.concurrency } : {}),
    ...databaseEnv,
  };
  const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  const flags = args['node-flags'].split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...profile, path.join(projectRoot, 'src/bin/loaban.js'), 'dispatch'], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (chunk: Buffer) =>
    process.stderr.write(
      chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => `[${name}] ${l}\n`)
        .join(''),
    );
  child.stdout!.on('data', prefix);
  child.stderr!.on('data', prefix);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

/** A process's CPU time so far (ms) and its memory now and at its peak (MB), from /proc. */
function usage(pid: number): { cpuMs: number; rssMb: number; peakMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in 1/100 s
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { cpuMs: ticks * 10, rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

async function stopWorker(worker: Worker): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => worker.child.kill('SIGKILL'), 30_000);
  await worker.exited;
  clearTimeout(timer);
}

// ---- the run ------------------------------------------------------------------------------

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number | null, digits = 3) => (n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const text = loadCampaigns(defaultContentDir).messages.get(campaignId)?.variants.vi;
if (!text) throw new Error(`content/campaigns/${campaignId}.md is missing: the bench sends its Vietnamese text`);

const fake = await startFakeTelegram({ token, limits: { globalPerSecond: rate } });
const database = await createDatabase();
try {
  const setup = await database.open();
  await applyMigrations(setup.adapterFactory);
  const seedStart = performance.now();
  const broadcastId = await seed(setup.prisma, text);
  await setup.close(); // PGlite: the dispatcher must be the only process on DATA_DIR
  log(`${variant}: ${targets} groups seeded in ${Math.round(performance.now() - seedStart)} ms; broadcast ${broadcastId} pending, expanded by the dispatcher's start-up tick`);

  const random = seeded(Number(args.seed));
  const killAt = args.kill ? [0.3, 0.6].map((f) => Math.round(targets * (f + (random() - 0.5) * 0.1))) : [];
  const kills: { atTargets: number; at: number; restartedAt: number; firstSendAfter: number | null }[] = [];

  const loadBefore = loadavg()[0]!;
  // The fake stamps each request when this process gets to it: a late event loop here bunches sends.
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const spawnedAt = Date.now();
  const running: Worker[] = Array.from({ length: workers }, (_, i) => spawnDispatcher(`dispatch${i + 1}`, fake, database.env));

  // What arrived, per chat, read incrementally from the fake's record of sends.
  const received = new Map<string, number>();
  let seen = 0;
  const readFake = () => {
    for (; seen < fake.sent.length; seen++) {
      const chatId = fake.sent[seen]!.chatId;
      received.set(chatId, (received.get(chatId) ?? 0) + 1);
    }
  };

  const deadline = spawnedAt + (targets / rate) * 3_000 + 180_000;
  let lastCount = 0;
  let lastChange = Date.now();
  let outcome: 'all received' | 'idle' | 'outbox finished' | 'deadline' = 'deadline';
  let lastDbCheck = 0;
  const monitor = args.postgres ? await database.open() : null;
  // The dispatchers' CPU from their first send on (start-up is not a send's cost).
  let cpuAtFirstSend: number | null = null;
  let sendsAtFirstSample = 0;
  const cpuNow = () => running.reduce((sum, w) => sum + usage(w.child.pid!).cpuMs, 0);
  while (Date.now() < deadline) {
    await sleep(5);
    readFake();
    if (cpuAtFirstSend === null && fake.sent.length > 0) {
      cpuAtFirstSend = cpuNow();
      sendsAtFirstSample = fake.sent.length;
    }
    if (fake.sent.length !== lastCount) {
      lastCount = fake.sent.length;
      lastChange = Date.now();
      const pendingKill = kills.at(-1);
      if (pendingKill && pendingKill.firstSendAfter === null) pendingKill.firstSendAfter = fake.sent.at(-1)!.at;
    }
    if (kills.length < killAt.length && received.size >= killAt[kills.length]!) {
      const victim = running[0]!;
      const at = Date.now();
      victim.child.kill('SIGKILL');
      await victim.exited;
      running[0] = spawnDispatcher(`${victim.name}'`, fake, database.env);
      kills.push({ atTargets: received.size, at, restartedAt: Date.now(), firstSendAfter: null });
      log(`SIGKILL ${victim.name} at ${received.size} targets; started again`);
      lastChange = Date.now();
    }
    if (received.size >= targets) {
      outcome = 'all received';
      break;
    }
    if (running.some((w) => w.child.exitCode !== null)) throw new Error('a dispatcher exited by itself; see its log above');
    // On PostgreSQL the outbox can be read while dispatchers run: done when no delivery is left to try.
    if (monitor && Date.now() - lastDbCheck > 1_000 && fake.sent.length > 0) {
      lastDbCheck = Date.now();
      const open = await monitor.prisma.delivery.count({ where: { status: { in: ['queued', 'leased', 'sending'] } } });
      const total = await monitor.prisma.delivery.count();
      if (total === targets && open === 0) {
        outcome = 'outbox finished';
        break;
      }
    } else if (!args.postgres && fake.sent.length > 0 && Date.now() - lastChange > idleMs) {
      outcome = 'idle';
      break;
    }
  }
  await monitor?.close();
  readFake();
  const afterRun = running.map((w) => usage(w.child.pid!));
  const cpuMsPerSend = cpuAtFirstSend === null || kills.length > 0 ? null : round((afterRun.reduce((s, u) => s + u.cpuMs, 0) - cpuAtFirstSend) / Math.max(1, fake.sent.length - sendsAtFirstSample), 2);
  await Promise.all(running.map(stopWorker));
  readFake();

  // The outbox after every dispatcher stopped.
  const store = await database.open();
  const db = store.prisma;
  const rows = await db.delivery.findMany({
    select: { status: true, lastError: true, failureKind: true, attemptStartedAt: true, sentAt: true, chatLink: { select: { chatId: true } } },
  });
  const markSentMs: number[] = [];
  const probe = rows.length > 0 ? await db.delivery.findFirstOrThrow({ select: { id: true } }) : null;
  if (probe) {
    // What one markSent-like write costs on this database, idle (the dispatcher's cost is at least this).
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await db.delivery.update({ where: { id: probe.id }, data: { updatedAt: new Date() } });
      markSentMs.push(performance.now() - start);
    }
  }
  await store.close();

  if (args.trace) {
    const lines = fake.calls.filter((c) => c.method === 'sendMessage').map((c) => JSON.stringify({ at: c.at, chat: String(c.params.chat_id), status: c.status }));
    writeFileSync(args.trace, lines.join('\n') + '\n');
  }
  const firstAt = new Map<string, number>();
  for (const s of fake.sent) if (!firstAt.has(s.chatId)) firstAt.set(s.chatId, s.at);
  const byStatus: Record<string, number> = {};
  const failures: Record<string, number> = {};
  let lost = 0;
  let sentNotReceived = 0;
  let inDoubt = 0;
  let inDoubtArrived = 0;
  const sendMs: number[] = [];
  const acceptToMarkSent: number[] = [];
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    const got = received.has(row.chatLink.chatId);
    const recordedFailure = (row.status === 'failed' || row.status === 'skipped') && !!row.lastError;
    if (recordedFailure) failures[row.lastError!] = (failures[row.lastError!] ?? 0) + 1;
    if (row.failureKind === reasons.inDoubt.kind) {
      inDoubt++;
      if (got) inDoubtArrived++;
    }
    if (!got && !recordedFailure) lost++;
    if (row.status === 'sent' && !got) sentNotReceived++;
    if (row.status === 'sent' && row.sentAt && row.attemptStartedAt) {
      sendMs.push(row.sentAt.getTime() - row.attemptStartedAt.getTime());
      const accepted = firstAt.get(row.chatLink.chatId);
      if (accepted !== undefined) acceptToMarkSent.push(row.sentAt.getTime() - accepted);
    }
  }
  lost += Math.max(0, targets - rows.length); // groups the broadcast never reached the outbox for

  const sends = fake.sent.length;
  const first = fake.sent[0]?.at ?? null;
  const last = fake.sent.at(-1)?.at ?? null;
  const seconds = first !== null && last !== null ? (last - first) / 1000 : null;
  const idealSeconds = targets / rate;
  const efficiency = seconds ? idealSeconds / seconds : 0;
  const duplicates = [...received.values()].filter((n) => n > 1).length;
  const throttled = fake.stats.throttled;
  const result = {
    bench: 'broadcast',
    variant,
    targets,
    rate,
    workers,
    seconds: round(seconds),
    idealSeconds: round(idealSeconds),
    efficiency: round(efficiency),
    duplicates,
    lost,
    throttled,
    sends,
    received: received.size,
    failed: byStatus.failed ?? 0,
    inDoubt,
    inDoubtArrived,
    sentNotReceived,
    kills: kills.length,
    restartGapMs: kills.map((k) => (k.firstSendAfter === null ? null : k.firstSendAfter - k.at)),
    startupSeconds: first === null ? null : round((first - spawnedAt) / 1000),
    secondsFromSpawn: last === null ? null : round((last - spawnedAt) / 1000),
    maxInAnyWindow: fake.stats.maxInAnyGlobalWindow,
    outbox: byStatus,
    failures,
    sendP50ms: percentile(sendMs, 50),
    sendP99ms: percentile(sendMs, 99),
    acceptToMarkSentP50ms: percentile(acceptToMarkSent, 50),
    acceptToMarkSentP99ms: percentile(acceptToMarkSent, 99),
    markSentWriteP50ms: round(percentile(markSentMs, 50)),
    /** The dispatchers' CPU per message sent, from their first send (null after a kill: the killed one's CPU is gone). */
    cpuMsPerSend,
    /** Each dispatcher's memory at the end of the run, and its peak (MB). */
    rssMb: afterRun.map((u) => u.rssMb),
    peakMb: afterRun.map((u) => u.peakMb),
    ended: outcome,
    /** The machine's 1-minute load average at spawn and at the end: other work skews the timing. */
    load: [round(loadBefore, 1), round(loadavg()[0]!, 1)],
    fakeLagP99ms: round(lag.percentile(99) / 1e6, 1),
    targetsMet: { efficiency: 0.9, duplicates: 0, lost: 0, throttledShare: 0.01, cpuMsPerSend: 4 },
  };
  const met = efficiency >= 0.9 && duplicates === 0 && lost === 0 && throttled <= 0.01 * sends && (cpuMsPerSend === null || cpuMsPerSend <= 4);
  console.log(JSON.stringify({ ...result, met }));
} finally {
  await fake.close();
  await database.drop();
}
