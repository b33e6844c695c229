/**
 * The `loaban` command. Every operator-facing failure (configuration, database, content, port)
 * ends with its clear lines on stderr and exit code 1, never a bare stack trace.
 */
import { Command } from 'commander';
import { checkContentDir, openMigratedStore, startApp } from './app.ts';
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config.ts';
import { ContentError } from './content/yaml.ts';
import { answerStream } from './faq/ask.ts';
import { loadFaq } from './faq/faq.ts';
import { readDemoData, seedDemo } from './groups/demo.ts';
import { HttpError } from './http/server.ts';
import { translator } from './i18n.ts';
import { createLogger, type Logger } from './log.ts';
import { writeNewMigration } from './store/migrations.ts';
import { StoreError } from './store/store.ts';

const operatorErrors = [ConfigError, StoreError, ContentError, HttpError];

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
