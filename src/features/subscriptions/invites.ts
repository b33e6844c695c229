/**
 * One-time invite codes that make a person the leader (or deputy) of a communication group and
 * link their chat to it. Codes are 8 characters from an alphabet without look-alikes (32^8 ≈ 10^12
 * codes), only their SHA-256 is stored, they expire and work once; a chat that keeps guessing
 * wrong is made to wait.
 */
import { createHash, randomInt } from 'node:crypto';
import { withLock, type Db } from '../../core/store/store.ts';
import { areaNames, areasWhere, type AdminScope } from '../groups/index.ts';

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const codeLength = 8;
/** Wrong codes a chat may send in `guessWindowMs` before it must wait. */
const maxWrongGuesses = 5;
const guessWindowMs = 60 * 60 * 1000;

export type Role = 'leader' | 'deputy';
/** The roles an invite code can give. */
export const inviteRoles: readonly Role[] = ['leader', 'deputy'];

/** "k7qm-3pxa", "K7QM 3PXA" → "K7QM3PXA"; null when it cannot be a code. */
export function normaliseCode(text: string): string | null {
  const code = text.toUpperCase().replace(/[\s-]+/g, '');
  return code.length === codeLength && [...code].every((c) => alphabet.includes(c)) ? code : null;
}

const hashOf = (code: string) => createHash('sha256').update(code).digest('hex');

/** "K7QM3PXA" → "K7QM-3PXA", easier to read out and type. */
export const displayCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

export interface NewInvite {
  groupId: number;
  role: Role;
  ttlDays: number;
  /** Who made it, for the audit log ("cli", "admin:<person id>"). */
  createdBy: string;
  now?: Date;
}

/** Makes an invite code; the code is returned once and never stored. */
export async function createInvite(db: Db, invite: NewInvite): Promise<{ code: string; expiresAt: Date }> {
  const now = invite.now ?? new Date();
  const code = Array.from({ length: codeLength }, () => alphabet[randomInt(alphabet.length)]).join('');
  const expiresAt = new Date(now.getTime() + invite.ttlDays * 24 * 60 * 60 * 1000);
  const created = await db.inviteCode.create({
    data: { codeHash: hashOf(code), groupId: invite.groupId, role: invite.role, expiresAt, createdBy: invite.createdBy },
  });
  await db.auditLog.create({
    data: { actor: invite.createdBy, action: 'invite.create', entity: 'InviteCode', entityId: String(created.id), after: { groupId: invite.groupId, role: invite.role, expiresAt } },
  });
  return { code: displayCode(code), expiresAt };
}

export interface Redeemer {
  platform: string;
  chat: { id: string; kind: 'private' | 'group'; title?: string };
  sender: { id: string; displayName: string };
}

export type Redeemed =
  | { ok: true; group: { id: number; name: string }; role: Role; already: boolean }
  | { ok: false; reason: 'malformed' | 'unknown' | 'used' | 'expired' | 'tooManyTries' };

/**
 * Uses a code: the sender becomes the group's leader (or deputy) and the chat is linked to the
 * group — the group's chat on Telegram, the leader's own chat on Zalo. All or nothing.
 */
export async function redeemInvite(db: Db, text: string, who: Redeemer, now = new Date()): Promise<Redeemed> {
  const chatKey = `${who.platform}:${who.chat.id}`;
  const wrongSince = new Date(now.getTime() - guessWindowMs);
  // The count and the record of a wrong code under one lock per chat: forty guesses at once are checked five times at most.
  const checked = await withLock(db, `invite:${chatKey}`, async (tx) => {
    const wrong = await tx.auditLog.count({ where: { action: 'invite.wrong', entity: 'chat', entityId: chatKey, at: { gte: wrongSince } } });
    if (wrong >= maxWrongGuesses) return { ok: false, reason: 'tooManyTries' } as const;
    const refuse = async (reason: 'malformed' | 'unknown' | 'used' | 'expired') => {
      await tx.auditLog.create({ data: { at: now, actor: `${who.platform}:${who.sender.id}`, action: 'invite.wrong', entity: 'chat', entityId: chatKey, after: { reason } } });
      return { ok: false, reason } as const;
    };
    const code = normaliseCode(text);
    if (!code) return refuse('malformed');
    const found = await tx.inviteCode.findUnique({ where: { codeHash: hashOf(code) }, include: { group: true } });
    if (!found) return refuse('unknown');
    if (found.usedAt) return refuse('used');
    if (found.expiresAt <= now) return refuse('expired');
    return { ok: true, invite: found } as const;
  });
  if (!checked.ok) return checked;
  const { invite } = checked;
  const role = invite.role as Role;

  return db.$transaction(async (tx) => {
    // Claimed first, so that two people typing the same code at once cannot both use it.
    const claimed = await tx.inviteCode.updateMany({ where: { id: invite.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count === 0) return { ok: false, reason: 'used' } as const;
    const person = await tx.person.upsert({
      where: { platform_platformUserId: { platform: who.platform, platformUserId: who.sender.id } },
      create: { platform: who.platform, platformUserId: who.sender.id, displayName: who.sender.displayName || who.sender.id },
      update: who.sender.displayName ? { displayName: who.sender.displayName } : {},
    });
    await tx.inviteCode.update({ where: { id: invite.id }, data: { usedById: person.id } });
    const existing = await tx.membership.findUnique({ where: { personId_groupId: { personId: person.id, groupId: invite.groupId } } });
    const already = existing?.role === role;
    if (!existing) await tx.membership.create({ data: { personId: person.id, groupId: invite.groupId, role } });
    else if (!already) await tx.membership.update({ where: { id: existing.id }, data: { role } });
    await tx.chatLink.upsert({
      where: { platform_chatId: { platform: who.platform, chatId: who.chat.id } },
      create: {
        platform: who.platform,
        chatId: who.chat.id,
        kind: who.chat.kind,
        title: who.chat.title ?? null,
        groupId: invite.groupId,
        personId: who.chat.kind === 'private' ? person.id : null,
      },
      update: { groupId: invite.groupId, active: true, inactiveReason: null, ...(who.chat.kind === 'private' ? { personId: person.id } : {}) },
    });
    await tx.auditLog.create({
      data: {
        actorId: person.id,
        actor: `${who.platform}:${who.sender.id}`,
        action: 'invite.redeem',
        entity: 'CommunicationGroup',
        entityId: String(invite.groupId),
        areaId: invite.group.areaId,
        after: { role, chat: chatKey },
      },
    });
    return { ok: true, group: { id: invite.group.id, name: invite.group.name }, role, already } as const;
  });
}

/** Every group with its area, in tree order, for finding by name the group a leader is invited to (/moi). */
export async function invitableGroups(db: Db) {
  return db.communicationGroup.findMany({ select: { id: true, name: true, areaId: true, area: { select: { name: true, path: true } } }, orderBy: [{ area: { path: 'asc' } }, { name: 'asc' }] });
}

/**
 * The groups inside the admin's scope, in tree order, each with its area, leaders and deputies, and
 * the invite codes still open at `now`; with the names of the areas above them (/admin/invites).
 */
export async function inviteBoard(db: Db, scope: AdminScope, now: Date) {
  const groups = await db.communicationGroup.findMany({
    where: { area: areasWhere(scope.grants) },
    orderBy: [{ area: { path: 'asc' } }, { name: 'asc' }],
    include: {
      area: { select: { name: true, path: true } },
      memberships: { where: { role: { in: [...inviteRoles] } }, orderBy: { id: 'asc' }, include: { person: { select: { displayName: true } } } },
      invites: { where: { usedAt: null, expiresAt: { gt: now } }, orderBy: { expiresAt: 'asc' }, select: { role: true, expiresAt: true } },
    },
  });
  const ancestorIds = new Set(groups.flatMap((g) => g.area.path.split('/').filter(Boolean).map(Number)));
  return { groups, areaName: await areaNames(db, [...ancestorIds]) };
}

/** The group an invite is asked for, with its area; null when there is none. */
export async function groupToInvite(db: Db, groupId: number): Promise<{ id: number; name: string; areaId: number } | null> {
  return db.communicationGroup.findUnique({ where: { id: groupId }, select: { id: true, name: true, areaId: true } });
}

/** Deletes the codes never used that expired before `before` (housekeeping; used ones record who registered). */
export async function forgetUnusedInvites(db: Db, before: Date): Promise<number> {
  return (await db.inviteCode.deleteMany({ where: { usedAt: null, expiresAt: { lt: before } } })).count;
}
