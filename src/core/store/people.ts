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

/** The language a platform's user chose with us; the default for someone we do not know. */
export async function languageOf(db: Db, platform: string, platformUserId: string): Promise<string> {
  return (await personOf(db, platform, platformUserId))?.language ?? defaultLanguage;
}
