/**
 * A person as a platform knows them (platform + the platform's user id). Every slice needs to know
 * who speaks; the slices that register people (subscriptions, reporting, admin) write them.
 */
import { defaultLanguage } from '../i18n.ts';
import type { Db } from './store.ts';

/** Who a platform's user is to us: their id and language, or null when we never met them. */
export async function personOf(db: Db, platform: string, platformUserId: string): Promise<{ id: number; language: string } | null> {
  return db.person.findUnique({ where: { platform_platformUserId: { platform, platformUserId } }, select: { id: true, language: true } });
}

/**
 * Who wrote, as a turn of the conversation needs it: their id and language, and whether they lead
 * (or deputise) a communication group — what the menu offers depends on it. Null when we never
 * met them. One query.
 */
export async function senderOf(db: Db, platform: string, platformUserId: string): Promise<{ id: number; language: string; leads: boolean } | null> {
  const person = await db.person.findUnique({
    where: { platform_platformUserId: { platform, platformUserId } },
    select: { id: true, language: true, _count: { select: { memberships: { where: { role: { in: ['leader', 'deputy'] } } } } } },
  });
  return person ? { id: person.id, language: person.language, leads: person._count.memberships > 0 } : null;
}

/** The language a platform's user chose with us; the default for someone we do not know. */
export async function languageOf(db: Db, platform: string, platformUserId: string): Promise<string> {
  return (await personOf(db, platform, platformUserId))?.language ?? defaultLanguage;
}
