/**
 * Session reports on the dashboard: the list (/admin/reports, by quarter and area, 50 a page,
 * newest session first) and one report (/admin/reports/:id) with its photos as far as we can show
 * them and every correction (who changed what, when).
 */
import type { FastifyInstance } from 'fastify';
import type { SessionReport } from '../../../generated/prisma/client.ts';
import { areaById, areaPathNames, canSee } from '../../groups/index.ts';
import type { Translate } from '../../../core/i18n.ts';
import { formatDate, formatQuarter, fromUtcDate, localDateOf, parseQuarter, type Quarter } from '../quarter.ts';
import { filterAreas, lastQuarters } from '../compliance.ts';
import { correctedReports, correctionsOf, reportDetail, reportsPage } from '../store.ts';
import { html, type Html, badRequest, notFound, pageCount, pager, parseId, parsePage, queryText, withQuery, layout, localTime, type PageContext, type AdminKit } from '../../admin/web/index.ts';

export const reportsPageSize = 50;

/** Labels for report formats and topics (content/reports.yaml, content/topics.yaml). */
export interface ReportLabels {
  formats: ReadonlyArray<{ id: string; label: string }>;
  topics: ReadonlyArray<{ id: string; label: string }>;
}

const labelOf = (list: ReportLabels['formats'], id: string) => list.find((x) => x.id === id)?.label ?? id;

/** The report fields a correction can change, in the order a person reads them. */
export const reportFields = ['heldOn', 'format', 'topics', 'participantsTotal', 'participantsWomen', 'participantsEthnicMinority', 'place', 'notes', 'photos'] as const;
export type ReportField = (typeof reportFields)[number];

export interface FieldChange {
  field: ReportField;
  before: unknown;
  after: unknown;
}

/**
 * The fields a `report.correct` audit entry changed, from its before and after JSON. Only the
 * report's own fields count (the stored "before" also carries bookkeeping columns).
 */
export function changedFields(before: unknown, after: unknown): FieldChange[] {
  const was = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const now = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  return reportFields
    .filter((field) => field in now && JSON.stringify(was[field] ?? null) !== JSON.stringify(now[field] ?? null))
    .map((field) => ({ field, before: was[field], after: now[field] }));
}

/** A field's value as a person reads it: dates as 05/03/2026, labels instead of ids, photos counted. */
export function fieldText(t: Translate, labels: ReportLabels, field: ReportField, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (field) {
    case 'heldOn': {
      const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
      return m ? formatDate({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }) : String(value);
    }
    case 'format':
      return labelOf(labels.formats, String(value));
    case 'topics':
      return Array.isArray(value) ? (value.length === 0 ? '—' : value.map((id) => labelOf(labels.topics, String(id))).join('; ')) : String(value);
    case 'photos':
      return Array.isArray(value) ? t('admin:reports.photoCount', { count: value.length }) : String(value);
    default:
      return String(value);
  }
}

const quarterLabel = (t: Translate, q: Quarter) => t('admin:reports.quarter', { quarter: q.quarter, year: q.year });

/** The chat platform's name ("Telegram", "Zalo"), or the stored word itself when we have no label. */
export const platformLabel = (t: Translate, platform: string) => t(`admin:reports.platform.${platform}`, { defaultValue: platform });

export function registerReportPages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone } = kit.deps;
  const labels: ReportLabels = kit.deps.report;

  admin.get('/reports', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const back = { href: '/admin/reports', label: t('admin:nav.reports') };
    const query = req.query as Record<string, unknown>;
    const quarterText = queryText(query.quarter);
    const areaText = queryText(query.area);
    const page = parsePage(query.page);
    const choices = lastQuarters(localDateOf(new Date(), timeZone)).reverse();
    const quarter = quarterText === '' ? choices[0]! : quarterText === null ? null : parseQuarter(quarterText);
    if (!quarter || page === null || areaText === null || (areaText !== '' && !/^\d{1,9}$/.test(areaText))) return badRequest(kit, reply, who, back);

    const single = who.scope.grants.length === 1 ? who.scope.grants[0]!.areaId : null;
    const areaId = areaText === '' ? single : Number(areaText);
    if (areaId !== null && !canSee(who.scope, areaId)) return kit.forbidden(req, reply, who, areaId);
    const area = areaId === null ? null : await areaById(db, areaId);
    const { total, rows } = await reportsPage(db, { quarter: formatQuarter(quarter), grants: who.scope.grants, underPath: area?.path ?? null }, page, reportsPageSize);
    const corrected = await correctedReports(db, rows.map((r) => r.id));

    const areas = await filterAreas(db, who.scope);
    const areaChoices = who.scope.grants.length > 1 ? [{ id: null, name: t('admin:reports.allAreas'), depth: 0 }, ...areas.map((a) => ({ ...a, depth: a.depth + 1 }))] : areas;
    const quarterChoices = choices.some((q) => formatQuarter(q) === formatQuarter(quarter)) ? choices : [quarter, ...choices];
    const href = (n: number) => withQuery('/admin/reports', { quarter: quarterText === '' ? null : formatQuarter(quarter), area: areaText, page: n === 1 ? null : n });
    const num = (n: number) => n.toLocaleString('vi-VN');

    // On a phone each report is a card: the group first, then each figure with its label.
    const label = (key: string) => html`data-label="${t(`admin:reports.${key}`)}"`;
    const table = html`<div class="scroll"><table class="stack" id="reports">
<thead><tr><th>${t('admin:reports.heldOn')}</th><th>${t('admin:reports.group')}</th><th>${t('admin:reports.area')}</th><th>${t('admin:reports.format')}</th><th>${t('admin:reports.participants')}</th><th>${t('admin:reports.women')}</th><th>${t('admin:reports.minority')}</th></tr></thead>
<tbody>${rows.map(
      (r) => html`<tr data-report="${r.id}"><td class="s" ${label('heldOn')}><a href="/admin/reports/${r.id}">${formatDate(fromUtcDate(r.heldOn))}</a>${corrected.has(r.id) ? html`<br><span class="muted">${t('admin:reports.correctedMark')}</span>` : ''}</td><td class="lead">${r.group.name}</td><td ${label('area')}>${r.group.area.name}</td><td ${label('format')}>${labelOf(labels.formats, r.format)}</td><td class="n" ${label('participants')}>${num(r.participantsTotal)}</td><td class="n" ${label('women')}>${num(r.participantsWomen)}</td><td class="n" ${label('minority')}>${num(r.participantsEthnicMinority)}</td></tr>`,
    )}</tbody>
</table></div>`;
    const pages = pageCount(total, reportsPageSize);
    const body = html`<h1>${t('admin:reports.title')}</h1>
<form class="filter" method="get" action="/admin/reports">
<label for="quarter">${t('admin:reports.quarterLabel')}</label>
<select id="quarter" name="quarter">${quarterChoices.map((q) => html`<option value="${formatQuarter(q)}" ${formatQuarter(q) === formatQuarter(quarter) ? html`selected` : ''}>${quarterLabel(t, q)}</option>`)}</select>
<label for="area">${t('admin:reports.area')}</label>
<select id="area" name="area">${areaChoices.map((a) => html`<option value="${a.id ?? ''}" ${a.id === areaId ? html`selected` : ''}>${'\u00a0\u00a0'.repeat(a.depth)}${a.name}</option>`)}</select>
<button type="submit">${t('admin:reports.filter')}</button>
</form>
<p>${t('admin:reports.count', { count: total, quarter: quarterLabel(t, quarter) })}</p>
${rows.length > 0 ? table : html`<p class="notice">${total === 0 ? t('admin:reports.none') : t('admin:reports.pageEmpty', { pages })}</p>`}
${pager(who.ctx, { page, pageSize: reportsPageSize, total, href })}
<p class="muted">${t('admin:reports.listNote')}</p>`;
    return kit.send(reply, 200, layout({ ...who.ctx, current: 'reports' }, t('admin:reports.title'), body));
  });

  admin.get('/reports/:id', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const back = { href: '/admin/reports', label: t('admin:reports.backToList') };
    const id = parseId((req.params as { id: string }).id);
    const report = id === null ? null : await reportDetail(db, id);
    if (!report) return notFound(kit, reply, who, back);
    if (!canSee(who.scope, report.group.areaId)) return kit.forbidden(req, reply, who, report.group.areaId);

    const [areaPath, corrections] = await Promise.all([areaPathNames(db, report.group.areaId), correctionsOf(db, report.id)]);
    return kit.send(reply, 200, reportPage({ ...who.ctx, current: 'reports' }, { report, areaPath, corrections, labels, timeZone }));
  });
}

interface ReportView {
  report: Omit<SessionReport, 'groupId' | 'reportedById' | 'idempotencyKey'> & {
    group: { name: string };
    reportedBy: { displayName: string; platform: string } | null;
  };
  areaPath: string[];
  corrections: Array<{ id: number; at: Date; actor: string; correctorName: string | null; before: unknown; after: unknown }>;
  labels: ReportLabels;
  timeZone: string;
}

function reportPage(ctx: PageContext, view: ReportView): string {
  const { t } = ctx;
  const { report: r, labels } = view;
  const quarter = parseQuarter(r.quarter);
  const num = (n: number) => n.toLocaleString('vi-VN');
  const row = (label: string, value: Html | string) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  // Numbered by their place among all the report's photos.
  const links = r.photos.flatMap((p, i) => (/^https:\/\//i.test(p) ? [{ href: p, n: i + 1 }] : []));
  const photos =
    r.photos.length === 0
      ? html`<p>${t('admin:reports.noPhotos')}</p>`
      : html`<p>${t('admin:reports.photosStored', { count: r.photos.length, platform: platformLabel(t, r.source) })}</p>
${links.length > 0 ? html`<ul class="plain">${links.map((l) => html`<li><a href="${l.href}" rel="noreferrer noopener" target="_blank">${t('admin:reports.photoLink', { n: l.n })}</a></li>`)}</ul>` : ''}
${links.length < r.photos.length ? html`<p class="muted">${t('admin:reports.photosNotShown', { platform: platformLabel(t, r.source) })}</p>` : ''}`;
  const corrections =
    view.corrections.length === 0
      ? html`<p>${t('admin:reports.noCorrections')}</p>`
      : html`<ul class="plain" id="corrections">${view.corrections.map((c) => {
          const changes = changedFields(c.before, c.after);
          return html`<li><strong>${localTime(c.at, view.timeZone)}</strong> — ${c.correctorName ? html`${c.correctorName} <span class="muted">(${c.actor})</span>` : c.actor}
${
  changes.length === 0
    ? html`<p class="muted">${t('admin:reports.noChange')}</p>`
    : html`<ul>${changes.map((ch) => html`<li>${t(`admin:reports.field.${ch.field}`)}: <del>${fieldText(t, labels, ch.field, ch.before)}</del> → <ins>${fieldText(t, labels, ch.field, ch.after)}</ins></li>`)}</ul>`
}</li>`;
        })}</ul>`;
  const title = t('admin:reports.detailTitle', { id: r.id });
  const body = html`<p><a href="/admin/reports">${t('admin:reports.backToList')}</a></p>
<h1>${title}</h1>
<div class="scroll"><table id="report">
${row(t('admin:reports.group'), r.group.name)}
${row(t('admin:reports.area'), view.areaPath.join(' › '))}
${row(t('admin:reports.heldOn'), formatDate(fromUtcDate(r.heldOn)))}
${row(t('admin:reports.quarterLabel'), quarter ? quarterLabel(t, quarter) : r.quarter)}
${row(t('admin:reports.format'), labelOf(labels.formats, r.format))}
${row(t('admin:reports.topics'), fieldText(t, labels, 'topics', r.topics))}
${row(t('admin:reports.participants'), num(r.participantsTotal))}
${row(t('admin:reports.women'), num(r.participantsWomen))}
${row(t('admin:reports.men'), num(Math.max(0, r.participantsTotal - r.participantsWomen)))}
${row(t('admin:reports.minority'), num(r.participantsEthnicMinority))}
${row(t('admin:reports.place'), r.place)}
${row(t('admin:reports.notes'), r.notes ?? '—')}
${row(t('admin:reports.source'), platformLabel(t, r.source))}
${row(t('admin:reports.reportedBy'), r.reportedBy ? r.reportedBy.displayName : t('admin:reports.unknownPerson'))}
${row(t('admin:reports.reportedAt'), localTime(r.createdAt, view.timeZone))}
</table></div>
<h2>${t('admin:reports.photos')}</h2>
${photos}
<h2>${t('admin:reports.corrections')}</h2>
${corrections}`;
  return layout(ctx, title, body);
}
