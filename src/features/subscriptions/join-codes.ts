/**
 * Each communication group's reusable join code: villagers send it to the bot privately (or open
 * the Telegram link t.me/<bot>?start=<code>) to follow the group in their own chat. Unlike the
 * leaders' one-time invite codes these are meant to be shared, on a poster or by word of mouth,
 * so they are stored as they are. A leader can replace the code; the old one is remembered so
 * that someone sending it hears it was replaced, not that it is wrong.
 * Codes are 6 characters with at least two digits (so no ordinary word is mistaken for one), from
 * an alphabet without look-alikes; a chat that keeps sending wrong codes is made to wait.
 */
import { randomInt } from 'node:crypto';
import { withLock, type Db } from '../../core/store/store.ts';

const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const digits = '23456789';
const alphabet = letters + digits;
const codeLength = 6;
const maxWrongGuesses = 5;
const guessWindowMs = 60 * 60 * 1000;

/** "k7q m3p", "K7Q-M3P" → "K7QM3P"; null when it cannot be a join code. */
export function normaliseJoinCode(text: string): string | null {
  const code = text.trim().toUpperCase().replace(/[\s-]+/g, '');
  if (code.length !== codeLength || ![...code].every((c) => alphabet.includes(c))) return null;
  return [...code].filter((c) => digits.includes(c)).length >= 2 ? code : null;
}

function newCode(): string {
  for (;;) {
    const code = Array.from({ length: codeLength }, () => alphabet[randomInt(alphabet.length)]).join('');
    if (normaliseJoinCode(code)) return code;
  }
}

/** The group's join code, made on first use. */
export async function joinCodeOf(db: Db, groupId: number): Promise<string> {
  const group = await db.communicationGroup.findUniqueOrThrow({ where: { id: groupId }, select: { joinCode: true } });
  if (group.joinCode) return group.joinCode;
  for (;;) {
    const code = newCode();
    // Only if no one set it meanwhile; a clash with another group's code (1 in 10^9) tries again.
    const set = await db.communicationGroup.updateMany({ where: { id: groupId, joinCode: null }, data: { joinCode: code } }).catch(() => null);
    if (set?.count === 1) return code;
    const now = await db.communicationGroup.findUniqueOrThrow({ where: { id: groupId }, select: { joinCode: true } });
    if (now.joinCode) return now.joinCode;
  }
}

/** The first group the person leads (as leader or deputy), whose join code they may see and replace; null when none. */
export async function ledGroup(db: Db, platform: string, platformUserId: string) {
  const person = await db.person.findUnique({
    where: { platform_platformUserId: { platform, platformUserId } },
    include: { memberships: { where: { role: { in: ['leader', 'deputy'] } }, include: { group: true }, orderBy: { id: 'asc' } } },
  });
  return person?.memberships[0]?.group ?? null;
}

/** Replaces the group's join code; the old one keeps answering "replaced". Returns the new code. */
export async function rotateJoinCode(db: Db, groupId: number, actor: string): Promise<string> {
  const old = await joinCodeOf(db, groupId);
  for (;;) {
    const code = newCode();
    try {
      await db.$transaction([
        db.retiredJoinCode.upsert({ where: { code: old }, create: { code: old, groupId }, update: { groupId, retiredAt: new Date() } }),
        db.communicationGroup.update({ where: { id: groupId }, data: { joinCode: code } }),
        db.auditLog.create({ data: { actor, action: 'joincode.rotate', entity: 'CommunicationGroup', entityId: String(groupId) } }),
      ]);
      return code;
    } catch (error) {
      if (!String(error).includes('Unique')) throw error;
    }
  }
}

export type CodeLookup =
  | { kind: 'group'; group: { id: number; name: string; areaId: number } }
  | { kind: 'replaced'; group: { id: number; name: string } }
  | { kind: 'unknown' }
  | { kind: 'tooManyTries' };

/**
 * The group a code opens. Wrong codes are counted per chat; after five in an hour the chat waits.
 * The count and the record of a wrong code happen under one lock per chat, so that forty guesses
 * sent at once are still checked five times at most.
 */
export async function lookupJoinCode(db: Db, code: string, chatKey: string, now = new Date()): Promise<CodeLookup> {
  return withLock(db, `joincode:${chatKey}`, async (tx) => {
    const wrong = await tx.auditLog.count({ where: { action: 'joincode.wrong', entity: 'chat', entityId: chatKey, at: { gte: new Date(now.getTime() - guessWindowMs) } } });
    if (wrong >= maxWrongGuesses) return { kind: 'tooManyTries' } as const;
    const group = await tx.communicationGroup.findUnique({ where: { joinCode: code }, select: { id: true, name: true, areaId: true } });
    if (group) return { kind: 'group', group } as const;
    const retired = await tx.retiredJoinCode.findUnique({ where: { code }, include: { group: { select: { id: true, name: true } } } });
    await tx.auditLog.create({ data: { at: now, actor: 'chat', action: 'joincode.wrong', entity: 'chat', entityId: chatKey, after: { replaced: Boolean(retired) } } });
    return retired ? ({ kind: 'replaced', group: retired.group } as const) : ({ kind: 'unknown' } as const);
  });
}
