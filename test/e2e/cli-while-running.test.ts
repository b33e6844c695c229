/**
 * The command line while the bot runs on the embedded database: a `loaban` data command reaches
 * the running `loaban start` through DATA_DIR/loaban.sock and prints what it prints when no bot
 * runs (it then opens the database itself). Writes made through the socket are the bot's: it
 * sees them at once, and they are there after it stops.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SandboxMessage } from '../../src/channels/sandbox/sandbox.ts';
import { runCli, startCli, type Finished } from '../support/cli.ts';
import { waitFor } from '../support/wait.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-running-'));

/** The data commands compared, read-only ones (a write would change what the next run prints). */
const readCommands = [
  ['groups'],
  ['groups', '--json'],
  ['groups', '--by-area'],
  ['joincode', '--group', 'Nà Hìn'],
  ['schedule', 'list'],
  ['broadcast', 'list'],
  ['admin', 'list'],
  ['export', 'reports', '--quarter', '2026Q4'],
  ['export', 'summary', '--quarter', '2026Q4', '--area', '1', '--format', 'csv'],
  ['groups', '--group-typo'],
  ['invite', '--group', 'Không có tổ này'],
];

const shown = (r: Finished) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

interface Persona {
  key: string;
  role: string;
  chats: Array<{ id: string; kind: string }>;
}

describe('loaban commands while loaban start runs on the embedded database', () => {
  it('print the same as with no bot running, write to the bot\'s own database, and are not refused', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SANDBOX: 'on', LOG_LEVEL: 'warn' };
    const lastLine = (r: Finished) => r.stdout.trim().split('\n').at(-1)!;
    const bot = await startCli({ ...env, LOG_LEVEL: 'info' });
    let whileRunning: Finished[] = [];
    let rotated: string;
    try {
      const socket = statSync(path.join(dataDir, 'loaban.sock'));
      expect(socket.isSocket()).toBe(true);
      expect(socket.mode & 0o777).toBe(0o600); // the owner's only

      // Writes through the socket (one in a transaction) are the bot's at once: a villager who
      // sends the replaced code hears that it was replaced, the new one joins.
      const first = await runCli(['joincode', '--group', '1'], env);
      expect(first.code).toBe(0);
      const old = lastLine(first);
      const again = await runCli(['joincode', '--group', '1', '--rotate'], env);
      expect(again.code).toBe(0);
      rotated = lastLine(again);
      expect(rotated).not.toBe(old);
      const personas = (await (await fetch(`${bot.url}/sandbox/api/personas`)).json()) as Persona[];
      const villager = personas.find((p) => p.role === 'villager')!;
      const chatId = villager.chats.find((c) => c.kind === 'private')!.id;
      const say = async (text: string) => {
        const before = ((await (await fetch(`${bot.url}/sandbox/api/transcript?chatId=${encodeURIComponent(chatId)}`)).json()) as SandboxMessage[]).length;
        const sent = await fetch(`${bot.url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personaKey: villager.key, chatId, text }) });
        expect(sent.status).toBe(200);
        return waitFor(async () => {
          const all = (await (await fetch(`${bot.url}/sandbox/api/transcript?chatId=${encodeURIComponent(chatId)}`)).json()) as SandboxMessage[];
          return all.slice(before).find((m) => m.from === 'bot')?.text;
        }, `the bot's answer to ${text}`);
      };
      expect(await say(`/thamgia ${old}`)).toContain('đã được tổ trưởng thay bằng mã mới');
      expect(await say(`/thamgia ${rotated}`)).toMatch(/Bạn đã (tham gia|ở trong) Tổ truyền thông bản Nà Hìn/);

      for (const args of readCommands) whileRunning.push(await runCli(args, env));
      expect(whileRunning.filter((r) => /tiến trình Loa Bản khác|in use by another/.test(r.stderr))).toEqual([]);
      expect(whileRunning[0]!.code).toBe(0);
      expect(whileRunning[0]!.stdout).toContain('Tổ truyền thông bản Nà Hìn');
      expect(whileRunning[3]!.stdout.trim().split('\n').at(-1)).toBe(rotated);
    } finally {
      expect(await bot.stop()).toBe(0);
    }
    // Stopped: the socket is gone, and the same commands open the database themselves.
    expect(() => statSync(path.join(dataDir, 'loaban.sock'))).toThrow();
    const alone: Finished[] = [];
    for (const args of readCommands) alone.push(await runCli(args, env));
    expect(whileRunning.map(shown)).toEqual(alone.map(shown));
  }, 240_000);

  it('after the bot was killed (its socket left behind), a command opens the database itself and the next start serves again', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, SANDBOX: 'on', LOG_LEVEL: 'warn' };
    const killed = await startCli({ ...env, LOG_LEVEL: 'info' });
    await killed.stop('SIGKILL');
    expect(statSync(path.join(dataDir, 'loaban.sock')).isSocket()).toBe(true); // nobody removed it
    const alone = await runCli(['groups', '--json'], env);
    expect(alone.code).toBe(0);
    const bot = await startCli({ ...env, LOG_LEVEL: 'info' });
    try {
      const reached = await runCli(['groups', '--json'], env);
      expect(shown(reached)).toEqual(shown(alone));
    } finally {
      expect(await bot.stop()).toBe(0);
    }
  }, 120_000);
});
