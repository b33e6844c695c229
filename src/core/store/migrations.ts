/**
 * Migrations in Prisma's own format (prisma/migrations/<timestamp>_<name>/migration.sql and the
 * _prisma_migrations table), applied and written offline through the WASM schema engine.
 * A new migration is the diff from a fresh database with every existing migration applied to
 * the schema; an empty diff means the schema and the migrations agree.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { migrationsDir as defaultMigrationsDir, schemaPath as defaultSchemaPath } from '../paths.ts';
import { withSchemaEngine, type SchemaEngine } from './schema-engine.ts';
import { openMemoryStore, openStore, StoreError, type DatabaseLocation, type Db, type Store } from './store.ts';
import { lockfileContent, lockfileName, migrationChecksums, migrationsList } from './migration-files.ts';
import { runApart } from './apart.ts';
import { isEmptyFolder, matchingTemplate, unpackApart } from './template-image.ts';
import { translator } from '../i18n.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

const filters = { externalTables: [], externalEnums: [] };

export interface MigrationPaths {
  schemaPath: string;
  migrationsDir: string;
}

const defaults: MigrationPaths = { schemaPath: defaultSchemaPath, migrationsDir: defaultMigrationsDir };

function readSchema(paths: MigrationPaths) {
  return { fileName: path.basename(paths.schemaPath), text: readFileSync(paths.schemaPath, 'utf8') };
}

/** Applies pending migrations to the database behind `factory`; returns the names applied. */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  paths: MigrationPaths = defaults,
): Promise<string[]> {
  const result = await withSchemaEngine(factory, readSchema(paths), async (engine) => {
    try {
      return await engine.applyMigrations({ migrationsList: migrationsList(paths.migrationsDir), filters });
    } catch (error) {
      throw await failedMigration(engine, error);
    }
  });
  return result.appliedMigrationNames;
}

/** What the migration child (migrate-worker.ts) answers: the migrations it applied, or its error and, for one left failed, which. */
export type MigrateAnswer = { applied: string[]; error?: undefined } | { error: string; markedFailed?: string; applied?: undefined };

/** A migration an earlier version left failed (Prisma's P3009): the engine refuses to go on until it is mended. */
export class MigrationMarkedFailed extends Error {
  override name = 'MigrationMarkedFailed';
  constructor(
    readonly migration: string,
    options?: ErrorOptions,
  ) {
    super(`${migration}: failed at an earlier start and is still marked failed in _prisma_migrations (set its rolled_back_at to try it again)`, options);
  }
}

/**
 * The engine's error as the operator reads it, in its first line (all `loaban start` shows): the
 * migration and what the database said — the engine's own begins "external connector error". A
 * script runs as one transaction and left nothing, so the migration is marked rolled back: the next
 * start runs it again (mended, or once what stopped it is), where the engine would refuse every
 * start until someone ran `prisma migrate resolve`, which cannot reach the embedded database.
 */
async function failedMigration(engine: SchemaEngine, error: unknown): Promise<unknown> {
  const message = (error as Error)?.message ?? String(error);
  const migration = /migration_name="([^"]+)"/.exec(message)?.[1];
  if (migration) {
    await engine.markMigrationRolledBack({ migrationName: migration }).catch(() => undefined);
    const said = message.split('\n').map((line) => line.trim()).find((line) => line !== '' && line !== 'external connector error');
    return new Error(`${migration}: ${said ?? message}`, { cause: error });
  }
  // Left failed by an earlier version (P3009): named, for whoever mends the database.
  const earlier = /The `([^`]+)` migration started at .+ failed/.exec(message)?.[1];
  return earlier ? new MigrationMarkedFailed(earlier, { cause: error }) : error;
}

/** The SQL that would bring a database with every migration applied up to the schema; '' when none. */
export async function pendingSchemaChange(paths: MigrationPaths = defaults): Promise<string> {
  const store = await openMemoryStore();
  try {
    await applyMigrations(store.adapterFactory, paths);
    const schema = readSchema(paths);
    const files = [{ path: schema.fileName, content: schema.text }];
    const diff = await withSchemaEngine(store.adapterFactory, schema, (engine) =>
      engine.diff({
        from: { tag: 'schemaDatasource', files, configDir: path.dirname(paths.schemaPath) },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        filters,
      }),
    );
    const sql = diff.stdout ?? '';
    return /^\s*(--[^\n]*\n?\s*)*$/.test(sql) ? '' : sql;
  } finally {
    await store.close();
  }
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql from the schema.
 * Returns the folder written, or null when the schema and the migrations already agree.
 */
export async function writeNewMigration(name: string, paths: MigrationPaths = defaults, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new RangeError('migrationBadName');
  const sql = await pendingSchemaChange(paths);
  if (!sql) return null;
  mkdirSync(paths.migrationsDir, { recursive: true });
  const lockPath = path.join(paths.migrationsDir, lockfileName);
  if (!existsSync(lockPath)) writeFileSync(lockPath, lockfileContent);
  const folder = path.join(paths.migrationsDir, `${timestamp(now)}_${name}`);
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'migration.sql'), sql);
  return folder;
}

/**
 * Whether the database has applied every migration of `dir` as it is on disk (same name, same
 * checksum — Prisma's sha256 of migration.sql) and none is left half-done. The usual start needs no
 * more: the schema engine (a large WebAssembly module) then stays unloaded.
 */
export async function migrationsUpToDate(db: Db, dir: string = defaults.migrationsDir): Promise<boolean> {
  let rows: Array<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean }>;
  try {
    rows = await db.$queryRawUnsafe(
      'SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations',
    );
  } catch {
    return false; // a new database: no table yet
  }
  if (rows.some((r) => !r.finished && !r.rolled_back)) return false; // a failed migration: the engine says what to do
  const applied = new Map(rows.filter((r) => r.finished && !r.rolled_back).map((r) => [r.migration_name, r.checksum]));
  return migrationChecksums(dir).every((m) => applied.get(m.name) === m.checksum);
}

/**
 * Applies the pending migrations in a child process (migrate-worker.ts), which opens the database at
 * `where` itself: the schema engine's memory (several hundred MB) goes back to the system when it
 * exits. A worker thread was tried first: its memory stayed in this process, ~110 MB after a first start.
 */
export async function migrateApart(where: DatabaseLocation): Promise<{ applied: string[] }> {
  const { answer, ended, lastLine } = await runApart<MigrateAnswer>('migrate-worker', where);
  if (answer?.error !== undefined) throw answer.markedFailed ? new MigrationMarkedFailed(answer.markedFailed) : new Error(answer.error);
  if (!answer?.applied) throw new Error(`the migration process stopped without an answer (it ended with ${ended})${lastLine ? `: ${lastLine}` : ''}`);
  return { applied: answer.applied };
}

/** Opens the database and brings it to the current schema; `applied` names the migrations run now. */
export async function openMigratedStore(config: Config, log: Logger, { reachRunning = false } = {}): Promise<{ store: Store; applied: string[] }> {
  const t = translator(config.operatorLanguage);
  const failed = (error: unknown): never => {
    const reason = error instanceof MigrationMarkedFailed ? t('ops:store.migrationMarkedFailed', { migration: error.migration }) : ((error as Error)?.message ?? String(error)).split('\n')[0];
    throw new StoreError(t('ops:store.migrationFailed', { reason }));
  };
  let applied: string[] = [];
  let fromTemplate = false;
  // A new embedded database: unpacked from the template `npm install` made when it holds exactly
  // these migrations (no Postgres runs for it), else created and migrated by the migration child
  // alone (see StoreOptions.whenNew).
  const whenNew = async (where: DatabaseLocation) => {
    const template = where.kind === 'pglite' && isEmptyFolder(where.dbDir) ? matchingTemplate() : null;
    if (where.kind === 'pglite' && template) {
      await unpackApart(where.dbDir, template).catch((error: unknown) => {
        throw new StoreError(t('ops:store.templateFailed', { file: template.image, reason: ((error as Error)?.message ?? String(error)).split('\n')[0] }));
      });
      applied = template.migrations;
      fromTemplate = true;
    } else applied = (await migrateApart(where).catch(failed)).applied;
  };
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, language: config.operatorLanguage, reachRunning, whenNew });
  try {
    const upToDate = await migrationsUpToDate(store.prisma);
    if (!upToDate && store.viaControl) throw new StoreError(t('ops:store.runningOtherVersion', { dir: config.dataDir }));
    const migrate = store.lendTo ? async () => (await store.lendTo!(migrateApart)).applied : () => applyMigrations(store.adapterFactory);
    if (!upToDate) applied = [...applied, ...(await migrate().catch(failed))];
    if (fromTemplate) log.info({ migrations: applied }, 'new embedded database made from the template npm install wrote');
    else if (applied.length > 0) log.info({ applied }, 'database migrated');
    return { store, applied };
  } catch (error) {
    await store.close();
    throw error;
  }
}
