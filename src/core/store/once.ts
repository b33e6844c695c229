/**
 * "This happens once", kept in the ProcessedUpdate table: a platform's update handled once however
 * often it is sent again, and one-time keys of the app's own (a dashboard form posted twice, a
 * "send now" button pressed twice) claimed by the first who asks. A claim is a unique row
 * (platform, updateId); its `claimed` flag lets a failed update be taken again on its re-send (a
 * platform's update is claimed by arrival.ts, in the statement that also reads who sent it).
 */
import type { Db } from './store.ts';

/** What is claimed: the platform ("telegram", "admin", …) and the key of the thing on it. */
export interface OnceKey {
  platform: string;
  updateId: string;
}

/** Claims `key` for good; false when someone claimed it before. */
export async function claimOnce(db: Db, key: OnceKey): Promise<boolean> {
  const { count } = await db.processedUpdate.createMany({ data: [key], skipDuplicates: true });
  return count === 1;
}

/** Gives a claim back (what it guarded did not happen and may be asked again). */
export async function releaseOnce(db: Db, key: OnceKey): Promise<void> {
  await db.processedUpdate.deleteMany({ where: key });
}

/**
 * Records that handling the update failed: the claim is released for a re-send unless this was
 * try number `maxFailures`. Returns the failures so far.
 */
export async function recordUpdateFailure(db: Db, key: OnceKey, maxFailures: number): Promise<number> {
  const row = await db.processedUpdate.update({
    where: { platform_updateId: key },
    data: { failures: { increment: 1 } },
    select: { id: true, failures: true },
  });
  if (row.failures < maxFailures) await db.processedUpdate.update({ where: { id: row.id }, data: { claimed: false } });
  return row.failures;
}

/** Forgets claims made before `before` (housekeeping: platforms do not re-send week-old updates). */
export async function forgetClaims(db: Db, before: Date): Promise<number> {
  return (await db.processedUpdate.deleteMany({ where: { processedAt: { lt: before } } })).count;
}
