/**
 * Exports: XLSX and CSV of the session reports and of the quarterly summary per area, by sex and
 * ethnic-minority status. /admin/exports is a plain GET form (and the reporting deadlines);
 * /admin/exports/download checks the choice and the area scope, counts the rows first (refusing
 * what is over the limit), builds the file in memory and audits it as `admin.export`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Translate } from '../../../core/i18n.ts';
import { exportRows, exportSize, toCsv, toXlsx } from '../export.ts';
import { formatDate, formatQuarter, localDateOf, quarterOf, quartersBack, daysBetween, type LocalDate } from '../quarter.ts';
import { buildSummary, formatPeriod, parsePeriod, periodLabel, periodQuarters, reportingDeadlines, summaryCsv, summaryXlsx, type Deadline, type Period } from '../summary.ts';
import { auditAdmin } from '../../admin/index.ts';
import { areaById } from '../../groups/index.ts';
import { filterAreas } from '../compliance.ts';
import { html, layout, messagePage, notFound, type PageContext, type AdminKit } from '../../admin/web/index.ts';

/** The most rows one export may have (report rows, or groups for a summary); over it, choose a smaller area or period. */
export const defaultExportRowLimit = 50_000;

const kinds = ['reports', 'summary'] as const;
const formats = ['xlsx', 'csv'] as const;
type Kind = (typeof kinds)[number];
type FileFormat = (typeof formats)[number];

const contentTypes: Record<FileFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The periods offered: this quarter and the four before it, this year and last year. */
function periodChoices(today: LocalDate): Period[] {
  const quarters = quartersBack(quarterOf(today), 4).map((quarter): Period => ({ kind: 'quarter', quarter }));
  return [...quarters, { kind: 'year', year: today.year }, { kind: 'year', year: today.year - 1 }];
}

/** The download link of `period`'s summary as XLSX for `areaId`. */
const summaryHref = (period: Period, areaId: number) => `/admin/exports/download?${new URLSearchParams({ period: formatPeriod(period), area: String(areaId), kind: 'summary', format: 'xlsx' })}`;

function deadlineItem(t: Translate, d: Deadline, areaId: number | null, today: LocalDate) {
  const period: Period = { kind: 'year', year: d.year };
  const days = daysBetween(today, d.before);
  return html`<li><strong>${t(`admin:exports.deadline.${d.kind}`, { year: d.year })}</strong> — ${t('admin:exports.deadline.before', { date: formatDate(d.before) })}
<span class="muted">(${t('admin:exports.deadline.daysLeft', { count: days })})</span><br>
<span class="muted">${t(`admin:exports.deadline.${d.kind}Covers`, { year: d.year })}</span>
${areaId === null ? '' : html`<br><a href="${summaryHref(period, areaId)}">${t('admin:exports.deadline.download', { period: periodLabel(t, period) })}</a>`}</li>`;
}

interface ExportsView {
  today: LocalDate;
  areas: { id: number; name: string; depth: number }[];
  selectedAreaId: number | null;
  rowLimit: number;
}

export function exportsPage(ctx: PageContext, view: ExportsView): string {
  const { t } = ctx;
  const deadlines = reportingDeadlines(view.today);
  const periods = periodChoices(view.today);
  const option = (p: Period, selected: boolean) =>
    html`<option value="${formatPeriod(p)}" ${selected ? html`selected` : ''}>${periodLabel(t, p)}${p.kind === 'year' && p.year === view.today.year ? ` ${t('admin:exports.soFar')}` : ''}</option>`;
  const radio = (name: string, value: string, label: string, checked: boolean) =>
    html`<label class="choice"><input type="radio" name="${name}" value="${value}" ${checked ? html`checked` : ''}> ${label}</label>`;
  const body = html`<h1>${t('admin:exports.title')}</h1>
<p>${t('admin:exports.intro')}</p>
<section class="box" id="deadlines">
<h2>${t('admin:exports.deadline.title')}</h2>
${deadlines.length > 0 ? html`<p class="notice">${t('admin:exports.deadline.next', { name: t(`admin:exports.deadline.${deadlines[0]!.kind}`, { year: deadlines[0]!.year }), date: formatDate(deadlines[0]!.before) })}</p>` : ''}
<ul>${deadlines.map((d) => deadlineItem(t, d, view.selectedAreaId, view.today))}</ul>
<p class="muted">${t('admin:exports.deadline.note')}</p>
</section>
<h2>${t('admin:exports.formTitle')}</h2>
${
  view.areas.length === 0
    ? html`<p>${t('admin:exports.noAreas')}</p>`
    : html`<form class="export" method="get" action="/admin/exports/download">
<p><label for="period">${t('admin:exports.period')}</label><br>
<select id="period" name="period">
<optgroup label="${t('admin:exports.quarters')}">${periods.filter((p) => p.kind === 'quarter').map((p, i) => option(p, i === 0))}</optgroup>
<optgroup label="${t('admin:exports.years')}">${periods.filter((p) => p.kind === 'year').map((p) => option(p, false))}</optgroup>
</select></p>
<p><label for="area">${t('admin:exports.area')}</label><br>
<select id="area" name="area">${view.areas.map((a) => html`<option value="${a.id}" ${a.id === view.selectedAreaId ? html`selected` : ''}>${'\u00a0\u00a0'.repeat(a.depth)}${a.name}</option>`)}</select></p>
<fieldset><legend>${t('admin:exports.kind')}</legend>
${radio('kind', 'summary', t('admin:exports.kindSummary'), true)}<br><span class="muted">${t('admin:exports.kindSummaryNote')}</span><br>
${radio('kind', 'reports', t('admin:exports.kindReports'), false)}<br><span class="muted">${t('admin:exports.kindReportsNote')}</span>
</fieldset>
<fieldset><legend>${t('admin:exports.format')}</legend>
${radio('format', 'xlsx', t('admin:exports.formatXlsx'), true)}<br>
${radio('format', 'csv', t('admin:exports.formatCsv'), false)}
</fieldset>
<p><button type="submit">${t('admin:exports.download')}</button></p>
</form>
<p class="muted">${t('admin:exports.figuresNote')} ${t('admin:exports.limitNote', { limit: view.rowLimit.toLocaleString('vi-VN') })}</p>`
}`;
  return layout({ ...ctx, current: 'exports' }, t('admin:exports.title'), body);
}

/** `text` made safe for a file name: letters, digits, "-" and "_". */
const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'area';

export function registerExportPages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone } = kit.deps;
  const rowLimit = kit.deps.exportRowLimit ?? defaultExportRowLimit;

  admin.get('/exports', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const today = localDateOf(new Date(), timeZone);
    const areas = await filterAreas(db, who.scope);
    const own = who.scope.grants[0]?.areaId ?? null;
    const selectedAreaId = areas.some((a) => a.id === own) ? own : (areas[0]?.id ?? null);
    return kit.send(reply, 200, exportsPage(who.ctx, { today, areas, selectedAreaId, rowLimit }));
  });

  admin.get('/exports/download', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const { t } = who.ctx;
    const query = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim() : '');
    const period = parsePeriod(text('period'));
    const kind = kinds.find((k) => k === text('kind'));
    const format = formats.find((f) => f === text('format'));
    const areaText = text('area');
    const problems = [
      ...(period ? [] : [t('admin:exports.bad.period', { value: text('period') })]),
      ...(/^\d{1,9}$/.test(areaText) ? [] : [t('admin:exports.bad.area', { value: areaText })]),
      ...(kind ? [] : [t('admin:exports.bad.kind', { value: text('kind') })]),
      ...(format ? [] : [t('admin:exports.bad.format', { value: text('format') })]),
    ];
    const back = { href: '/admin/exports', label: t('admin:exports.back') };
    if (problems.length > 0 || !period || !kind || !format) return kit.send(reply, 400, messagePage(who.ctx, t('admin:exports.bad.title'), problems, back));
    const areaId = Number(areaText);
    if (!who.scope.areaIds.has(areaId)) return kit.forbidden(req, reply, who, areaId);
    const area = await areaById(db, areaId);
    if (!area) return notFound(kit, reply, who, back);

    // Count first: a file over the limit is refused before anything is built.
    const quarters = periodQuarters(period).map(formatQuarter);
    const rows = await exportSize(db, kind, area.path, quarters);
    if (rows > rowLimit) {
      const lines = [t(`admin:exports.tooBig.${kind}`, { count: rows, limit: rowLimit, area: area.name, period: periodLabel(t, period) }), t('admin:exports.tooBig.hint')];
      return kit.send(reply, 413, messagePage(who.ctx, t('admin:exports.tooBig.title'), lines, back));
    }

    const name = formatPeriod(period);
    let file: Buffer | string;
    let written: number;
    if (kind === 'reports') {
      const { formats: reportFormats, topics } = kit.deps.report;
      const list = await exportRows(db, { quarter: quarters, areaId, formats: reportFormats, topics });
      file = format === 'csv' ? toCsv(t, list) : await toXlsx(t, list, name);
      written = list.length;
    } else {
      const summary = await buildSummary(db, { areaId, period, today: localDateOf(new Date(), timeZone), timeZone: timeZone });
      file = format === 'csv' ? summaryCsv(t, summary) : await summaryXlsx(t, summary);
      written = summary.areas.length + 1 + summary.groups.length;
    }
    await auditAdmin(db, who.actor, 'admin.export', { entity: 'Area', entityId: String(areaId), areaId, after: { kind, period: name, format, rows: written } });
    return sendFile(reply, `loaban-${kind === 'reports' ? 'baocao' : 'tonghop'}-${name}-${fileSafe(area.code)}.${format}`, format, file);
  });
}

function sendFile(reply: FastifyReply, filename: string, format: FileFormat, file: Buffer | string): FastifyReply {
  return reply
    .code(200)
    .header('content-type', contentTypes[format])
    .header('content-disposition', `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'no-store')
    .send(file);
}
