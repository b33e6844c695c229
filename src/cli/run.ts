/**
 * `loaban` start, migrate, migrate new, demo seed, dispatch: running Loa Bản and its database.
 */
import path from 'node:path';
import { translator } from '../core/i18n.ts';
import { environment, withStore, action, stopOnSignals } from './common.ts';
import type { Command } from 'commander';
import { ConfigError, operatorSettings } from '../core/config.ts';
import { youngGenerationWhileServing } from '../bin/v8-flags.js';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../content/folder.ts'), import('../core/store/migrations.ts'), import('../features/groups/index.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../content/folder.ts') & typeof import('../core/store/migrations.ts') & typeof import('../features/groups/index.ts');
};

/** Adds the commands to `program`. */
export function runCommands(program: Command): void {
  program
    .command('start')
    .action(
      action(async () => {
        const { config, log, t } = await environment();
        // The server's modules (web, channels, delivery) load for `start` only, not for every command.
        const starting = import('../app.ts').then(({ startApp }) => startApp(config, log));
        const stopping = stopOnSignals(starting, log, t);
        const app = await starting;
        if (stopping()) return;
        youngGenerationWhileServing();
        log.info({ url: app.url, channels: app.channels.map((c) => c.platform), database: app.store.kind }, t('ops:http.listening', { url: app.url }));
        if (app.sandbox) log.info(t('ops:http.sandboxAt', { url: `${app.url}/sandbox` }));
        log.info(t('ops:http.adminAt', { url: `${config.publicUrl ?? app.url}/admin` }));
        if ((config.telegram || config.zalo) && !config.publicUrl) log.warn(t('ops:http.noPublicUrl', { url: app.url }));
      }),
    );

  const migrate = program
    .command('migrate')
    .action(
      action(async () => {
        const { openMigratedStore } = await load();
        const { config, log, t } = await environment();
        const { store, applied } = await openMigratedStore(config, log.child({}, { level: 'warn' }));
        await store.close();
        const line = applied.length > 0 ? t('ops:store.migrationsApplied', { count: applied.length, names: applied.join(', ') }) : t('ops:store.migrationsUpToDate');
        process.stdout.write(`${line}\n`);
      }),
    );

  migrate
    .command('new <name>')
    .action(
      action(async (name: string) => {
        const { writeNewMigration } = await load();
        const t = translator(operatorSettings().language);
        if (!/^[a-z0-9_]+$/.test(name)) throw new ConfigError(t('ops:store.migrationBadName'));
        const folder = await writeNewMigration(name);
        process.stdout.write(`${folder ? t('ops:store.migrationWritten', { path: folder }) : t('ops:store.migrationNothing')}\n`);
      }),
    );

    program
    .command('demo')
    .command('seed')
    .action(
      action(async () => {
        const { checkContentDir, readDemoData, seedDemo } = await load();
        const { config, log, t } = await environment();
        checkContentDir(config);
        await withStore(config, log, async (store) => {
          const created = await seedDemo(store.prisma, readDemoData(config.contentDir));
          const nothing = created.areas + created.groups + created.admins === 0;
          process.stdout.write(`${nothing ? t('ops:demo.alreadySeeded') : t('ops:demo.seeded', { ...created })}\n`);
        });
      }),
    );

    program
    .command('dispatch')
    .action(
      action(async () => {
        const { config, log, t } = await environment();
        const starting = import('../app.ts').then(({ startDispatch }) => startDispatch(config, log));
        const stopping = stopOnSignals(starting, log, t);
        const running = await starting;
        if (stopping()) return;
        log.info({ database: running.store.kind, platforms: running.delivery.dispatchers.length }, t('ops:dispatch.started'));
      }),
    );
}
