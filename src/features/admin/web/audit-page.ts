/**
 * The audit log (/admin/audit), for province admins only: who did what and when, newest first,
 * 100 a page, filtered by action (one action or a family such as "report."). A province admin
 * sees the entries of areas inside their province; those tied to no area (logins, codes) only an
 * admin of a top-level area of the deployment sees.
 */
import type { FastifyInstance } from 'fastify';
import type { Translate } from '../../../core/i18n.ts';
import { html } from './html.ts';
import { badRequest, pageCount, pager, parsePage, queryText, refuse, withQuery } from './listing.ts';
import { layout, localTime } from './pages.ts';
import type { AdminKit } from './kit.ts';
import { auditLogPage } from '../audit-log.ts';
import { auditFacts } from '../audit-facts.ts';
import { wordEntry } from './audit-entry.ts';
import { isProvinceAdmin } from '../../groups/index.ts';

export const auditPageSize = 100;
/** An action's name in the admin's language ("report.correct" → "Sửa báo cáo"), else the action itself. */
export function actionLabel(t: Translate, action: string): string {
  const labels = t('admin:audit.actions', { returnObjects: true }) as unknown;
  const label = labels && typeof labels === 'object' ? (labels as Record<string, unknown>)[action] : undefined;
  return typeof label === 'string' ? label : action;
}

/** A family's name in the admin's language ("report." → "Báo cáo"), else the family itself. */
function familyLabel(t: Translate, family: string): string {
  return t(`admin:audit.families.${family.replace(/\.$/, '')}`, { defaultValue: family });
}

export function registerAuditPage(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone, campaigns } = kit.deps;

  admin.get('/audit', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    if (!isProvinceAdmin(who.scope)) return refuse(kit, req, reply, who, { entity: 'AuditLog', entityId: 'list', message: t('admin:audit.forbidden') });
    const query = req.query as Record<string, unknown>;
    const page = parsePage(query.page);
    const action = queryText(query.action);
    if (page === null || action === null || (action !== '' && !/^[A-Za-z0-9_.-]{1,64}$/.test(action))) {
      return badRequest(kit, reply, who, { href: '/admin/audit', label: t('admin:nav.audit') });
    }
    const { total, rows, actions, areaName } = await auditLogPage(db, who.scope, { action, page, pageSize: auditPageSize });
    const facts = await auditFacts(db, rows);

    // The filter: per family ("report."), all of it, then each action.
    const families = new Map<string, string[]>();
    for (const a of actions) {
      const family = a.includes('.') ? `${a.slice(0, a.indexOf('.'))}.` : a;
      families.set(family, [...(families.get(family) ?? []), a]);
    }
    const option = (value: string, label: string) => html`<option value="${value}" ${value === action ? html`selected` : ''}>${label}</option>`;
    const select = html`<select id="action" name="action">${option('', t('admin:audit.allActions'))}${[...families].map(
      ([family, members]) =>
        html`<optgroup label="${familyLabel(t, family)}">${family.endsWith('.') && members.length > 1 ? option(family, t('admin:audit.family', { family: familyLabel(t, family) })) : ''}${members.map((a) => option(a, actionLabel(t, a)))}</optgroup>`,
    )}</select>`;

    const row = (r: (typeof rows)[number]) => {
      const e = wordEntry(t, r, facts, campaigns, timeZone);
      return html`<tr data-audit="${r.id}"><td class="s">${localTime(r.at, timeZone)}</td><td>${e.who}${e.role === '' ? '' : html`<br><span class="muted">${e.role}</span>`}</td><td class="what">${e.sentence}</td><td>${e.link ? html`<a href="${e.link.href}">${e.link.label}</a>` : '—'}</td><td>${r.areaId === null ? '—' : (areaName.get(r.areaId) ?? '—')}</td><td class="json"><details><summary>${t('admin:audit.details')}</summary>${e.raw.split('\n').map((line) => html`<code>${line}</code><br>`)}</details></td></tr>`;
    };
    const table = html`<p class="scroll-hint">${t('admin:table.scrollHint')}</p><div class="scroll"><table id="audit">
<thead><tr><th>${t('admin:audit.when')}</th><th>${t('admin:audit.who')}</th><th>${t('admin:audit.action')}</th><th>${t('admin:audit.entity')}</th><th>${t('admin:audit.area')}</th><th>${t('admin:audit.change')}</th></tr></thead>
<tbody>${rows.map(row)}</tbody>
</table></div>`;
    const body = html`<h1>${t('admin:audit.title')}</h1>
<p>${t('admin:audit.intro')}</p>
<form class="filter" method="get" action="/admin/audit">
<label for="action">${t('admin:audit.action')}</label>
${select}
<button type="submit">${t('admin:audit.filter')}</button>
</form>
<p>${t('admin:audit.count', { count: total })}</p>
${rows.length > 0 ? table : html`<p class="notice">${total === 0 ? t('admin:audit.none') : t('admin:audit.pageEmpty', { pages: pageCount(total, auditPageSize) })}</p>`}
${pager(who.ctx, { page, pageSize: auditPageSize, total, href: (n) => withQuery('/admin/audit', { action, page: n === 1 ? null : n }) })}`;
    return kit.send(reply, 200, layout({ ...who.ctx, current: 'audit' }, t('admin:audit.title'), body));
  });
}
