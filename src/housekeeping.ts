/**
 * What the database need not keep, removed once a night: processed-update marks older than a week
 * (a platform re-sends an update for hours, not days), ended dashboard sessions, login links a
 * week past their end, and invite codes never used a month past their end (used ones stay: they
 * record who registered).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import { backupName, pruneBackups, takeBackup } from './core/store/backup.ts';
import type { Store } from './core/store/store.ts';
import { forgetEndedSignIns } from './features/admin/index.ts';
import { forgetUnusedInvites } from './features/subscriptions/index.ts';
import { forgetClaims } from './core/store/once.ts';
import type { Logger } from './core/log.ts';
import type { Db } from './core/store/store.ts';

const day = 24 * 60 * 60_000;

export interface Pruned {
  updates: number;
  sessions: number;
  loginLinks: number;
  invites: number;
}

export async function pruneOld(db: Db, now = new Date()): Promise<Pruned> {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const [updates, signIns, invites] = await Promise.all([forgetClaims(db, ago(7 * day)), forgetEndedSignIns(db, now, ago(7 * day)), forgetUnusedInvites(db, ago(30 * day))]);
  return { updates, ...signIns, invites };
}

/** Prunes every night at 03:20 (the area's time); returns the stop function. */
export function scheduleHousekeeping(db: Db, timeZone: string, log: Logger): () => void {
  const job = cron.schedule(
    '20 3 * * *',
    async () => {
      const pruned = await pruneOld(db).catch((err: unknown) => void log.error({ err }, 'housekeeping failed'));
      if (pruned) log.info(pruned, 'old rows pruned');
    },
    { timezone: timeZone },
  );
  return () => void job.stop();
}

/** Writes a backup of the embedded database into `dir` and removes those older than `keepDays`; returns the file. */
export async function nightlyBackup(store: Store, dir: string, keepDays: number, timeZone: string, now = new Date()): Promise<{ file: string; removed: string[] }> {
  const bytes = await takeBackup(store, now);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, backupName(now, timeZone));
  writeFileSync(file, bytes, { mode: 0o600 });
  return { file, removed: pruneBackups(dir, keepDays, now) };
}

/** Backs the embedded database up every night at 02:30 (the area's time) into DATA_DIR/backups, kept `keepDays`; returns the stop function. */
export function scheduleBackups(store: Store, dataDir: string, keepDays: number, timeZone: string, log: Logger): () => void {
  if (keepDays === 0 || !store.backupImage) return () => {};
  const job = cron.schedule(
    '30 2 * * *',
    async () => {
      const done = await nightlyBackup(store, path.join(dataDir, 'backups'), keepDays, timeZone).catch((err: unknown) => void log.error({ err }, 'nightly backup failed'));
      if (done) log.info(done, 'nightly backup written');
    },
    { timezone: timeZone },
  );
  return () => void job.stop();
}
