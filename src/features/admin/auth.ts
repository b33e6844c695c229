/**
 * Logging in to the dashboard without passwords. An admin sends /dangnhap to the bot and gets a
 * one-time link, valid 10 minutes; using it opens a session held in a cookie. Only SHA-256 hashes
 * of link tokens and session ids are stored, so a copy of the database opens nothing.
 *
 * Sessions end after 12 hours without use, after 7 days whatever happens, at logout, or when the
 * person loses their last admin grant or is deleted.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../core/store/store.ts';

/** How long a login link works. */
export const loginLinkTtlMs = 10 * 60_000;
/** A session not used for this long is over. */
export const sessionIdleMs = 12 * 60 * 60_000;
/** A session is over this long after login, used or not. */
export const sessionMaxMs = 7 * 24 * 60 * 60_000;
/** lastSeenAt is written at most this often (not on every page). */
const touchEveryMs = 5 * 60_000;

/** 32 random bytes, base64url: 43 characters. */
const newSecret = () => randomBytes(32).toString('base64url');
const secretPattern = /^[A-Za-z0-9_-]{43}$/;
export const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Whether `text` has the shape of a token or session id (anything else is not looked up). */
export const isSecretShaped = (text: string) => secretPattern.test(text);

export interface Actor {
  personId: number;
  platform: string;
  platformUserId: string;
}

/** "telegram:123": how the audit log names a person acting. */
export const actorName = (actor: Pick<Actor, 'platform' | 'platformUserId'>) => `${actor.platform}:${actor.platformUserId}`;

/** Writes one admin action to the audit log. */
export async function auditAdmin(
  db: Db,
  actor: Actor | null,
  action: string,
  entry: { entity: string; entityId: string; areaId?: number | null; after?: Record<string, unknown> },
  at: Date = new Date(),
): Promise<void> {
  await db.auditLog.create({
    data: {
      at,
      actorId: actor?.personId ?? null,
      actor: actor ? actorName(actor) : 'anonymous',
      action,
      entity: entry.entity,
      entityId: entry.entityId,
      areaId: entry.areaId ?? null,
      after: entry.after as object | undefined,
    },
  });
}

/** Makes a one-time login link token for `actor`; the token is returned once and never stored. */
export async function createLoginLink(db: Db, actor: Actor, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(now.getTime() + loginLinkTtlMs);
  await db.adminLoginLink.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 60 * 60_000) } } });
  const link = await db.adminLoginLink.create({ data: { tokenHash: hashOf(token), personId: actor.personId, expiresAt } });
  await auditAdmin(db, actor, 'admin.link', { entity: 'AdminLoginLink', entityId: String(link.id) }, now);
  return { token, expiresAt };
}

export type LinkState =
  | { kind: 'valid'; personId: number; expiresAt: Date }
  | { kind: 'used' }
  | { kind: 'expired' }
  | { kind: 'unknown' };

/** What a link is now, without using it (opening a link only shows a page with a button). */
export async function inspectLoginLink(db: Db, token: string, now = new Date()): Promise<LinkState> {
  if (!isSecretShaped(token)) return { kind: 'unknown' };
  const link = await db.adminLoginLink.findUnique({ where: { tokenHash: hashOf(token) } });
  if (!link) return { kind: 'unknown' };
  if (link.usedAt) return { kind: 'used' };
  if (link.expiresAt <= now) return { kind: 'expired' };
  return { kind: 'valid', personId: link.personId, expiresAt: link.expiresAt };
}

/** Uses a link: true for exactly one caller, even when two press the button at once. */
export async function redeemLoginLink(db: Db, token: string, now = new Date()): Promise<{ ok: true; personId: number } | { ok: false; reason: 'used' | 'expired' | 'unknown' }> {
  if (!isSecretShaped(token)) return { ok: false, reason: 'unknown' };
  const tokenHash = hashOf(token);
  const { count } = await db.adminLoginLink.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (count === 1) {
    const link = await db.adminLoginLink.findUniqueOrThrow({ where: { tokenHash }, select: { personId: true } });
    return { ok: true, personId: link.personId };
  }
  const state = await inspectLoginLink(db, token, now);
  return { ok: false, reason: state.kind === 'valid' ? 'used' : state.kind };
}

/** Sessions over by `now`: past their end, or unused for `sessionIdleMs`. */
const endedBy = (now: Date) => ({ OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: new Date(now.getTime() - sessionIdleMs) } }] });

/** Opens a session for the person; the returned id goes in the cookie and is never stored. */
export async function createSession(db: Db, personId: number, now = new Date()): Promise<{ sessionId: string; expiresAt: Date }> {
  await db.adminSession.deleteMany({ where: endedBy(now) });
  const sessionId = newSecret();
  const expiresAt = new Date(now.getTime() + sessionMaxMs);
  await db.adminSession.create({ data: { idHash: hashOf(sessionId), personId, createdAt: now, lastSeenAt: now, expiresAt } });
  return { sessionId, expiresAt };
}

export interface OpenSession {
  id: number;
  person: { id: number; displayName: string; platform: string; platformUserId: string; language: string };
  expiresAt: Date;
}

/** The session behind a cookie value, when it is still open; an expired one is deleted. */
export async function resolveSession(db: Db, sessionId: string, now = new Date()): Promise<OpenSession | null> {
  if (!isSecretShaped(sessionId)) return null;
  const session = await db.adminSession.findUnique({
    where: { idHash: hashOf(sessionId) },
    include: { person: { select: { id: true, displayName: true, platform: true, platformUserId: true, language: true } } },
  });
  if (!session) return null;
  if (session.expiresAt <= now || session.lastSeenAt.getTime() + sessionIdleMs <= now.getTime()) {
    await db.adminSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (now.getTime() - session.lastSeenAt.getTime() >= touchEveryMs) {
    await db.adminSession.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return { id: session.id, person: session.person, expiresAt: session.expiresAt };
}

/** Ends the session behind a cookie value; false when there was none. */
export async function endSession(db: Db, sessionId: string): Promise<boolean> {
  if (!isSecretShaped(sessionId)) return false;
  const { count } = await db.adminSession.deleteMany({ where: { idHash: hashOf(sessionId) } });
  return count > 0;
}

/** Deletes the sessions over by `now` and the login links that expired before `linksExpiredBefore` (housekeeping). */
export async function forgetEndedSignIns(db: Db, now: Date, linksExpiredBefore: Date): Promise<{ sessions: number; loginLinks: number }> {
  const [sessions, loginLinks] = await Promise.all([
    db.adminSession.deleteMany({ where: endedBy(now) }),
    db.adminLoginLink.deleteMany({ where: { expiresAt: { lt: linksExpiredBefore } } }),
  ]);
  return { sessions: sessions.count, loginLinks: loginLinks.count };
}

/** The name a person goes by, for the page that confirms their login link. */
export async function displayNameOf(db: Db, personId: number): Promise<string> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { displayName: true } });
  return person.displayName;
}

/** The person as an actor of the audit log (their platform identity). */
export async function actorOf(db: Db, personId: number): Promise<Actor> {
  const person = await db.person.findUniqueOrThrow({ where: { id: personId }, select: { id: true, platform: true, platformUserId: true } });
  return { personId: person.id, platform: person.platform, platformUserId: person.platformUserId };
}

/** Who the sandbox login may sign in: sandbox people whose every grant is over a demo area. */
const demoAdmin = { platform: 'sandbox', adminGrants: { some: {}, every: { area: { isDemo: true } } } };

/** The demo admins with the areas they hold, for the sandbox login page. */
export async function sandboxAdmins(db: Db): Promise<Array<{ personId: number; name: string; areas: string }>> {
  const people = await db.person.findMany({
    where: demoAdmin,
    orderBy: { id: 'asc' },
    select: { id: true, displayName: true, adminGrants: { select: { area: { select: { name: true } } }, orderBy: { id: 'asc' } } },
  });
  return people.map((p) => ({ personId: p.id, name: p.displayName, areas: p.adminGrants.map((g) => g.area.name).join(', ') }));
}

/** The demo admin `personId` as an actor, or null when that person is no demo admin (a forged form). */
export async function sandboxActor(db: Db, personId: number): Promise<Actor | null> {
  const person = await db.person.findFirst({ where: { id: personId, ...demoAdmin }, select: { id: true, platform: true, platformUserId: true } });
  return person && { personId: person.id, platform: person.platform, platformUserId: person.platformUserId };
}
