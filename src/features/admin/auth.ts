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

/** Opens a session for the person; the returned id goes in the cookie and is never stored. */
export async function createSession(db: Db, personId: number, now = new Date()): Promise<{ sessionId: string; expiresAt: Date }> {
  await db.adminSession.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: new Date(now.getTime() - sessionIdleMs) } }] } });
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
