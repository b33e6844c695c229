/**
 * Women's Union admins: a Person (their chat identity on Telegram, Zalo or the sandbox) with one
 * or more AdminGrants, each an area and a level. `loaban admin add` makes the first ones; every
 * change is audited.
 */
import type { Platform } from '../../channels/channel.ts';
import type { Db } from '../../core/store/store.ts';
import type { AdminLevel } from '../groups/index.ts';

export interface NewAdmin {
  platform: Platform;
  userId: string;
  displayName: string;
  areaId: number;
  level: AdminLevel;
  /** Who did it, for the audit log ("cli", "telegram:123"). */
  actor: string;
}

export interface AddedAdmin {
  personId: number;
  grantId: number;
  /** created: a new grant; updated: the person had a grant on this area, its level changed; unchanged. */
  outcome: 'created' | 'updated' | 'unchanged';
  newPerson: boolean;
}

/** Makes the person (if new) an admin of `areaId` at `level`; running it again changes nothing. */
export async function addAdmin(db: Db, admin: NewAdmin): Promise<AddedAdmin> {
  return db.$transaction(async (tx) => {
    const key = { platform_platformUserId: { platform: admin.platform, platformUserId: admin.userId } };
    const existing = await tx.person.findUnique({ where: key, select: { id: true } });
    const person = existing ?? (await tx.person.create({ data: { platform: admin.platform, platformUserId: admin.userId, displayName: admin.displayName } }));
    const area = await tx.area.findUniqueOrThrow({ where: { id: admin.areaId }, select: { id: true } });
    const before = await tx.adminGrant.findUnique({ where: { personId_areaId: { personId: person.id, areaId: area.id } } });
    if (before?.level === admin.level) return { personId: person.id, grantId: before.id, outcome: 'unchanged' as const, newPerson: false };
    const grant = before
      ? await tx.adminGrant.update({ where: { id: before.id }, data: { level: admin.level } })
      : await tx.adminGrant.create({ data: { personId: person.id, areaId: area.id, level: admin.level } });
    await tx.auditLog.create({
      data: {
        actor: admin.actor,
        action: before ? 'admin.grant.update' : 'admin.grant.create',
        entity: 'AdminGrant',
        entityId: String(grant.id),
        areaId: area.id,
        before: before ? { level: before.level } : undefined,
        after: { personId: person.id, platform: admin.platform, userId: admin.userId, level: admin.level },
      },
    });
    return { personId: person.id, grantId: grant.id, outcome: before ? ('updated' as const) : ('created' as const), newPerson: !existing };
  });
}

/** Every grant with its person and area, for operators (`loaban admin list`). */
export async function listAdmins(db: Db) {
  const grants = await db.adminGrant.findMany({
    orderBy: [{ personId: 'asc' }, { id: 'asc' }],
    include: { person: { select: { id: true, platform: true, platformUserId: true, displayName: true } }, area: { select: { id: true, name: true } } },
  });
  return grants.map((g) => ({
    personId: g.person.id,
    name: g.person.displayName,
    platform: g.person.platform,
    userId: g.person.platformUserId,
    areaId: g.area.id,
    area: g.area.name,
    level: g.level,
    since: g.createdAt,
  }));
}

/** The person behind a chat identity when they hold at least one admin grant; null otherwise. */
export async function adminByIdentity(db: Db, platform: string, userId: string) {
  return db.person.findFirst({
    where: { platform, platformUserId: userId, adminGrants: { some: {} } },
    select: { id: true, displayName: true, platform: true, platformUserId: true },
  });
}
