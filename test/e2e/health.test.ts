/**
 * /health/live and /health/ready of a running `loaban start`: ready says which part fails and why
 * (503), live answers while the process runs.
 */
import { describe, expect, it } from 'vitest';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';
import { startCli } from '../support/cli.ts';
import { backends, createPostgresDatabase } from '../support/stores.ts';

interface Ready {
  ready: boolean;
  checks: Record<string, { ok: boolean; problem?: string; receiving?: string }>;
}

async function ready(url: string): Promise<{ status: number; body: Ready }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as Ready };
}

/** Polls until `until` holds (a channel connects or a database goes away in the background). */
async function eventually(url: string, until: (r: { status: number; body: Ready }) => boolean): Promise<{ status: number; body: Ready }> {
  let last = await ready(url);
  for (const deadline = Date.now() + 30_000; !until(last) && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) last = await ready(url);
  return last;
}

describe.runIf(backends.includes('postgres'))('health', () => {
  it('ready when the database answers, migrations are applied, Telegram polls and the outbox moves; 503 naming the database once it is gone', async () => {
    const database = await createPostgresDatabase();
    const telegram = await startFakeTelegram({ token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' });
    const app = await startCli({ DATABASE_URL: database.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }, 90_000);
    try {
      const up = await eventually(app.url, (r) => r.status === 200);
      expect(up.status).toBe(200);
      expect(up.body.ready).toBe(true);
      expect(up.body.checks).toMatchObject({ database: { ok: true }, migrations: { ok: true }, telegram: { ok: true, receiving: 'polling' }, outbox: { ok: true } });

      await database.drop();
      const down = await eventually(app.url, (r) => r.status === 503);
      expect(down.status).toBe(503);
      expect(down.body.ready).toBe(false);
      expect(down.body.checks.database!.ok).toBe(false);
      expect(down.body.checks.database!.problem).toMatch(/does not exist|terminat|connect/i);
      expect(down.body.checks.migrations!.problem).not.toMatch(/pending/);
      expect(down.body.checks.telegram).toMatchObject({ ok: true });
      // The process itself still runs.
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    } finally {
      await app.stop();
      await telegram.close();
    }
  }, 150_000);

  it('not ready while Telegram cannot be reached, saying so', async () => {
    const database = await createPostgresDatabase();
    // A closed port: the bot keeps retrying in the background while the rest serves.
    const app = await startCli({ DATABASE_URL: database.url, TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }, 90_000);
    try {
      const result = await eventually(app.url, (r) => Boolean(r.body.checks.telegram?.problem));
      expect(result.status).toBe(503);
      expect(result.body.checks.telegram).toMatchObject({ ok: false, receiving: 'starting' });
      expect(result.body.checks.telegram!.problem).toMatch(/telegram is not reachable/);
      // The error quotes the request's address, token and all: the public answer hides it.
      expect(JSON.stringify(result.body)).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      expect(result.body.checks.database).toEqual({ ok: true });
    } finally {
      await app.stop();
      await database.drop();
    }
  }, 150_000);
});
