/**
 * What the database need not keep, removed once a night: processed-update marks older than a week
 * (a platform re-sends an update for hours, not days), ended dashboard sessions, login links a
 * week past their end, and invite codes never used a month past their end (used ones stay: they
 * record who registered).
 */
import cron from 'node-cron';
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
