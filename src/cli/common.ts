/**
 * What every `loaban` command shares: the environment, the database for one command, and turning
 * every operator-facing failure into clear lines on stderr and exit code 1, never a bare stack trace.
 * The command modules load what a command needs when it runs (`await import`), not when the program
 * is built: `loaban --help` loads only commander, the configuration and the words.
 */
import path from 'node:path';
import { ConfigError, keepSecrets, loadConfig, loadDotEnv, operatorSettings, type Config } from '../core/config.ts';
import type { AreaNotFound, GroupNotFound } from '../features/groups/index.ts';
import { translator } from '../core/i18n.ts';
import type { Logger } from '../core/log.ts';
import type { Store } from '../core/store/store.ts';

/** A mistake in what the operator asked for, already worded for them. */
export class OperatorError extends Error {
  override name = 'OperatorError';
}

/** The failures worded for the operator: their message is shown as it is. */
async function operatorErrors(): Promise<Array<abstract new (...args: never[]) => Error>> {
  const [{ StoreError }, { ContentError }, { HttpError }] = await Promise.all([
    import('../core/store/store.ts'),
    import('../content/yaml.ts'),
    import('../core/http/errors.ts'),
  ]);
  return [ConfigError, StoreError, ContentError, HttpError, OperatorError];
}

/**
 * The configuration (read and checked now), a logger and the operator's words. A command that will
 * open the embedded database (`database`, the default) has its WebAssembly compiled meanwhile —
 * unless a running `loaban start` holds it, and the command will talk to it through its socket.
 */
export async function environment({ database = true } = {}): Promise<{ config: Config; log: Logger; t: ReturnType<typeof translator> }> {
  loadDotEnv();
  const config = loadConfig();
  keepSecrets(config);
  if (database && !config.databaseUrl) {
    const [{ prepareEmbedded }, { embeddedHolder }] = await Promise.all([import('../core/store/pglite-early.ts'), import('../core/store/store.ts')]);
    if (embeddedHolder(config.dataDir) === null) prepareEmbedded();
  }
  const { createLogger } = await import('../core/log.ts');
  return { config, log: createLogger(config.logLevel), t: translator(config.operatorLanguage) };
}

/** Opens the migrated database for one command and closes it afterwards, whatever happens. */
export async function withStore<T>(config: Config, log: Logger, use: (store: Store) => Promise<T>): Promise<T> {
  const { openMigratedStore } = await import('../core/store/migrations.ts');
  // While `loaban start` runs on the embedded database, the command reaches it through its control socket.
  const { store } = await openMigratedStore(config, log, { reachRunning: true });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/**
 * Stops a long-running command cleanly on SIGINT or SIGTERM (Ctrl+C, a supervisor's stop), listening
 * from before it starts: a signal while `starting` lets the start finish, then stops what started
 * (without a handler, Node would end the process at once, mid-migration or mid-write). A second
 * signal ends it at once with exit code 1. A start that fails is reported by `action`. Returns
 * whether a signal has come, so that a start being stopped does not announce itself as running.
 */
export function stopOnSignals(starting: Promise<{ stop(): Promise<void> }>, log: Logger, t: ReturnType<typeof translator>): () => boolean {
  let signals = 0;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (signals++ > 0) process.exit(1);
    log.info({ signal }, t('ops:start.stopping'));
    const running = await starting.catch(() => null);
    if (!running) return;
    await running.stop();
    log.info(t('ops:start.stopped'));
    log.flush?.();
    process.exit(0);
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));
  return () => signals > 0;
}

/** Runs a command body, turning every failure into clear lines and exit code 1. */
export function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      // The configuration may be what failed: only the operator's language and LOG_LEVEL are read here.
      const operator = operatorSettings();
      const t = translator(operator.language);
      const known = (await operatorErrors()).some((kind) => error instanceof kind);
      const message = known ? (error as Error).message : t('ops:cli.failed', { message: (error as Error)?.message?.split('\n')[0] ?? String(error) });
      process.stderr.write(`${message}\n`);
      if (!known && operator.debug) process.stderr.write(`${(error as Error)?.stack}\n`);
      process.exit(1);
    }
  };
}

/** A group or area the operator named that does not exist (or is ambiguous), worded for them. */
export function notFound(t: ReturnType<typeof translator>, kind: 'group' | 'area', error: GroupNotFound | AreaNotFound): OperatorError {
  const list = error.candidates.map((c) => `${c.id}: ${c.name}`).join('; ');
  return new OperatorError(t(error.candidates.length > 1 ? `ops:schedule.ambiguous_${kind}` : `ops:schedule.no_${kind}`, { query: error.query, list }));
}

/** "content/directory/x.yaml:7" relative to where the operator stands when inside it. */
export function shownPath(file: string, line?: number): string {
  const relative = path.relative(process.cwd(), file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return line === undefined ? shown : `${shown}:${line}`;
}
