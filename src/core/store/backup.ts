/**
 * Backups of the embedded database: a whole image of its folder, taken by the process that holds
 * it (PGlite's dumpDataDir, between two queries: consistent), written as one file —
 *
 *   LOABAN-BACKUP 1\n{"createdAt", "bytes", "sha256", "migrations"}\n<the folder, tar.gz>
 *
 * — so that a file that is not ours, or is cut short, is refused before anything is touched. A
 * restore loads the image in memory first, checks it is a Loa Bản database, and only then writes
 * it into an empty DATA_DIR; the next `loaban start` migrates it if it is older than the code.
 */
import { createHash } from 'node:crypto';
import { DateTime } from '../luxon.ts';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors.ts';
import { markData, openEmbedded, ownerOnlyFolder, unmarkData, type Store } from './store.ts';

const magic = 'LOABAN-BACKUP 1\n';

export interface BackupMeta {
  createdAt: string;
  bytes: number;
  sha256: string;
  /** The migrations the database had, oldest first. */
  migrations: string[];
}

/** The backup file's bytes for a database image (`image`: dumpDataDir's tar.gz). */
export function backupFile(image: Uint8Array, migrations: string[], now = new Date()): Buffer {
  const body = Buffer.from(image);
  const meta: BackupMeta = { createdAt: now.toISOString(), bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), migrations };
  return Buffer.concat([Buffer.from(`${magic}${JSON.stringify(meta)}\n`), body]);
}

/** A backup of the embedded database behind `store` (directly, or through the running bot's socket). */
export async function takeBackup(store: Store, now = new Date()): Promise<Buffer> {
  if (!store.backupImage) throw new Error('only the embedded database is backed up this way');
  const image = await store.backupImage();
  const rows = await store.prisma.$queryRawUnsafe<Array<{ migration_name: string }>>(
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
  );
  return backupFile(image, rows.map((r) => r.migration_name), now);
}

/** Why a file cannot be restored, as an operator's message key (ops:backup.*). */
export class BackupRefused extends StoreError {
  constructor(
    readonly key: 'notOurs' | 'truncated' | 'notADatabase',
    message: string,
  ) {
    super(message);
  }
}

/** The image inside a backup file, checked whole; throws BackupRefused (with `say` wording it) when it is not one. */
export function readBackup(file: Buffer, say: (key: BackupRefused['key']) => string): { meta: BackupMeta; image: Buffer } {
  if (!file.subarray(0, magic.length).equals(Buffer.from(magic))) throw new BackupRefused('notOurs', say('notOurs'));
  const end = file.indexOf(0x0a, magic.length);
  let meta: BackupMeta;
  try {
    meta = JSON.parse(file.subarray(magic.length, end).toString('utf8')) as BackupMeta;
  } catch {
    throw new BackupRefused(end < 0 ? 'truncated' : 'notOurs', say(end < 0 ? 'truncated' : 'notOurs'));
  }
  const image = file.subarray(end + 1);
  if (end < 0 || typeof meta.bytes !== 'number' || image.length !== meta.bytes || createHash('sha256').update(image).digest('hex') !== meta.sha256) {
    throw new BackupRefused('truncated', say('truncated'));
  }
  return { meta, image };
}

/** A short file name for a backup taken at `now`, in the area's local time: loaban-2026-12-03-0230.backup. */
export function backupName(now: Date, timeZone: string): string {
  return `loaban-${DateTime.fromJSDate(now, { zone: timeZone }).toFormat('yyyy-MM-dd-HHmm')}.backup`;
}

/**
 * Writes the database image of `file` into `dataDir`, which must be empty or absent. The image is
 * opened in memory first: a damaged or foreign one leaves `dataDir` as it was.
 */
export async function restoreInto(dataDir: string, image: Buffer, say: (key: BackupRefused['key']) => string, notEmpty: () => string): Promise<string[]> {
  if (existsSync(dataDir) && (!statSync(dataDir).isDirectory() || readdirSync(dataDir).some((name) => !name.startsWith('.')))) throw new StoreError(notEmpty());
  const { PGlite } = await import('@electric-sql/pglite');
  const imageBlob = () => new Blob([new Uint8Array(image)]);
  let migrations: string[];
  try {
    const check = await PGlite.create({ loadDataDir: imageBlob() });
    try {
      const rows = await check.query<{ migration_name: string }>('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
      migrations = rows.rows.map((r) => r.migration_name);
    } finally {
      await check.close();
    }
  } catch {
    throw new BackupRefused('notADatabase', say('notADatabase'));
  }
  ownerOnlyFolder(dataDir);
  try {
    markData(dataDir);
    const dbDir = path.join(dataDir, 'db');
    const written = await PGlite.create(dbDir, { loadDataDir: imageBlob() });
    await written.query('SELECT 1');
    await written.close();
    // Opened as `loaban start` opens it, to be sure it reads back.
    await (await openEmbedded(dbDir)).close();
  } catch (error) {
    // Nothing half-written is left behind; what was there before (hidden files) stays.
    rmSync(path.join(dataDir, 'db'), { recursive: true, force: true });
    unmarkData(dataDir);
    throw error;
  }
  return migrations;
}

/** Keeps the newest backups of `dir` taken within `keepDays` days; returns the names removed. */
export function pruneBackups(dir: string, keepDays: number, now = new Date()): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir).filter((n) => /^loaban-.*\.backup$/.test(n))) {
    const full = path.join(dir, name);
    if (now.getTime() - statSync(full).mtimeMs > keepDays * 24 * 60 * 60_000) {
      rmSync(full, { force: true });
      removed.push(name);
    }
  }
  return removed;
}

