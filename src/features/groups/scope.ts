/**
 * What a Women's Union admin may see: the union of the area subtrees of their grants. A grant on
 * a commune covers the commune and every village under it; a grant on a province, everything in
 * the province. Subtrees come from Area.path prefixes ("/1/4/" covers "/1/4/9/"), one query.
 */
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../core/store/store.ts';

export type AdminLevel = 'province' | 'district' | 'commune';
export const adminLevels: readonly AdminLevel[] = ['province', 'district', 'commune'];

export interface ScopeGrant {
  areaId: number;
  areaName: string;
  /** The granted area's path, "/1/4/". */
  path: string;
  level: string;
}

export interface AdminScope {
  personId: number;
  grants: ScopeGrant[];
  /** Every area id inside the scope: the granted areas and all below them. */
  areaIds: ReadonlySet<number>;
}

/** Whether `areaId` lies inside the admin's scope. */
export function canSee(scope: AdminScope, areaId: number): boolean {
  return scope.areaIds.has(areaId);
}

/** Whether a path ("/1/4/9/") lies under one of the grants. */
export function pathInScope(grants: readonly Pick<ScopeGrant, 'path'>[], path: string): boolean {
  return grants.some((g) => path.startsWith(g.path));
}

/** A province-level admin: sees the whole-province (and everyone) views, e.g. the audit log. */
export function isProvinceAdmin(scope: AdminScope): boolean {
  return scope.grants.some((g) => g.level === 'province');
}

/** An admin of an area at the top of the tree ("/1/"): sees what belongs to no area, e.g. logins in the audit log. */
export function isTopLevelAdmin(scope: AdminScope): boolean {
  return scope.grants.some((g) => g.path.split('/').filter(Boolean).length === 1);
}

/** Prisma filter for the areas inside `grants` (nothing when there are none). */
export function areasWhere(grants: readonly Pick<ScopeGrant, 'path'>[]): Prisma.AreaWhereInput {
  return grants.length === 0 ? { id: { in: [] } } : { OR: grants.map((g) => ({ path: { startsWith: g.path } })) };
}

/** The admin's scope from their grants; null when the person has no grant (is no admin). */
export async function loadScope(db: Db, personId: number): Promise<AdminScope | null> {
  const rows = await db.adminGrant.findMany({
    where: { personId },
    include: { area: { select: { name: true, path: true } } },
    orderBy: { id: 'asc' },
  });
  if (rows.length === 0) return null;
  const grants = rows.map((g) => ({ areaId: g.areaId, areaName: g.area.name, path: g.area.path, level: g.level }));
  const areas = await db.area.findMany({ where: areasWhere(grants), select: { id: true } });
  return { personId, grants, areaIds: new Set(areas.map((a) => a.id)) };
}
