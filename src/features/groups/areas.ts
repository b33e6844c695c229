/**
 * The area tree (province → … → village, any depth). Each area keeps `path`, the chain of its
 * ancestors' ids ("/1/4/9/"), so "everything under this commune" is one indexed prefix query.
 */
import { matchByName } from '../../core/text/names.ts';
import type { Db } from '../../core/store/store.ts';

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

/** One area by id (its name, code and path), or null. */
export async function areaById(db: Db, id: number): Promise<{ id: number; code: string; name: string; path: string } | null> {
  return db.area.findUnique({ where: { id }, select: { id: true, code: true, name: true, path: true } });
}

/** The names of the areas with these ids. */
export async function areaNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const rows = await db.area.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  return new Map(rows.map((a) => [a.id, a.name]));
}

/** Whether the deployment has any area yet (an empty embedded database gets the demo). */
export async function hasAreas(db: Db): Promise<boolean> {
  return (await db.area.count()) > 0;
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

/** A name or id that named no area (or group), or several: the candidates to choose from. */
class NotFoundByName extends Error {
  constructor(
    readonly query: string,
    readonly candidates: Array<{ id: number; name: string }>,
  ) {
    super(query);
  }
}

export class AreaNotFound extends NotFoundByName {
  override name = 'AreaNotFound';
}

export class GroupNotFound extends NotFoundByName {
  override name = 'GroupNotFound';
}

/** By id (digits), else by name as everywhere else (`matchByName`); none or several → `notFound` with the candidates. */
async function byIdOrName<T extends { id: number; name: string; code?: string }>(
  idOrName: string,
  byId: (id: number) => Promise<T | null>,
  all: () => Promise<T[]>,
  notFound: new (query: string, candidates: Array<{ id: number; name: string }>) => Error,
): Promise<T> {
  const trimmed = idOrName.trim();
  if (/^\d+$/.test(trimmed)) {
    const found = await byId(Number(trimmed));
    if (found) return found;
  }
  const matches = matchByName(await all(), trimmed);
  if (matches.length === 1) return matches[0]!;
  throw new notFound(trimmed, matches.map((m) => ({ id: m.id, name: m.name })));
}

/** An area by id, or by name (code, whole name, whole words); none or several → AreaNotFound listing the candidates. */
export function findArea(db: Db, idOrName: string) {
  return byIdOrName(idOrName, (id) => db.area.findUnique({ where: { id } }), () => db.area.findMany({ orderBy: { id: 'asc' } }), AreaNotFound);
}

/** A group by id, or by name (whole name, else whole words); none or several → GroupNotFound listing them. */
export function findGroup(db: Db, idOrName: string) {
  return byIdOrName(
    idOrName,
    (id) => db.communicationGroup.findUnique({ where: { id }, include: { area: true } }),
    () => db.communicationGroup.findMany({ include: { area: true }, orderBy: { id: 'asc' } }),
    GroupNotFound,
  );
}
