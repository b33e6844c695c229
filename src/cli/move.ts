/**
 * `loaban move-to-postgres --to postgresql://…`: the embedded database moved into an empty
 * PostgreSQL database (core/store/move.ts), a line per table as it goes, and at the end the
 * DATABASE_URL line to set. Refused with one line, nothing written anywhere, when Loa Bản already
 * uses PostgreSQL, while `loaban start` runs on DATA_DIR (what it wrote after the copy would be
 * lost), when DATA_DIR holds no database, or when the target is not an empty PostgreSQL database
 * that answers. The embedded database is only read: it stays, as a fallback.
 */
import type { Command } from 'commander';
import type { Moved, MoveProgress } from '../core/store/move.ts';
import type { Target } from '../core/store/postgres-target.ts';
import { OperatorError, action, environment } from './common.ts';

/** What the command needs, loaded when it runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([
    import('../core/redact.ts'),
    import('../core/store/control.ts'),
    import('../core/store/migrations.ts'),
    import('../core/store/move.ts'),
    import('../core/store/postgres-target.ts'),
    import('../core/store/store.ts'),
  ]);
  return Object.assign({}, ...loaded) as typeof import('../core/redact.ts') &
    typeof import('../core/store/control.ts') &
    typeof import('../core/store/migrations.ts') &
    typeof import('../core/store/move.ts') &
    typeof import('../core/store/postgres-target.ts') &
    typeof import('../core/store/store.ts');
};

/** Adds the command to `program`. */
export function moveCommands(program: Command): void {
  program
    .command('move-to-postgres')
    .requiredOption('--to <url>')
    .action(
      action(async (options: { to: string }) => {
        const { keepSecret, controlAnswers, openMigratedStore, MoveFailed, moveInto, inspectTarget, readTarget, TargetRefused, hasEmbeddedDatabase, openEmbedded } = await load();
        const { config, log, t } = await environment();
        const say = (line: string) => process.stdout.write(`${line}\n`);
        let interrupted = false;
        /** A refusal or a failure of the move, worded for the operator. */
        const worded = (error: unknown): never => {
          if (error instanceof TargetRefused) throw new OperatorError(t(`ops:move.${error.key}`, error.params));
          if (error instanceof MoveFailed) {
            const reason = interrupted ? t('ops:move.interrupted') : t(`ops:move.why.${error.key}`, error.params);
            throw new OperatorError(error.leftBehind === null ? t('ops:move.failed', { reason }) : t('ops:move.failedLeftBehind', { reason, problem: error.leftBehind, where: target.address }));
          }
          throw error;
        };
        const dir = config.dataDir;
        if (config.databaseUrl) throw new OperatorError(t('ops:move.alreadyPostgres'));
        let target: Target;
        try {
          target = readTarget(options.to);
        } catch (error) {
          return worded(error);
        }
        keepSecret(target.password);
        if (await controlAnswers(dir)) throw new OperatorError(t('ops:move.running', { dir }));
        if (!hasEmbeddedDatabase(dir)) throw new OperatorError(t('ops:move.noEmbedded', { dir }));
        await inspectTarget(target).catch(worded);

        say(t('ops:move.starting', { dir, where: target.address }));
        // Ctrl+C (or a stop) ends the copy at the next chunk the usual way: rolled back, the target emptied again.
        const interrupt = () => {
          if (interrupted) process.exit(130);
          interrupted = true;
        };
        process.on('SIGINT', interrupt);
        process.on('SIGTERM', interrupt);
        const progress = (p: MoveProgress) => {
          if (interrupted) throw new Error('interrupted');
          if (p.step === 'schema') say(t('ops:move.schema', { count: p.migrations }));
          else if (p.step === 'copying') say(t('ops:move.copying', { count: p.tables }));
          else say(t(p.done ? 'ops:move.table' : 'ops:move.tableSoFar', { table: p.table, rows: p.rows }));
        };
        // Holds DATA_DIR's lock for the whole move: a `loaban start` begun meanwhile is refused.
        const { store } = await openMigratedStore(config, log.child({}, { level: 'warn' }));
        let moved: Moved;
        try {
          moved = await store.lendTo!(async (where) => {
            if (where.kind !== 'pglite') throw new Error('the embedded database was expected');
            const source = await openEmbedded(where.dbDir);
            try {
              return await moveInto(source, target, { onProgress: progress });
            } finally {
              await source.close();
            }
          }).catch(worded);
        } finally {
          process.off('SIGINT', interrupt);
          process.off('SIGTERM', interrupt);
          await store.close();
        }

        const rows = moved.tables.reduce((sum, table) => sum + table.rows, 0);
        say(t('ops:move.done', { rows, tables: moved.tables.length, where: target.address }));
        say(t('ops:move.next'));
        say(`DATABASE_URL=${target.url}`);
        say(t('ops:move.fallback', { dir }));
      }),
    );
}
