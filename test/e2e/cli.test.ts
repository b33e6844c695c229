import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';
import { startFakeZalo } from '../fakes/zalo-fake.ts';
import { runCli, signalWhileStarting, startCli } from '../support/cli.ts';
import { backends, createPostgresDatabase } from '../support/stores.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-cli-'));

async function say(url: string, text: string) {
  const personaKey = 'villager-demo-hoa-ban-na-hin';
  const chatId = `private:${personaKey}`;
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personaKey, chatId, text }) });
  expect(sent.status).toBe(200);
  const transcript = (await (await fetch(`${url}/sandbox/api/transcript?chatId=${encodeURIComponent(chatId)}`)).json()) as { from: unknown; text: string }[];
  return transcript.filter((m) => m.from === 'bot').map((m) => m.text);
}

describe('loaban start', () => {
  it('on a new machine: migrates, seeds the demo, serves the sandbox that greets; stops cleanly on SIGTERM and keeps the data', async () => {
    const dataDir = tempDir();
    const first = await startCli({ DATA_DIR: dataDir });
    const page = await fetch(`${first.url}/sandbox`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Loa Bản');
    expect((await say(first.url, 'xin chào')).at(-1)).toContain('Tôi là Loa Bản');
    expect(first.output()).toContain('demo data seeded');
    expect(await first.stop()).toBe(0);
    expect(readdirSync(dataDir)).not.toContain('loaban.pid');

    const second = await startCli({ DATA_DIR: dataDir });
    expect(second.output()).not.toContain('demo data seeded');
    const personas = (await (await fetch(`${second.url}/sandbox/api/personas`)).json()) as unknown[];
    expect(personas.length).toBeGreaterThanOrEqual(14);
    expect(await second.stop('SIGINT')).toBe(0);
  }, 120_000);

  it('a SIGTERM while it starts (a supervisor stopping it) lets the start finish, then stops cleanly: exit code 0, the data kept', async () => {
    const dataDir = tempDir();
    // "FAQ loaded" comes first, before the database is opened, migrated and seeded.
    const stopped = await signalWhileStarting({ DATA_DIR: dataDir }, /FAQ loaded/);
    expect(stopped.stdout).toContain('demo data seeded');
    expect(stopped.stdout).toContain('Đã dừng Loa Bản.');
    expect(stopped.stdout).not.toContain('"url"'); // not announced as running
    expect(stopped.code).toBe(0);
    expect(readdirSync(dataDir)).not.toContain('loaban.pid');

    const again = await startCli({ DATA_DIR: dataDir });
    expect(again.output()).not.toContain('demo data seeded');
    expect(await again.stop()).toBe(0);
  }, 120_000);

  it('Ctrl+C to the whole process group while the new database is unpacked: the unpacking child is not cut off, the start finishes, then stops', async () => {
    const dataDir = tempDir();
    // db.new exists only while the template is being unpacked, by a child process of the start.
    const stopped = await signalWhileStarting({ DATA_DIR: dataDir }, () => existsSync(path.join(dataDir, 'db.new')), { signal: 'SIGINT', group: true });
    expect(stopped.stderr).toBe('');
    expect(stopped.stdout).toContain('new embedded database made from the template');
    expect(stopped.stdout).toContain('Đã dừng Loa Bản.');
    expect(stopped.code).toBe(0);
    expect(readdirSync(dataDir).sort()).toEqual(['LOABAN-DATA.txt', 'db']);
  }, 120_000);

  it('`npm start` passes SIGTERM on to the server, which stops cleanly instead of running on', async () => {
    const dataDir = tempDir();
    const app = await startCli({ DATA_DIR: dataDir }, 90_000, { npm: true });
    await app.stop('SIGTERM');
    // npm has ended: the server behind it has too, its lock released, its address silent.
    await expect(fetch(`${app.url}/sandbox`)).rejects.toThrow();
    expect(readdirSync(dataDir)).not.toContain('loaban.pid');
    expect(app.output()).toContain('Đã dừng Loa Bản.');
  }, 120_000);

  it('with a token per platform: greets over Telegram and Zalo (long polling), and the sandbox stays off', async () => {
    const telegram = await startFakeTelegram({ token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' });
    const zalo = await startFakeZalo();
    try {
      const app = await startCli({
        DATA_DIR: tempDir(),
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ZALO_BOT_TOKEN: zalo.token,
        ZALO_API_ROOT: zalo.apiRoot,
      });
      try {
        expect((await fetch(`${app.url}/sandbox`)).status).toBe(404);
        telegram.textMessage({ chatId: 7001, text: 'xin chào' });
        zalo.textMessage({ chatId: 'zalo-user-1', text: 'xin chao' });
        const greeted = async (texts: () => (string | undefined)[]) => {
          for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
            if (texts().some((t) => t?.includes('Tôi là Loa Bản'))) return true;
          }
          return false;
        };
        expect(await greeted(() => telegram.sentTo(7001).map((m) => m.text))).toBe(true);
        expect(await greeted(() => zalo.sentTo('zalo-user-1').map((m) => m.text))).toBe(true);
      } finally {
        expect(await app.stop()).toBe(0);
      }
    } finally {
      await telegram.close();
      await zalo.close();
    }
  }, 120_000);

  it('refuses to start twice on one embedded database', async () => {
    const dataDir = tempDir();
    const first = await startCli({ DATA_DIR: dataDir });
    try {
      const second = await runCli(['start'], { DATA_DIR: dataDir, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr.trim()).toMatch(new RegExp(`pid ${first.child.pid}`));
    } finally {
      await first.stop();
    }
  }, 120_000);
});

describe('operator mistakes get one clear line and exit code 1, never a stack trace', () => {
  const expectOneLine = (result: { code: number | null; stderr: string }, pattern: RegExp) => {
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  };

  it('a bad PORT', async () => {
    expectOneLine(await runCli(['start'], { PORT: 'abc', DATA_DIR: tempDir() }), /PORT/);
  });

  it('a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      expectOneLine(await runCli(['start'], { PORT: String(port), DATA_DIR: tempDir() }), new RegExp(`${port}.*PORT`));
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('a missing content folder', async () => {
    expectOneLine(await runCli(['start'], { CONTENT_DIR: path.join(tempDir(), 'nowhere'), DATA_DIR: tempDir() }), /nowhere/);
  });

  it('a foreign DATA_DIR, left untouched', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'notes.txt'), 'mine');
    expectOneLine(await runCli(['start'], { DATA_DIR: dataDir, PORT: '0' }), /DATA_DIR/);
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
  });

  it('a DATABASE_URL that does not answer', async () => {
    expectOneLine(await runCli(['migrate'], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' }), /127\.0\.0\.1:1\/none/);
  });
});

describe('loaban commands', () => {
  it('every command has --help, in the operator\'s language', async () => {
    for (const args of [['--help'], ['start', '--help'], ['migrate', '--help'], ['migrate', 'new', '--help'], ['demo', 'seed', '--help']]) {
      const result = await runCli(args, {});
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/^Cách dùng: loaban/);
    }
    const top = await runCli(['--help'], {});
    expect(top.stdout).toContain('Lệnh:');
    expect(top.stdout).toMatch(/start\s+.*cập nhật cơ sở dữ liệu, rồi chạy các kênh chat/);
    const exportHelp = await runCli(['export', 'reports', '--help'], {});
    expect(exportHelp.stdout).toContain('Tùy chọn:');
    expect(exportHelp.stdout).toMatch(/--area <id or name>\s+chỉ các tổ thuộc địa bàn này/);
    expect(exportHelp.stdout).toContain('(mặc định: "csv")');
    expect(exportHelp.stdout).toMatch(/-h, --help\s+xem hướng dẫn của lệnh/);
    // A mistake in the command itself is one line in Vietnamese too, then the help.
    const missing = await runCli(['export', 'reports'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe("Thiếu tùy chọn '--quarter <quarter>'.");
    const unknown = await runCli(['groups', '--by-aera'], {});
    expect(unknown.stderr.split('\n')[0]).toBe("Không có tùy chọn '--by-aera'. Có phải ý bạn là --by-area?");
    // OPERATOR_LANG=en: English throughout.
    const english = await runCli(['export', 'reports', '--help'], { OPERATOR_LANG: 'en' });
    expect(english.stdout).toMatch(/^Usage: loaban export reports/);
    expect(english.stdout).toMatch(/--area <id or name>\s+only groups under this area/);
    // Processes, each loading the whole program: seconds apiece on a busy machine.
  }, 180_000);

  it.each(backends)('migrate and demo seed are idempotent (%s)', async (backend) => {
    const database = backend === 'postgres' ? await createPostgresDatabase() : null;
    const env: Record<string, string> = database ? { DATABASE_URL: database.url } : { DATA_DIR: tempDir() };
    try {
      // The template database is migrated already; the embedded one starts empty.
      const migrate = await runCli(['migrate'], env);
      expect(migrate.code).toBe(0);
      expect((await runCli(['migrate'], env)).stdout).toMatch(/đã ở bản mới nhất/);
      const seed = await runCli(['demo', 'seed'], env);
      expect(seed.stdout).toMatch(/12 tổ truyền thông.*DỮ LIỆU MẪU/);
      expect((await runCli(['demo', 'seed'], env)).stdout).toMatch(/Dữ liệu mẫu đã có/);
    } finally {
      await database?.drop();
    }
  }, 180_000);
});
