/**
 * Opens the database: embedded PGlite under DATA_DIR by default, a PostgreSQL server when
 * DATABASE_URL is set. Both go through the same generated Prisma client and the same migrations.
 * Failures an operator can cause (a foreign, damaged or busy DATA_DIR, a server that does not
 * answer) become a StoreError with one clear line; nothing that was on disk is changed by a failed
 * open (a new database the open made itself and could not open is removed again).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { translator } from '../i18n.ts';
import { StoreError } from './errors.ts';
import { takeEmbedded } from './pglite-early.ts';
import { parsersOnce } from './pglite-parsers.ts';
import { statementNames } from './statement-names.ts';

export type Db = InstanceType<typeof PrismaClient>;

/** Where another thread finds this database: the embedded folder (while this process leaves it) or the server. */
export type DatabaseLocation = { kind: 'pglite'; dbDir: string } | { kind: 'postgres'; url: string };

export interface Store {
  prisma: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded database of a running `loaban start`, reached through its control socket (control.ts). */
  viaControl?: true;
  /** The adapter factory, for the schema engine (migrations). */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
  /**
   * Runs `work` while this process leaves the database to another thread (the embedded one is
   * closed, DATA_DIR's lock kept), then takes it back: `prisma` is a new client afterwards.
   * Absent for a database that cannot be shared (in memory, or reached through a running bot).
   */
  lendTo?<T>(work: (where: DatabaseLocation) => Promise<T>): Promise<T>;
  /** The embedded database's folder as a tar.gz image, taken between two queries (backup.ts). Absent on PostgreSQL. */
  backupImage?(): Promise<Uint8Array>;
}

export { StoreError } from './errors.ts';

/** DATA_DIR is in use by another live process. */
class DataDirLocked extends StoreError {}

export interface StoreOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** Operator language for error lines. */
  language?: string;
  /**
   * A command's own use: when a running `loaban start` holds the embedded database, reach it through
   * its control socket instead of refusing.
   */
  reachRunning?: boolean;
  /**
   * Called before a new embedded database (no files yet) is first opened here, with DATA_DIR's
   * lock held: it may create and migrate it elsewhere (a child process), so this process never
   * holds the memory of creating it (several hundred MB while Postgres' initdb runs).
   */
  whenNew?: (where: DatabaseLocation) => Promise<void>;
}

/**
 * Postgres settings of the embedded database for a small server (1 GB of memory): 16 MB of shared
 * buffers instead of 128 MB saves about 100 MB of memory; the data of one province fits, and the
 * operating system caches the files under them. Larger deployments use a PostgreSQL server.
 */
const smallServer = ['-c', 'shared_buffers=16MB'];

/** Opens the embedded database in `dbDir` with the small server's settings (`image`: a new one unpacked from it). */
export async function openEmbedded(dbDir: string, image?: Blob): Promise<PGlite> {
  const [{ PGlite }, artifacts] = await Promise.all([import('@electric-sql/pglite'), takeEmbedded()]);
  return PGlite.create(dbDir, { ...artifacts, startParams: [...PGlite.defaultStartParams, ...smallServer], ...(image ? { loadDataDir: image } : {}) });
}

/** The file that marks a folder as Loa Bản's own data folder. */
const markerFile = 'LOABAN-DATA.txt';
const lockFile = 'loaban.pid';
/** What the marker file says, in English and in Vietnamese (whoever opens the folder). */
const markerText = () => ['en', 'vi'].map((language) => `${translator(language)('ops:store.dataDirMarker')}\n`).join('');

/** Marks `dataDir` as Loa Bản's own data folder (a restore writes into an empty one). */
export function markData(dataDir: string): void {
  writeFileSync(path.join(dataDir, markerFile), markerText());
}

/** Whether `dataDir` holds an embedded Loa Bản database (looked at only: nothing is opened or written). */
export function hasEmbeddedDatabase(dataDir: string): boolean {
  return existsSync(path.join(dataDir, markerFile)) && existsSync(path.join(dataDir, 'db', 'PG_VERSION'));
}

/** Takes the mark away again (a restore that failed half-way). */
export function unmarkData(dataDir: string): void {
  rmSync(path.join(dataDir, markerFile), { force: true });
}

export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.language) : openPglite(options);
}

/** An in-memory embedded database (empty, or restored from a `dumpDataDir` snapshot): for tests and for writing migrations. */
export async function openMemoryStore(snapshot?: Blob): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(snapshot ? { loadDataDir: snapshot } : {});
  return fromPglite(pglite, null, async () => {});
}

// The database drivers and the client load when a database is opened, not with every module that
// names the Db type: `loaban --help` and the content commands start without them.
async function fromPglite(first: PGlite, dbDir: string | null, release: () => Promise<void>): Promise<Store> {
  const [{ PrismaPGlite }, { PrismaClient }] = await Promise.all([import('pglite-prisma-adapter'), import('../../generated/prisma/client.ts')]);
  let pglite = first;
  const connect = () => {
    const adapterFactory = new PrismaPGlite(parsersOnce(pglite));
    return { adapterFactory, prisma: new PrismaClient({ adapter: adapterFactory }) };
  };
  const store: Store = {
    ...connect(),
    kind: 'pglite',
    async close() {
      await store.prisma.$disconnect();
      await pglite.close();
      await release();
    },
    // A checkpoint (PGlite runs it between transactions), then the folder copied between two queries
    // (its query lock): the image opens as it was; a transaction begun in between is rolled back in
    // the copy, as after a power cut.
    backupImage: async () => {
      await pglite.exec('CHECKPOINT');
      return new Uint8Array(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
    },
    ...(dbDir && {
      async lendTo(work) {
        await store.prisma.$disconnect();
        await pglite.close();
        try {
          return await work({ kind: 'pglite', dbDir });
        } finally {
          pglite = await openEmbedded(dbDir);
          Object.assign(store, connect());
        }
      },
    }),
  };
  return store;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process (not this one) holding DATA_DIR's embedded database, by the pid in its lock file; null when none. */
export function embeddedHolder(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, lockFile), 'utf8').trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid) ? pid : null;
}

/** Takes DATA_DIR/loaban.pid so two processes never open one embedded database. */
function takeLock(dir: string, t: ReturnType<typeof translator>): () => void {
  const file = path.join(dir, lockFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = embeddedHolder(dir);
      if (pid !== null) {
        throw new DataDirLocked(t('ops:store.dataDirLocked', { dir, pid }));
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new DataDirLocked(t('ops:store.dataDirLocked', { dir, pid: '?' }));
}

/**
 * Makes DATA_DIR when it is new (its parents as usual, itself 0700) and keeps it its owner's alone:
 * the database files inside are written readable by every account (PGlite's file system), and they
 * hold what people told the bot. Call it on a folder known to be Loa Bản's or empty: another's is
 * not changed. A folder this process may not change (another account's) is left as it is.
 */
export function ownerOnlyFolder(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(path.dirname(dir), { recursive: true });
    mkdirSync(dir, { mode: 0o700 });
  }
  try {
    if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    // Not ours to change: opening it goes on as before.
  }
}

async function openPglite({ dataDir, language, reachRunning = false, whenNew }: StoreOptions): Promise<Store> {
  const t = translator(language);
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new StoreError(t('ops:store.dataDirNotDirectory', { dir: dataDir }));
  }
  if (!existsSync(dataDir)) ownerOnlyFolder(dataDir);
  const entries = readdirSync(dataDir).filter((name) => !name.startsWith('.'));
  const ours = entries.includes(markerFile);
  if (!ours && entries.length > 0) throw new StoreError(t('ops:store.dataDirForeign', { dir: dataDir }));
  ownerOnlyFolder(dataDir); // Loa Bản's or empty: an earlier version left it open to others
  const dbDir = path.join(dataDir, 'db');
  if (ours && existsSync(dbDir) && readdirSync(dbDir).length > 0 && !existsSync(path.join(dbDir, 'PG_VERSION'))) {
    throw new StoreError(t('ops:store.dataDirCorrupt', { dir: dataDir, reason: 'db/PG_VERSION missing' }));
  }
  if (!ours) markData(dataDir);
  let release: () => void;
  try {
    release = takeLock(dataDir, t);
  } catch (error) {
    const running = error instanceof DataDirLocked && reachRunning ? await openThroughControl(dataDir, language) : null;
    if (running) return running;
    throw error;
  }
  // A new database unpacked or made by a start stopped half-way, left beside `db`: ours, and never used.
  rmSync(`${dbDir}.new`, { recursive: true, force: true });
  const made = Boolean(whenNew) && !existsSync(path.join(dbDir, 'PG_VERSION'));
  if (made) {
    try {
      await whenNew!({ kind: 'pglite', dbDir });
    } catch (error) {
      release();
      throw error;
    }
  }
  let pglite: PGlite;
  try {
    pglite = await openEmbedded(dbDir);
    await pglite.query('select 1');
  } catch (error) {
    // Made just now and not opening (a damaged template): removed, so the next start makes it again.
    if (made) rmSync(dbDir, { recursive: true, force: true });
    release();
    throw new StoreError(t(made ? 'ops:store.newDatabaseFailed' : 'ops:store.dataDirCorrupt', { dir: dataDir, reason: reasonOf(error) }));
  }
  return fromPglite(pglite, dbDir, async () => release());
}

/** The database of the `loaban start` running on `dataDir`, through its control socket; null when none answers. */
async function openThroughControl(dataDir: string, language?: string): Promise<Store | null> {
  const { connectControl } = await import('./control.ts');
  const control = await connectControl(dataDir, language);
  if (!control) return null;
  const { PrismaClient } = await import('../../generated/prisma/client.ts');
  const prisma = new PrismaClient({ adapter: control.factory });
  const refuse = () => Promise.reject(new Error('no migrations through the control socket: the running process migrates its database'));
  return {
    prisma,
    kind: 'pglite',
    viaControl: true,
    adapterFactory: { ...control.factory, connect: refuse, connectToShadowDb: refuse },
    backupImage: control.backupImage,
    async close() {
      await prisma.$disconnect();
      control.close();
    },
  };
}

/** host:port/database of a URL, without user or password, for messages. */
export function databaseAddress(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** The first line of an error's reason (a driver's message, its cause's, or its code), for one-line messages. */
export function reasonOf(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { message?: string } };
  const text = e?.message || e?.cause?.message || e?.code || String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

async function openPostgres(databaseUrl: string, language?: string): Promise<Store> {
  const t = translator(language);
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import('@prisma/adapter-pg'), import('../../generated/prisma/client.ts')]);
  const adapterFactory = new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 }, { statementNameGenerator: statementNames() });
  const prisma = new PrismaClient({ adapter: adapterFactory });
  try {
    await prisma.$queryRawUnsafe('select 1');
  } catch (error) {
    await prisma.$disconnect().catch(() => {});
    throw new StoreError(t('ops:store.unreachable', { where: databaseAddress(databaseUrl), reason: reasonOf(error) }));
  }
  return {
    prisma,
    kind: 'postgres',
    adapterFactory,
    close: () => prisma.$disconnect(),
    lendTo: (work) => work({ kind: 'postgres', url: databaseUrl }),
  };
}

/** A transaction's client, for helpers that run inside one. */
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/**
 * Runs `work` in a transaction that holds a lock on `key` (a PostgreSQL advisory lock, released at
 * the end): two calls with the same key run one after the other, in every process on the database.
 * For a limit that must hold under concurrency (count, then insert).
 */
export function withLock<T>(db: Db, key: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT count(*)::int AS n FROM (SELECT pg_advisory_xact_lock(hashtext(${key}))) AS locked`;
    return work(tx);
  });
}

/** Whether the database answers a trivial query (for the readiness check); throws with the driver's reason when not. */
export async function ping(db: Db): Promise<void> {
  await db.$queryRawUnsafe('SELECT 1');
}
