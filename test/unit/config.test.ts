import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, variableNames } from '../../src/core/config.ts';
import { projectRoot } from '../../src/core/paths.ts';

const load = (env: Record<string, string>) => loadConfig(env, '/srv/loaban');

function problem(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts with no variables at all: embedded database in ./data, sandbox, port 3000, Vietnam time', () => {
    const config = load({});
    expect(config).toMatchObject({
      databaseUrl: null,
      dataDir: '/srv/loaban/data',
      telegram: null,
      zalo: null,
      sandbox: true,
      port: 3000,
      timeZone: 'Asia/Ho_Chi_Minh',
      quietHours: { startMinute: 21 * 60, endMinute: 6 * 60 },
    });
  });

  it('treats an empty line in .env as unset', () => {
    expect(load({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3000, databaseUrl: null });
  });

  it('names the variable and what is expected on one line, never the value (it may be a secret)', () => {
    const message = problem({ PORT: 'abc' });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('PORT');
    expect(message).toContain('65535');
    expect(message).not.toContain('abc');
  });

  it('a malformed token, secret or database address with a password is never echoed', () => {
    const secrets = {
      TELEGRAM_BOT_TOKEN: '123456:short-secret-token',
      TELEGRAM_WEBHOOK_SECRET: 'has spaces and s3cr3t',
      ZALO_BOT_TOKEN: 'zalo-secret-without-id',
      DATABASE_URL: 'mysql://loaban:Pa55word@db.example.org/loaban',
    };
    const message = problem(secrets);
    expect(message.split('\n')).toHaveLength(4);
    for (const value of ['short-secret-token', 's3cr3t', 'zalo-secret-without-id', 'Pa55word']) expect(message).not.toContain(value);
  });

  it('a webhook secret shorter than 16 characters is refused: it could be guessed', () => {
    const telegram = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram' };
    expect(problem({ ...telegram, TELEGRAM_WEBHOOK_SECRET: 'a' })).toMatch(/TELEGRAM_WEBHOOK_SECRET.*16/);
    expect(load({ ...telegram, TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(16) }).telegram?.webhookSecret).toBe('a'.repeat(16));
    expect(problem({ ZALO_BOT_TOKEN: '123:abcdefghij', ZALO_WEBHOOK_URL: 'https://bot.example.org/zalo', ZALO_WEBHOOK_SECRET: 'eight888' })).toMatch(/ZALO_WEBHOOK_SECRET.*16/);
  });

  it('reports every bad variable, one line each', () => {
    const lines = problem({ PORT: '70000', TZ_AREA: 'Mars/Olympus', QUIET_HOURS: '9pm-6am', DATABASE_URL: 'mysql://x' }).split('\n');
    expect(lines.map((l) => l.match(/PORT|TZ_AREA|QUIET_HOURS|DATABASE_URL/)?.[0])).toEqual(['DATABASE_URL', 'PORT', 'TZ_AREA', 'QUIET_HOURS']);
  });

  it('refuses a webhook without its secret, naming both variables', () => {
    const message = problem({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ', TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram' });
    expect(message).toContain('TELEGRAM_WEBHOOK_URL');
    expect(message).toContain('TELEGRAM_WEBHOOK_SECRET');
  });

  it('a platform token turns the sandbox off; SANDBOX=on beside a token is refused with why (its demo admin could message every real group)', () => {
    const token = { TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' };
    expect(load(token)).toMatchObject({ sandbox: false, telegram: { apiRoot: 'https://api.telegram.org', webhookUrl: null } });
    const message = problem({ ...token, SANDBOX: 'on' });
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/SANDBOX=on/);
    expect(message).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(load({ ...token, SANDBOX: 'off' }).sandbox).toBe(false);
    expect(load({ SANDBOX: 'on' }).sandbox).toBe(true);
  });

  it('quiet hours can be switched off', () => {
    expect(load({ QUIET_HOURS: 'off' }).quietHours).toBeNull();
  });

  it('speaks English to an operator who asks for it', () => {
    expect(problem({ OPERATOR_LANG: 'en', PORT: '-1' })).toMatch(/^Configuration error: PORT must be a port number/);
  });
});

describe('documentation of the configuration', () => {
  it('every variable is in .env.example with a comment, and in the README table', () => {
    const example = readFileSync(path.join(projectRoot, '.env.example'), 'utf8').split('\n');
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    for (const name of variableNames) {
      const line = example.findIndex((l) => l.startsWith(`${name}=`));
      expect(line, name).toBeGreaterThan(0);
      expect(example[line - 1], name).toMatch(/^# /);
      expect(readme, name).toContain(`| \`${name}\` |`);
    }
  });
});
