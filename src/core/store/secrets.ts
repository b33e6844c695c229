/**
 * Secrets kept in the database, so that every process on it (and the same process after a
 * restart) uses the same one: made at random by the first that asks, read by the others.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from './store.ts';

/** The secret called `name` (32 random bytes, base64), made now if there is none yet. */
export async function sharedSecret(db: Db, name: string): Promise<string> {
  await db.sharedSecret.createMany({ data: [{ name, value: randomBytes(32).toString('base64') }], skipDuplicates: true });
  return (await db.sharedSecret.findUniqueOrThrow({ where: { name } })).value;
}
