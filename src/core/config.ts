/**
 * The environment, read once and validated here; everything below receives a typed `Config`.
 * A bad value stops start-up with one line per variable: its name and what is expected, never the
 * value given (it may be a token, a secret or a password).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { translator } from './i18n.ts';
import { defaultContentDir } from './paths.ts';
import { keepSecret } from './redact.ts';

export type QuietHours = { startMinute: number; endMinute: number } | null;

/** How fast Loa Bản may send on one platform; `null`: no such limit. */
export interface RateLimits {
  perSecond: number;
  perGroupPerMinute: number | null;
  perChatPerSecond: number;
}

export interface DeliveryConfig {
  rates: { telegram: RateLimits; zalo: RateLimits; sandbox: RateLimits };
  /** A scheduled run missed while the bot was down is still sent if at most this late. */
  graceMinutes: number;
  /** Tries of a delivery that keeps failing for a passing reason, before it is marked failed. */
  maxAttempts: number;
  /** Sends in flight at once per platform in one process. */
  concurrency: number;
}

export interface Config {
  databaseUrl: string | null;
  dataDir: string;
  contentDir: string;
  telegram: { token: string; apiRoot: string; webhookUrl: string | null; webhookSecret: string | null } | null;
  zalo: { token: string; apiRoot: string; webhookUrl: string | null; webhookSecret: string | null } | null;
  sandbox: boolean;
  host: string;
  port: number;
  /** The base URL people reach this server at (links in chats); null: the server's own address. */
  publicUrl: string | null;
  timeZone: string;
  quietHours: QuietHours;
  /** Days an invite code for a group leader stays valid. */
  inviteTtlDays: number;
  /** Days the nightly backups of the embedded database are kept (DATA_DIR/backups); 0: no nightly backup. */
  backupKeepDays: number;
  /** /metrics: null when off; else the token a scrape must bear (null: only direct requests from this machine). */
  metrics: { token: string | null } | null;
  /** Days after a quarter ends during which a session of that quarter can still be reported. */
  reportGraceDays: number;
  /** Messages a minute one person gets answers to; the rest of a burst is dropped (danger never). */
  personMessagesPerMinute: number;
  delivery: DeliveryConfig;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  operatorLanguage: 'vi' | 'en';
}

/** A configuration problem an operator must fix; `message` holds one line per bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const hhmm = /^([01]\d|2[0-3]):([0-5]\d)$/;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parseQuietHours(value: string): QuietHours {
  if (value === 'off') return null;
  const [from, to] = value.split('-');
  const a = hhmm.exec(from ?? '');
  const b = hhmm.exec(to ?? '');
  if (!a || !b) throw new Error('bad');
  return { startMinute: Number(a[1]) * 60 + Number(a[2]), endMinute: Number(b[1]) * 60 + Number(b[2]) };
}

const url = z.url({ protocol: /^https?$/ });
const optional = (schema: z.ZodType<string>) => schema.optional();

/** Each variable: its schema, and the key of its "expected" text in locales/<lng>/ops.json. */
const variables = {
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\/.+/)),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).optional(),
  TELEGRAM_BOT_TOKEN: optional(z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/)),
  TELEGRAM_API_ROOT: url.default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optional(z.url({ protocol: /^https$/ })),
  TELEGRAM_WEBHOOK_SECRET: optional(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/)),
  ZALO_BOT_TOKEN: optional(z.string().regex(/^\d+:\S{8,}$/)),
  ZALO_API_ROOT: url.default('https://bot-api.zaloplatforms.com'),
  ZALO_WEBHOOK_URL: optional(z.url({ protocol: /^https$/ })),
  ZALO_WEBHOOK_SECRET: optional(z.string().regex(/^\S{16,256}$/)),
  SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optional(url),
  TZ_AREA: z.string().refine(validTimeZone).default('Asia/Ho_Chi_Minh'),
  QUIET_HOURS: z
    .string()
    .refine((v) => {
      try {
        parseQuietHours(v);
        return true;
      } catch {
        return false;
      }
    })
    .default('21:00-06:00'),
  INVITE_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  BACKUP_KEEP_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  METRICS: z.enum(['on', 'off']).default('off'),
  METRICS_TOKEN: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/).optional(),
  REPORT_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(15),
  PERSON_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  TELEGRAM_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(30),
  TELEGRAM_GROUP_RATE_PER_MINUTE: z.coerce.number().positive().max(1000).default(20),
  TELEGRAM_CHAT_RATE_PER_SECOND: z.coerce.number().positive().max(100).default(1),
  ZALO_RATE_PER_SECOND: z.coerce.number().positive().max(1000).default(10),
  ZALO_CHAT_RATE_PER_SECOND: z.coerce.number().positive().max(100).default(1),
  SCHEDULE_GRACE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(360),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPERATOR_LANG: z.enum(['vi', 'en']).default('vi'),
} as const;

export type VariableName = keyof typeof variables;
export const variableNames = Object.keys(variables) as VariableName[];

/**
 * What is needed even when the whole configuration cannot be read (to word that very error): the
 * operator's language, and whether LOG_LEVEL asks for stack traces.
 */
export function operatorSettings(env: NodeJS.ProcessEnv = process.env): { language: 'vi' | 'en'; debug: boolean } {
  return { language: env.OPERATOR_LANG === 'en' ? 'en' : 'vi', debug: env.LOG_LEVEL === 'debug' };
}

/** Loads `.env` from the working directory into `env` when the file exists (variables already set win). */
export function loadDotEnv(cwd = process.cwd()): void {
  const file = path.join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/**
 * Reads and validates the environment. Empty strings count as unset, so a line `PORT=` in
 * .env means the default. Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const t = translator(operatorSettings(env).language);
  const raw = Object.fromEntries(variableNames.map((name) => [name, env[name] === '' ? undefined : env[name]?.trim()]));
  const problems: string[] = [];
  const value: Record<string, unknown> = {};
  for (const name of variableNames) {
    const parsed = variables[name].safeParse(raw[name]);
    if (parsed.success) value[name] = parsed.data;
    else problems.push(t('ops:config.invalid', { name, expected: t(`ops:config.expected.${name}`) }));
  }
  const v = value as { [K in VariableName]: z.infer<(typeof variables)[K]> };
  const requires = (name: VariableName, needed: VariableName) => {
    if (v[name] && !v[needed]) problems.push(t('ops:config.requires', { name, needed }));
  };
  requires('TELEGRAM_WEBHOOK_URL', 'TELEGRAM_BOT_TOKEN');
  requires('TELEGRAM_WEBHOOK_URL', 'TELEGRAM_WEBHOOK_SECRET');
  requires('ZALO_WEBHOOK_URL', 'ZALO_BOT_TOKEN');
  requires('ZALO_WEBHOOK_URL', 'ZALO_WEBHOOK_SECRET');
  // The sandbox's demo admins would act on real groups; a loopback HOST is no guard behind a proxy.
  const token = v.TELEGRAM_BOT_TOKEN ? 'TELEGRAM_BOT_TOKEN' : v.ZALO_BOT_TOKEN ? 'ZALO_BOT_TOKEN' : null;
  if (v.SANDBOX === 'on' && token) problems.push(t('ops:config.sandboxWithToken', { token }));
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));

  const telegram = v.TELEGRAM_BOT_TOKEN
    ? {
        token: v.TELEGRAM_BOT_TOKEN,
        apiRoot: v.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
        webhookUrl: v.TELEGRAM_WEBHOOK_URL ?? null,
        webhookSecret: v.TELEGRAM_WEBHOOK_SECRET ?? null,
      }
    : null;
  const zalo = v.ZALO_BOT_TOKEN
    ? {
        token: v.ZALO_BOT_TOKEN,
        apiRoot: v.ZALO_API_ROOT.replace(/\/+$/, ''),
        webhookUrl: v.ZALO_WEBHOOK_URL ?? null,
        webhookSecret: v.ZALO_WEBHOOK_SECRET ?? null,
      }
    : null;
  return {
    databaseUrl: v.DATABASE_URL ?? null,
    dataDir: path.resolve(cwd, v.DATA_DIR),
    contentDir: v.CONTENT_DIR ? path.resolve(cwd, v.CONTENT_DIR) : defaultContentDir,
    telegram,
    zalo,
    sandbox: v.SANDBOX === 'on' || (v.SANDBOX === 'auto' && !telegram && !zalo),
    host: v.HOST,
    port: v.PORT,
    publicUrl: v.PUBLIC_URL ? v.PUBLIC_URL.replace(/\/+$/, '') : null,
    timeZone: v.TZ_AREA,
    quietHours: parseQuietHours(v.QUIET_HOURS),
    inviteTtlDays: v.INVITE_TTL_DAYS,
    backupKeepDays: v.BACKUP_KEEP_DAYS,
    metrics: v.METRICS === 'on' ? { token: v.METRICS_TOKEN ?? null } : null,
    reportGraceDays: v.REPORT_GRACE_DAYS,
    personMessagesPerMinute: v.PERSON_MESSAGES_PER_MINUTE,
    delivery: {
      rates: {
        telegram: {
          perSecond: v.TELEGRAM_RATE_PER_SECOND,
          perGroupPerMinute: v.TELEGRAM_GROUP_RATE_PER_MINUTE,
          perChatPerSecond: v.TELEGRAM_CHAT_RATE_PER_SECOND,
        },
        zalo: { perSecond: v.ZALO_RATE_PER_SECOND, perGroupPerMinute: null, perChatPerSecond: v.ZALO_CHAT_RATE_PER_SECOND },
        sandbox: { perSecond: 1000, perGroupPerMinute: null, perChatPerSecond: 100 },
      },
      graceMinutes: v.SCHEDULE_GRACE_MINUTES,
      maxAttempts: v.DELIVERY_MAX_ATTEMPTS,
      concurrency: v.DELIVERY_CONCURRENCY,
    },
    logLevel: v.LOG_LEVEL,
    operatorLanguage: v.OPERATOR_LANG,
  };
}

/** Remembers the configuration's secrets so that redact.ts hides them wherever they appear. */
export function keepSecrets(config: Config): void {
  for (const platform of [config.telegram, config.zalo]) {
    keepSecret(platform?.token);
    keepSecret(platform?.webhookSecret);
  }
  if (config.databaseUrl) keepSecret(decodeURIComponent(new URL(config.databaseUrl).password));
  keepSecret(config.metrics?.token);
}

/** The platforms this configuration sends on. */
export function platformsOf(config: Config): string[] {
  return [...(config.sandbox ? ['sandbox'] : []), ...(config.telegram ? ['telegram'] : []), ...(config.zalo ? ['zalo'] : [])];
}
