/**
 * Reading the audit log back, for the dashboard's /admin/audit: a page of entries newest first,
 * filtered by action (one action or a family such as "report."), and the actions there are to
 * filter by. A province admin reads the entries of areas inside their scope; those tied to no area
 * (logins, codes) only an admin of a top-level area of the deployment reads. Writing is auditAdmin's.
 */
import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../core/store/store.ts';
import { areaNames, isTopLevelAdmin, type AdminScope } from '../groups/index.ts';

/** The entries an admin may read. */
function auditWhere(scope: AdminScope): Prisma.AuditLogWhereInput {
  const inScope = { areaId: { in: [...scope.areaIds] } };
  return isTopLevelAdmin(scope) ? { OR: [inScope, { areaId: null }] } : inScope;
}

export interface AuditPageQuery {
  /** An action or an action family's prefix ("report."); '' for every action. */
  action: string;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** One page of the entries the admin may read, with their total, every action among them and the names of their areas. */
export async function auditLogPage(db: Db, scope: AdminScope, query: AuditPageQuery) {
  const scoped = auditWhere(scope);
  const where: Prisma.AuditLogWhereInput = query.action === '' ? scoped : { AND: [scoped, { action: { startsWith: query.action } }] };
  const [total, rows, actions] = await Promise.all([
    db.auditLog.count({ where }),
    db.auditLog.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    db.auditLog.findMany({ where: scoped, distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } }),
  ]);
  const areaIds = [...new Set(rows.flatMap((r) => (r.areaId === null ? [] : [r.areaId])))];
  return { total, rows, actions: actions.map((a) => a.action), areaName: await areaNames(db, areaIds) };
}
