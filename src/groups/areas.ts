/**
 * The area tree (province → … → village, any depth). Each area keeps `path`, the chain of its
 * ancestors' ids ("/1/4/9/"), so "everything under this commune" is one indexed prefix query.
 */
import type { Db } from '../store/store.ts';

export interface NewArea {
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  isDemo?: boolean;
}

/** Creates an area under `parentId` (or at the top) and sets its path. */
export async function createArea(db: Db, area: NewArea) {
  const parent = area.parentId === null ? null : await db.area.findUniqueOrThrow({ where: { id: area.parentId } });
  return db.$transaction(async (tx) => {
    const created = await tx.area.create({ data: { ...area, path: '' } });
    return tx.area.update({ where: { id: created.id }, data: { path: `${parent?.path ?? '/'}${created.id}/` } });
  });
}

/** The ids of `areaId` and every area below it. */
export async function subtreeIds(db: Db, areaId: number): Promise<number[]> {
  const root = await db.area.findUnique({ where: { id: areaId }, select: { path: true } });
  if (!root) return [];
  const rows = await db.area.findMany({ where: { path: { startsWith: root.path } }, select: { id: true } });
  return rows.map((r) => r.id);
}

/** Names from the top of the tree down to `areaId`, e.g. ["Tỉnh …", "Xã …", "Bản …"]. */
export async function areaPathNames(db: Db, areaId: number): Promise<string[]> {
  const area = await db.area.findUniqueOrThrow({ where: { id: areaId }, select: { path: true } });
  const ids = area.path.split('/').filter(Boolean).map(Number);
  const rows = await db.area.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const byId = new Map(rows.map((r) => [r.id, r.name]));
  return ids.map((id) => byId.get(id) ?? '?');
}
