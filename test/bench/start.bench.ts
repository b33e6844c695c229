/**
 * Start-up and footprint benchmark (`npm run bench:start`): the `loaban` command as an operator
 * runs it, on this machine, with the settings of a new install (the embedded database, the
 * sandbox on, no bot tokens).
 *
 *   help           `loaban --help`: seconds and peak memory (MB)
 *   groups         `loaban groups --json` on the embedded database (demo data): seconds, peak MB
 *   firstStart     `loaban start` on a new DATA_DIR (migrations and demo data): seconds to the
 *                  dashboard's address, memory (RSS, MB) after 3 s idle, and the peak (peakMb: what a
 *                  1 GB server must have free while it starts)
 *   secondStart    the same DATA_DIR again (nothing to migrate)
 *   telegramStart  the same, with a Telegram bot token (long polling on a loopback fake Bot API, the
 *                  sandbox off as it must be then): what a deployment on Telegram holds at rest
 *   postgres       `loaban start` on a PostgreSQL database of the local server, after a first start
 *                  migrated it (postgresFirst; skipped when no server answers): seconds, idle RSS
 *   compiled       whether `loaban` ran the compiled dist/ (npm install builds it) or the sources
 *
 * Each figure is the median of `--runs` runs (default 3). The last line on stdout is one JSON
 * object with the targets of issue 17 and whether each was met.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/core/paths.ts';
import { withScratchDatabase } from './scratch-postgres.ts';
import { builtFromSources } from '../../src/bin/built.js';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(args.runs));
const telegramToken = '123456:BENCH_start_start_start_00001';
const bin = path.join(projectRoot, 'src', 'bin', 'loaban.js');
const baseEnv: NodeJS.ProcessEnv = { ...process.env, SANDBOX: 'on', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
delete baseEnv.DATABASE_URL;
delete baseEnv.TELEGRAM_BOT_TOKEN;
delete baseEnv.ZALO_BOT_TOKEN;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** A short command: wall seconds and peak RSS (MB), from GNU time's report. */
function command(argv: string[], env: NodeJS.ProcessEnv): { seconds: number; mb: number } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, ...argv], { env, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`loaban ${argv.join(' ')} failed: ${run.stderr}`);
  const kb = Number(run.stderr.trim().split('\n').pop());
  return { seconds, mb: kb / 1024 };
}

/** VmRSS or VmHWM (the peak) of a process, in MB. */
function statusMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return line ? Number(line[1]) / 1024 : NaN;
}

/** `loaban start` until the dashboard's address is logged; RSS after 3 s idle; then SIGTERM. */
async function start(env: NodeJS.ProcessEnv): Promise<{ seconds: number; mb: number; peakMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<number>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      out += chunk.toString();
      if (/http:\/\/127\.0\.0\.1:\d+\/admin/.test(out)) resolve(performance.now());
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`loaban start exited (${code}): ${out.slice(-2000)}`)));
  });
  const at = await ready;
  await new Promise((r) => setTimeout(r, 3000));
  const mb = statusMb(child.pid!, 'VmRSS');
  const peakMb = statusMb(child.pid!, 'VmHWM');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { seconds: (at - started) / 1000, mb, peakMb };
}

async function measure<T extends { seconds: number; mb: number; peakMb?: number }>(label: string, once: () => Promise<T> | T): Promise<{ seconds: number; mb: number; peakMb?: number }> {
  const all: T[] = [];
  for (let i = 0; i < runs; i++) all.push(await once());
  const peaks = all.map((r) => r.peakMb).filter((x): x is number => x !== undefined);
  const result = {
    seconds: round(median(all.map((r) => r.seconds))),
    mb: Math.round(median(all.map((r) => r.mb))),
    ...(peaks.length > 0 && { peakMb: Math.round(median(peaks)) }),
  };
  process.stderr.write(`${label}: ${JSON.stringify(result)}\n`);
  return result;
}

const help = await measure('help', () => command(['--help'], baseEnv));

// First and second start on the embedded database: each first start on its own new DATA_DIR.
const dirs: string[] = [];
const newDir = () => (dirs.push(mkdtempSync(path.join(tmpdir(), 'loaban-bench-start-'))), dirs.at(-1)!);
const firstStart = await measure('firstStart', () => start({ ...baseEnv, DATA_DIR: newDir() }));
const dataDir = dirs.at(-1)!;
const secondStart = await measure('secondStart', () => start({ ...baseEnv, DATA_DIR: dataDir }));
const fake = await startFakeTelegram({ token: telegramToken });
const telegramStart = await measure('telegramStart', () => start({ ...baseEnv, DATA_DIR: dataDir, SANDBOX: 'off', TELEGRAM_BOT_TOKEN: telegramToken, TELEGRAM_API_ROOT: fake.apiRoot }));
await fake.close();
const groups = await measure('groups', () => command(['groups', '--json'], { ...baseEnv, DATA_DIR: dataDir }));

// PostgreSQL: a new database on the local server, migrated by a first start; then the starts measured.
const onPostgres = await withScratchDatabase('start', async (url) => {
  const env = { ...baseEnv, DATABASE_URL: url };
  return { first: await measure('postgresFirstStart', () => start(env)), again: await measure('postgres', () => start(env)) };
});
const postgresFirst = onPostgres?.first ?? null;
const postgres = onPostgres?.again ?? null;
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });

const targets = { helpSeconds: 0.3, groupsSeconds: 1, firstStartSeconds: 5, secondStartSeconds: 2, idleMb: 200, postgresIdleMb: 120 };
const checks = {
  helpSeconds: help.seconds <= targets.helpSeconds,
  groupsSeconds: groups.seconds <= targets.groupsSeconds,
  firstStartSeconds: firstStart.seconds <= targets.firstStartSeconds,
  secondStartSeconds: secondStart.seconds <= targets.secondStartSeconds,
  idleMb: secondStart.mb <= targets.idleMb && telegramStart.mb <= targets.idleMb,
  postgresIdleMb: postgres !== null && postgres.mb <= targets.postgresIdleMb,
};
console.log(JSON.stringify({ compiled: builtFromSources(), runs, help, groups, firstStart, secondStart, telegramStart, postgresFirst, postgres, targets, checks, met: Object.values(checks).every(Boolean) }));
