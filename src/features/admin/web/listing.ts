/**
 * What the dashboard's list pages share: reading query values (one string each, or refused),
 * the page number, the previous/next links, the "bad request" page, and a 403 for something that
 * is not an area (written to the audit log as kit.forbidden does for areas).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorName, auditAdmin } from '../auth.ts';
import { html, type Html } from './html.ts';
import { messagePage, type PageContext } from './pages.ts';
import type { AdminKit, SignedIn } from './kit.ts';

/** A query value as one trimmed string: '' when absent, null when repeated or not text. */
export function queryText(value: unknown): string | null {
  if (value === undefined) return '';
  return typeof value === 'string' ? value.trim() : null;
}

/** "?page=" as a page number from 1: 1 when absent, null when it is no whole number from 1 to 100000. */
export function parsePage(value: unknown): number | null {
  const text = queryText(value);
  if (text === null) return null;
  if (text === '') return 1;
  if (!/^\d{1,6}$/.test(text)) return null;
  const page = Number(text);
  return page >= 1 && page <= 100_000 ? page : null;
}

/** An id in a path or a form: a positive whole number, else null. */
export function parseId(value: unknown): number | null {
  const text = queryText(value);
  if (!text || !/^\d{1,9}$/.test(text)) return null;
  const id = Number(text);
  return id >= 1 ? id : null;
}

/** How many pages `total` rows make (at least one, so that an empty list is "page 1 of 1"). */
export const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** "‹ Previous · Page 2 of 5 · Next ›"; `href(n)` is page n's address. Nothing when everything fits on one page. */
export function pager(ctx: PageContext, view: { page: number; pageSize: number; total: number; href: (page: number) => string }): Html | '' {
  const { t } = ctx;
  const pages = pageCount(view.total, view.pageSize);
  if (pages === 1 && view.page === 1) return '';
  const previous = view.page > 1 ? html`<a rel="prev" href="${view.href(Math.min(view.page - 1, pages))}">${t('admin:reports.previous')}</a>` : '';
  const next = view.page < pages ? html`<a rel="next" href="${view.href(view.page + 1)}">${t('admin:reports.next')}</a>` : '';
  return html`<nav class="pager" aria-label="${t('admin:reports.pages')}">${previous}<span>${t('admin:reports.pageOf', { page: view.page, pages })}</span>${next}</nav>`;
}

/** An address with its query: empty values are left out. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** 400 with the dashboard's "bad request" page and a way back to `back`. */
export function badRequest(kit: AdminKit, reply: FastifyReply, who: SignedIn, back: { href: string; label: string }): FastifyReply {
  const { t } = who.ctx;
  return kit.send(reply, 400, messagePage(who.ctx, t('admin:error.badRequestTitle'), [t('admin:error.badRequest')], back));
}

/** 404 with the dashboard's "not found" page and a way back to `back`. */
export function notFound(kit: AdminKit, reply: FastifyReply, who: SignedIn, back: { href: string; label: string }): FastifyReply {
  const { t } = who.ctx;
  return kit.send(reply, 404, messagePage(who.ctx, t('admin:error.notFoundTitle'), [t('admin:error.notFound')], back));
}

/**
 * 403 for something outside the admin's reach that is not an area (a question kept without an
 * area, the audit log), written to the audit log as `admin.forbidden` like kit.forbidden.
 */
export async function refuse(
  kit: AdminKit,
  req: FastifyRequest,
  reply: FastifyReply,
  who: SignedIn,
  target: { entity: string; entityId: string; message: string },
): Promise<void> {
  await auditAdmin(kit.deps.db, who.actor, 'admin.forbidden', { entity: target.entity, entityId: target.entityId, areaId: null, after: { url: req.url, method: req.method } });
  kit.deps.log.warn({ actor: actorName(who.actor), entity: target.entity, url: req.url }, 'admin asked for something outside their scope');
  const { t } = who.ctx;
  await kit.send(reply, 403, messagePage(who.ctx, t('admin:error.forbiddenTitle'), [target.message], { href: '/admin', label: t('admin:error.home') }));
}
