/**
 * The dashboard's pages as HTML strings: a phone-first layout with the admin's name and a logout
 * form, the overview, compliance, login pages and the error pages. Every text comes from
 * locales/<lng>/admin.json; every value goes through the escaping `html` template.
 */
import { DateTime } from '../../../core/luxon.ts';
import type { Translate } from '../../../core/i18n.ts';
import type { Quarter, ComplianceTable, QuarterStatus } from '../../reporting/index.ts';
import { html, type Html } from './html.ts';
import type { Overview, PendingDirectoryEntry, UpcomingBroadcast } from '../overview.ts';

export interface PageContext {
  t: Translate;
  lang: string;
  /** The logged-in admin: name and the CSRF token of the logout form. */
  admin?: { name: string; csrf: string; province: boolean };
  current?: NavKey;
}

const numberFormat = new Intl.NumberFormat('vi-VN');
const num = (n: number) => numberFormat.format(n);

/** "08:00 01/12/2026" in the deployment's time zone. */
export const localTime = (date: Date, timeZone: string) => DateTime.fromJSDate(date, { zone: timeZone }).toFormat('HH:mm dd/LL/yyyy');

export type NavKey = 'overview' | 'compliance' | 'schedules' | 'reports' | 'questions' | 'invites' | 'exports' | 'audit';

/** The menu: every page an admin has; the audit log only for province admins. */
const navigation: { key: NavKey; href: string; provinceOnly?: boolean }[] = [
  { key: 'overview', href: '/admin' },
  { key: 'compliance', href: '/admin/compliance' },
  { key: 'schedules', href: '/admin/schedules' },
  { key: 'reports', href: '/admin/reports' },
  { key: 'exports', href: '/admin/exports' },
  { key: 'questions', href: '/admin/questions' },
  { key: 'invites', href: '/admin/invites' },
  { key: 'audit', href: '/admin/audit', provinceOnly: true },
];

/** A whole page: header (name, navigation, logout), then `body`; with `refreshSeconds`, the browser reloads it that often (live progress, no script). */
export function layout(ctx: PageContext, title: string, body: Html, options: { refreshSeconds?: number } = {}): string {
  const { t } = ctx;
  const links = navigation
    .filter((n) => !n.provinceOnly || ctx.admin?.province)
    .map((n) => html`<a href="${n.href}" ${ctx.current === n.key ? html`aria-current="page"` : ''}>${t(`admin:nav.${n.key}`)}</a>`);
  const header = ctx.admin
    ? html`<header>
  <span class="app">${t('admin:appName')}</span>
  <nav aria-label="${t('admin:nav.menu')}">${links}</nav>
  <form method="post" action="/admin/logout"><span class="who">${ctx.admin.name}</span><input type="hidden" name="_csrf" value="${ctx.admin.csrf}"><button type="submit">${t('admin:nav.logout')}</button></form>
</header>`
    : html`<header><span class="app">${t('admin:appName')}</span></header>`;
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">
` : ''}<title>${title} · ${t('admin:appName')}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/admin/style.css">
</head>
<body>
${header}
<main>
${body}
</main>
</body>
</html>
`.value;
}

/**
 * A table too wide for a phone, in a box that scrolls sideways (shadows at the hidden edge) with a
 * line above it, on a phone only, saying so. A table of records reads better as cards: give it
 * class "stack" and each cell a data-label instead (see styles.ts).
 */
export function scrollBox(ctx: PageContext, table: Html): Html {
  return html`<p class="scroll-hint">${ctx.t('admin:table.scrollHint')}</p><div class="scroll">${table}</div>`;
}

/** A page that says one thing: an error, a used link. */
export function messagePage(ctx: PageContext, title: string, lines: string[], action?: { href: string; label: string }): string {
  return layout(ctx, title, html`<h1>${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}${action ? html`<p><a class="button" href="${action.href}">${action.label}</a></p>` : ''}`);
}

const quarterLabel = (t: Translate, q: Quarter) => t('admin:compliance.quarterShort', { quarter: q.quarter, year: q.year });

function audienceLabel(t: Translate, b: UpcomingBroadcast): string {
  switch (b.audience.kind) {
    case 'everyone':
      return t('admin:overview.everyone');
    case 'area':
      return b.audience.name;
    case 'groups':
      return b.audience.names.join(', ');
  }
}

function whatLabel(t: Translate, b: UpcomingBroadcast): string {
  switch (b.what.kind) {
    case 'content':
      return b.what.title;
    case 'calendar':
      return t('admin:overview.calendar', { key: b.what.key });
    case 'text':
      return b.what.text.length > 80 ? `${b.what.text.slice(0, 80)}…` : b.what.text;
  }
}

export interface OverviewView {
  data: Overview;
  /** Numbers and addresses villagers do not see until the province confirms them. */
  pending: PendingDirectoryEntry[];
  scopeAreas: string[];
  timeZone: string;
}

export function overviewPage(ctx: PageContext, view: OverviewView): string {
  const { t } = ctx;
  const { data } = view;
  const card = (n: number, label: string) => html`<div class="card"><div class="n">${num(n)}</div><div class="l">${label}</div></div>`;
  const more = data.groups.silent - data.silentGroups.length;
  const body = html`<h1>${t('admin:overview.title')} — ${t('admin:overview.quarter', { quarter: data.quarter.quarter, year: data.quarter.year })}</h1>
<p class="muted">${t('admin:overview.scope', { areas: view.scopeAreas.join(', ') })}</p>
<section class="cards" aria-label="${t('admin:overview.groupsTotal')}">
${card(data.groups.total, t('admin:overview.groupsTotal'))}
${card(data.groups.active, t('admin:overview.active'))}
${card(data.groups.silent, t('admin:overview.silent'))}
${card(data.sessions, t('admin:overview.sessions'))}
${card(data.participants.total, t('admin:overview.participants'))}
${card(data.participants.women, t('admin:overview.women'))}
${card(data.participants.ethnicMinority, t('admin:overview.ethnicMinority'))}
${card(data.followers, t('admin:overview.followers'))}
</section>
<p class="muted">${t('admin:overview.activeDefinition')} ${t('admin:overview.followersNote')}</p>
${
  data.groups.silent > 0
    ? html`<h2>${t('admin:overview.silent')} (${num(data.groups.silent)})</h2>
<ul class="plain" id="silent-groups">${data.silentGroups.map((g) => html`<li>${g.name} <span class="muted">— ${g.areaName}</span></li>`)}${more > 0 ? html`<li class="muted">+ ${num(more)}</li>` : ''}</ul>
<p><a href="/admin/compliance">${t('admin:overview.seeCompliance')}</a></p>`
    : ''
}
<h2>${t('admin:overview.upcoming')}</h2>
${
  data.upcoming.length === 0
    ? html`<p>${t('admin:overview.upcomingNone')}</p>`
    : html`<div class="scroll"><table class="stack" id="upcoming">
<thead><tr><th>${t('admin:overview.when')}</th><th>${t('admin:overview.what')}</th><th>${t('admin:overview.to')}</th></tr></thead>
<tbody>${data.upcoming.map((b) => html`<tr><td class="s" data-label="${t('admin:overview.when')}">${localTime(b.at, view.timeZone)}</td><td class="lead">${whatLabel(t, b)}</td><td data-label="${t('admin:overview.to')}">${audienceLabel(t, b)}</td></tr>`)}</tbody>
</table></div>`
}
<p class="muted">${t('admin:overview.upcomingNote')}</p>
${
  view.pending.length > 0
    ? html`<h2>${t('admin:overview.pendingTitle')} (${num(view.pending.length)})</h2>
<ul class="plain" id="pending-directory">${view.pending.map((e) => html`<li>${e.name}${e.phone ? html`: <strong>${e.phone}</strong>` : ''} <span class="muted">— ${e.place}</span></li>`)}</ul>
<p class="muted">${t('admin:overview.pendingNote')}</p>`
    : ''
}`;
  return layout({ ...ctx, current: 'overview' }, t('admin:overview.title'), body);
}

/**
 * Horizontal bars, one per quarter: the share of groups that met the rule. Plain SVG, no script,
 * drawn at its own size in pixels (a phone's width) so that its text is the body's size: it
 * shrinks on a narrower screen and does not grow on a wide one.
 */
function shareChart(t: Translate, table: ComplianceTable): Html {
  const rowHeight = 36;
  const labelWidth = 96;
  const barWidth = 250;
  const height = table.shares.length * rowHeight + 8;
  // Newest first, as in the table: on a phone the quarter that matters now is what shows.
  const bars = [...table.shares].reverse().map((s, i) => {
    const y = 8 + i * rowHeight;
    const share = s.counted === 0 ? null : s.met / s.counted;
    const width = share === null ? 0 : Math.max(share > 0 ? 2 : 0, Math.round(share * barWidth));
    const text = share === null ? t('admin:compliance.noData') : t('admin:compliance.share', { percent: Math.round(share * 100), met: s.met, counted: s.counted });
    return html`<g>
<text x="0" y="${y + 19}" font-size="16" fill="#1d1d1f">${quarterLabel(t, s.quarter)}</text>
<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="27" fill="#f0e6ea" rx="3"></rect>
<rect x="${labelWidth}" y="${y}" width="${width}" height="27" fill="#8a1c48" rx="3"></rect>
<text x="${labelWidth + 6}" y="${y + 19}" font-size="15" fill="${share !== null && share >= 0.5 ? '#fff' : '#1d1d1f'}">${text}</text>
</g>`;
  });
  const chartWidth = labelWidth + barWidth + 10;
  return html`<svg class="chart" width="${chartWidth}" height="${height}" viewBox="0 0 ${chartWidth} ${height}" role="img" aria-label="${t('admin:compliance.chartTitle')}">
<title>${t('admin:compliance.chartTitle')}</title>
${bars}
</svg>`;
}

export interface ComplianceView {
  table: ComplianceTable;
  /** The filter's choices; id null: all the admin's areas. */
  areas: { id: number | null; name: string; depth: number }[];
  selectedAreaId: number | null;
}

export function compliancePage(ctx: PageContext, view: ComplianceView): string {
  const { t } = ctx;
  const { table } = view;
  const current = table.quarters.length - 1;
  // Columns newest first: the running quarter is the one a phone shows without scrolling.
  const newestFirst = table.quarters.map((_, i) => current - i);
  const missingNow = table.rows.filter((r) => r.statuses[current] === 'missing').length;
  const cell = (s: QuarterStatus) => html`<td class="s s-${s}">${t(`admin:compliance.status.${s}`)}</td>`;
  const options = view.areas.map(
    (a) => html`<option value="${a.id ?? ''}" ${a.id === view.selectedAreaId ? html`selected` : ''}>${'\u00a0\u00a0'.repeat(a.depth)}${a.name}</option>`,
  );
  const body = html`<h1>${t('admin:compliance.title')}</h1>
<p>${t('admin:compliance.intro')}</p>
<form class="filter" method="get" action="/admin/compliance">
<label for="area">${t('admin:compliance.area')}</label>
<select id="area" name="area">${options}</select>
<button type="submit">${t('admin:compliance.filter')}</button>
</form>
<h2>${t('admin:compliance.chartTitle')}</h2>
${shareChart(t, table)}
<p class="muted">${t('admin:compliance.chartNote')}</p>
${
  table.rows.length === 0
    ? html`<p>${t('admin:compliance.noGroups')}</p>`
    : html`<p class="notice">${t('admin:compliance.missingNow', { count: missingNow })}</p>
${scrollBox(ctx, html`<table id="compliance">
<thead><tr><th>${t('admin:compliance.group')}</th>${newestFirst.map(
        (i) => html`<th>${quarterLabel(t, table.quarters[i]!)}${i === current ? html`<br><span class="muted">${t('admin:compliance.current')}</span>` : ''}</th>`,
      )}</tr></thead>
<tbody>${table.rows.map((r) => html`<tr data-group="${r.group.id}"><td>${r.group.name}<br><span class="muted">${r.group.areaName}</span></td>${newestFirst.map((i) => cell(r.statuses[i]!))}</tr>`)}</tbody>
</table>`)}`
}
<p class="muted">${t('admin:compliance.legend')}</p>`;
  return layout({ ...ctx, current: 'compliance' }, t('admin:compliance.title'), body);
}

export interface LoginView {
  notice: 'loggedOut' | 'sessionEnded' | null;
  linkMinutes: number;
  /** Sandbox mode: the demo admins one can log in as, and the form's CSRF token. */
  sandbox: { admins: { personId: number; name: string; areas: string }[]; csrf: string } | null;
}

export function loginPage(ctx: PageContext, view: LoginView): string {
  const { t } = ctx;
  const sandbox = view.sandbox;
  const body = html`<h1>${t('admin:login.title')}</h1>
${view.notice ? html`<p class="notice">${t(`admin:login.${view.notice}`)}</p>` : ''}
<p>${t('admin:login.howTo', { minutes: view.linkMinutes })}</p>
${
  sandbox
    ? html`<section class="box"><h2>${t('admin:login.sandboxTitle')}</h2><p class="muted">${t('admin:login.sandboxNote')}</p>
${
  sandbox.admins.length === 0
    ? html`<p>${t('admin:login.sandboxNone')}</p>`
    : sandbox.admins.map(
        (a) => html`<form method="post" action="/admin/sandbox-login"><input type="hidden" name="_csrf" value="${sandbox.csrf}"><input type="hidden" name="personId" value="${a.personId}"><p><button type="submit">${t('admin:login.sandboxAs', { name: a.name })}</button><br><span class="muted">${a.areas}</span></p></form>`,
      )
}</section>`
    : ''
}`;
  return layout(ctx, t('admin:login.title'), body);
}

export function confirmLoginPage(ctx: PageContext, view: { name: string; token: string; csrf: string; expiresAt: Date; timeZone: string }): string {
  const { t } = ctx;
  const body = html`<section class="box">
<h1>${t('admin:login.confirmTitle')}</h1>
<p>${t('admin:login.confirmText', { name: view.name })}</p>
<form method="post" action="/admin/login/${view.token}"><input type="hidden" name="_csrf" value="${view.csrf}"><button type="submit">${t('admin:login.confirmButton')}</button></form>
<p class="muted">${t('admin:login.confirmNote', { time: localTime(view.expiresAt, view.timeZone) })} ${t('admin:login.sessionNote')}</p>
</section>`;
  return layout(ctx, t('admin:login.confirmTitle'), body);
}
