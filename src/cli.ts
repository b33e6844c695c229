/**
 * The `loaban` command. Every operator-facing failure (configuration, database, content, port)
 * ends with its clear lines on stderr and exit code 1, never a bare stack trace.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { checkContentDir, openMigratedStore, startApp } from './app.ts';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.ts';
import { validateContent } from './content/validate.ts';
import { ContentError } from './content/yaml.ts';
import { answerStream } from './faq/ask.ts';
import { loadFaq } from './faq/faq.ts';
import { listGroups } from './groups/areas.ts';
import { readDemoData, seedDemo } from './groups/demo.ts';
import { createInvite, findGroup, GroupNotFound } from './groups/invites.ts';
import { HttpError } from './http/server.ts';
import { exportRows, toCsv, toXlsx } from './reports/export.ts';
import { readFormats } from './reports/parse.ts';
import { formatQuarter, parseQuarter } from './reports/quarter.ts';
import { translator } from './i18n.ts';
import { createLogger, type Logger } from './log.ts';
import { writeNewMigration } from './store/migrations.ts';
import { StoreError } from './store/store.ts';

/** A mistake in what the operator asked for, already worded for them. */
class OperatorError extends Error {
  override name = 'OperatorError';
}

const operatorErrors = [ConfigError, StoreError, ContentError, HttpError, OperatorError];

function environment(): { config: Config; log: Logger; t: ReturnType<typeof translator> } {
  loadDotEnv();
  const config = loadConfig();
  return { config, log: createLogger(config.logLevel), t: translator(config.operatorLanguage) };
}

/** Runs a command body, turning every failure into clear lines and exit code 1. */
function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      const t = translator(process.env.OPERATOR_LANG === 'en' ? 'en' : 'vi');
      const known = operatorErrors.some((kind) => error instanceof kind);
      const message = known ? (error as Error).message : t('ops:cli.failed', { message: (error as Error)?.message?.split('\n')[0] ?? String(error) });
      process.stderr.write(`${message}\n`);
      if (!known && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(error as Error)?.stack}\n`);
      process.exit(1);
    }
  };
}

const program = new Command('loaban')
  .description('Loa Bản — the village loudspeaker: chat bot for grassroots communication groups')
  .showHelpAfterError();

program
  .command('start')
  .description('migrate the database, then serve the chat channels and the web pages until stopped')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      const app = await startApp(config, log);
      log.info({ url: app.url, channels: app.channels.map((c) => c.platform), database: app.store.kind }, t('ops:http.listening', { url: app.url }));
      if (app.sandbox) log.info(t('ops:http.sandboxAt', { url: `${app.url}/sandbox` }));
      let signals = 0;
      const shutdown = async (signal: string) => {
        if (signals++ > 0) process.exit(1);
        log.info({ signal }, t('ops:start.stopping'));
        await app.stop();
        log.info(t('ops:start.stopped'));
        log.flush?.();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    }),
  );

const migrate = program
  .command('migrate')
  .description('apply pending database migrations (start does this too)')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      const { store, applied } = await openMigratedStore(config, log.child({}, { level: 'warn' }));
      await store.close();
      const line = applied.length > 0 ? t('ops:store.migrationsApplied', { count: applied.length, names: applied.join(', ') }) : t('ops:store.migrationsUpToDate');
      process.stdout.write(`${line}\n`);
    }),
  );

migrate
  .command('new <name>')
  .description('write the next migration from prisma/schema.prisma (lower-case name, e.g. add_invite_codes)')
  .action(
    action(async (name: string) => {
      const t = translator(process.env.OPERATOR_LANG === 'en' ? 'en' : 'vi');
      if (!/^[a-z0-9_]+$/.test(name)) throw new ConfigError(t('ops:store.migrationBadName'));
      const folder = await writeNewMigration(name);
      process.stdout.write(`${folder ? t('ops:store.migrationWritten', { path: folder }) : t('ops:store.migrationNothing')}\n`);
    }),
  );

program
  .command('demo')
  .description('demo data')
  .command('seed')
  .description('create the demo province, villages, groups and admins (idempotent)')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      checkContentDir(config);
      const { store } = await openMigratedStore(config, log);
      try {
        const created = await seedDemo(store.prisma, readDemoData(config.contentDir));
        const nothing = created.areas + created.groups + created.admins === 0;
        process.stdout.write(`${nothing ? t('ops:demo.alreadySeeded') : t('ops:demo.seeded', { ...created })}\n`);
      } finally {
        await store.close();
      }
    }),
  );

program
  .command('invite')
  .description('make a one-time code for a group leader to send as /dangky <code> (printed on the last line)')
  .requiredOption('--group <id or name>', 'the communication group')
  .option('--deputy', 'the code makes a deputy leader instead of a leader')
  .action(
    action(async (options: { group: string; deputy?: boolean }) => {
      const { config, log, t } = environment();
      const { store } = await openMigratedStore(config, log);
      try {
        const group = await findGroup(store.prisma, options.group).catch((error: unknown) => {
          if (!(error instanceof GroupNotFound)) throw error;
          const list = error.candidates.map((c) => `${c.id}: ${c.name}`).join('; ');
          throw new OperatorError(t(error.candidates.length > 1 ? 'ops:invite.ambiguous' : 'ops:invite.noGroup', { query: error.query, list }));
        });
        const role = options.deputy ? 'deputy' : 'leader';
        const { code, expiresAt } = await createInvite(store.prisma, { groupId: group.id, role, ttlDays: config.inviteTtlDays, createdBy: 'cli' });
        const until = expiresAt.toLocaleString('vi-VN', { timeZone: config.timeZone });
        process.stdout.write(`${t('ops:invite.made', { group: group.name, id: group.id, role: t(`ops:invite.role.${role}`), until })}\n${code}\n`);
      } finally {
        await store.close();
      }
    }),
  );

program
  .command('groups')
  .description('list the communication groups: id, name, area, leaders, linked chats')
  .option('--json', 'one JSON array instead of lines')
  .action(
    action(async (options: { json?: boolean }) => {
      const { config, log, t } = environment();
      const { store } = await openMigratedStore(config, log);
      try {
        const groups = await listGroups(store.prisma);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
          return;
        }
        for (const g of groups) {
          const leaders = g.leaders.map((l) => `${l.name} (${t(`ops:invite.role.${l.role}`)})`).join(', ') || '—';
          const chats = g.chats.map((c) => `${c.platform}:${c.chatId}`).join(', ') || '—';
          process.stdout.write(`${g.id}\t${g.name}\t${g.areaPath.join(' › ')}\t${leaders}\t${chats}\n`);
        }
      } finally {
        await store.close();
      }
    }),
  );

program
  .command('export')
  .description('export data for reporting upward')
  .command('reports')
  .description('the session reports of a quarter, one row per report (CSV to standard output when no --out)')
  .requiredOption('--quarter <quarter>', 'e.g. 2026Q4')
  .option('--area <id>', 'only groups under this area (a province, commune …)')
  .option('--format <format>', 'csv or xlsx', 'csv')
  .option('--out <file>', 'write to this file')
  .action(
    action(async (options: { quarter: string; area?: string; format: string; out?: string }) => {
      const { config, log, t } = environment();
      const quarter = parseQuarter(options.quarter);
      if (!quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
      if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
      if (options.area !== undefined && !/^\d+$/.test(options.area)) throw new OperatorError(t('ops:export.badArea', { value: options.area }));
      if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
      checkContentDir(config);
      const faq = loadFaq(config.contentDir);
      const { store } = await openMigratedStore(config, log);
      try {
        const areaId = options.area === undefined ? undefined : Number(options.area);
        if (areaId !== undefined && !(await store.prisma.area.findUnique({ where: { id: areaId } }))) {
          throw new OperatorError(t('ops:export.noArea', { value: options.area }));
        }
        const name = formatQuarter(quarter);
        const rows = await exportRows(store.prisma, { quarter: name, areaId, formats: readFormats(config.contentDir), topics: faq.knowledge.topics });
        const body = options.format === 'csv' ? toCsv(t, rows) : await toXlsx(t, rows, name);
        if (options.out) {
          writeFileSync(options.out, body);
          process.stderr.write(`${t('ops:export.written', { count: rows.length, quarter: name, file: options.out })}\n`);
        } else {
          process.stdout.write(body);
        }
      } finally {
        await store.close();
      }
    }),
  );

program
  .command('content')
  .description('the content files (CONTENT_DIR, default content/)')
  .command('validate')
  .description('check every content file as start would; print each problem as file:line: message (exit code 1 when any)')
  .action(
    action(async () => {
      const { config, t } = environment();
      const { problems, summary } = validateContent(config.contentDir);
      if (problems.length === 0) {
        const { campaigns, languages, calendarEvents: events, faqEntries: faq } = summary;
        process.stdout.write(`${t('ops:content.valid', { campaigns, languages: languages.join(', '), events, faq })}\n`);
        return;
      }
      const shown = (file: string) => {
        const relative = path.relative(process.cwd(), file);
        return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
      };
      for (const p of problems) process.stdout.write(`${shown(p.file)}:${p.line}: ${p.message}\n`);
      process.stdout.write(`${t('ops:content.invalid', { count: problems.length })}\n`);
      process.exitCode = 1;
    }),
  );

program
  .command('faq')
  .description('answer the questions on stdin (one per line) as the bot would in a private chat')
  .option('--jsonl', 'read {"q", "lang"?} lines, write {"q", "answer", "faqId", "confidence", "safety"} lines')
  .action(
    action(async (options: { jsonl?: boolean }) => {
      const { config } = environment();
      checkContentDir(config);
      const bad = await answerStream(loadFaq(config.contentDir), process.stdin, process.stdout, process.stderr, Boolean(options.jsonl));
      if (bad > 0) process.exitCode = 1;
    }),
  );

await program.parseAsync(process.argv);
