/**
 * The dashboard's pages as HTML strings: a phone-first layout with the admin's name and a logout
 * form, the overview, compliance, login pages and the error pages. Every text comes from
 * locales/<lng>/admin.json; every value goes through the escaping `html` template.
 */
import { DateTime } from 'luxon';
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

export const stylesheet = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#f6f5f2}
a{color:#8a1c48}
header{background:#8a1c48;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header .app{font-weight:700;margin-right:auto}
header nav{display:flex;gap:.25rem 1rem;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;padding:.2rem 0;border-bottom:2px solid transparent}
header a[aria-current=page]{border-bottom-color:#fff}
header form{margin:0;display:flex;gap:.5rem;align-items:center}
header .who{opacity:.9;font-size:.9rem}
main{max-width:60rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}
h1{font-size:1.4rem;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.muted{color:#5f5f66;font-size:.9rem}
.notice{background:#fff8e1;border-left:4px solid #e0a800;padding:.6rem .8rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5rem,1fr));gap:.6rem}
.card{background:#fff;border-radius:.5rem;padding:.7rem .8rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card .n{font-size:1.6rem;font-weight:700}
.card .l{font-size:.85rem;color:#5f5f66}
button,.button{font:inherit;background:#8a1c48;color:#fff;border:0;border-radius:.4rem;padding:.55rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
header button{background:transparent;border:1px solid #fff;padding:.2rem .6rem;font-size:.9rem}
select{font:inherit;padding:.45rem;max-width:100%}
form.filter{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.scroll{overflow-x:auto;background:#fff;border-radius:.5rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:.45rem .6rem;text-align:left;border-bottom:1px solid #eee;vertical-align:top}
th{background:#faf7f8;white-space:nowrap}
td.s{min-width:5.5rem}
#compliance th:first-child,#compliance td:first-child{min-width:9rem;position:sticky;left:0;background:#fff;box-shadow:1px 0 0 #eee}
#compliance th:first-child{background:#faf7f8}
.s-reported{color:#1b6e2d}
.s-late{color:#8a5a00}
.s-missing{color:#b3261e;font-weight:600}
.s-untracked{color:#999}
ul.plain{list-style:none;padding:0;margin:0}
ul.plain li{background:#fff;margin:.3rem 0;padding:.5rem .7rem;border-radius:.4rem}
svg.chart{width:100%;max-width:36rem;height:auto;background:#fff;border-radius:.5rem}
.box{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08);max-width:34rem}
.box>:first-child{margin-top:0}
.box+.box,h2+.box{margin-top:.6rem}
nav.pager{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.8rem 0}
.code{font:700 2.2rem/1.2 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.12em;margin:.5rem 0}
.code-line,.join-code{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:700}
td.json{min-width:18rem}
td.json code{font-size:.8rem;word-break:break-all}
ins{text-decoration:none;background:#e6f4ea}
del{color:#5f5f66}
form.stack fieldset{min-width:0;border:0;background:#fff;border-radius:.5rem;padding:.6rem 1rem;margin:.8rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
form.stack legend{font-weight:700;padding:0}
form.stack label{display:block;margin:.4rem 0 .15rem}
form.stack input[type=date],form.stack input[type=time],form.stack input[type=text],textarea{font:inherit;padding:.45rem;max-width:100%}
textarea{width:100%;min-height:8rem}
.error{color:#b3261e;font-weight:600;margin:.2rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
.actions form{margin:0}
button.secondary,.button.secondary{background:#fff;color:#8a1c48;border:1px solid #8a1c48}
.message{white-space:pre-wrap;background:#faf7f8;border-left:4px solid #8a1c48;padding:.6rem .8rem}
`.trim();

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
    : html`<div class="scroll"><table>
<thead><tr><th>${t('admin:overview.when')}</th><th>${t('admin:overview.what')}</th><th>${t('admin:overview.to')}</th></tr></thead>
<tbody>${data.upcoming.map((b) => html`<tr><td class="s">${localTime(b.at, view.timeZone)}</td><td>${whatLabel(t, b)}</td><td>${audienceLabel(t, b)}</td></tr>`)}</tbody>
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

/** Horizontal bars, one per quarter: the share of groups that met the rule. Plain SVG, no script. */
function shareChart(t: Translate, table: ComplianceTable): Html {
  const rowHeight = 34;
  const labelWidth = 84; // room for the glossary's quarter label at 13 px
  const barWidth = 200;
  const height = table.shares.length * rowHeight + 8;
  // Newest first, as in the table: on a phone the quarter that matters now is what shows.
  const bars = [...table.shares].reverse().map((s, i) => {
    const y = 8 + i * rowHeight;
    const share = s.counted === 0 ? null : s.met / s.counted;
    const width = share === null ? 0 : Math.max(share > 0 ? 2 : 0, Math.round(share * barWidth));
    const text = share === null ? t('admin:compliance.noData') : t('admin:compliance.share', { percent: Math.round(share * 100), met: s.met, counted: s.counted });
    return html`<g>
<text x="0" y="${y + 17}" font-size="13" fill="#1d1d1f">${quarterLabel(t, s.quarter)}</text>
<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="24" fill="#f0e6ea" rx="3"></rect>
<rect x="${labelWidth}" y="${y}" width="${width}" height="24" fill="#8a1c48" rx="3"></rect>
<text x="${labelWidth + 6}" y="${y + 17}" font-size="12" fill="${share !== null && share >= 0.5 ? '#fff' : '#1d1d1f'}">${text}</text>
</g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${labelWidth + barWidth + 10} ${height}" role="img" aria-label="${t('admin:compliance.chartTitle')}">
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
<div class="scroll"><table id="compliance">
<thead><tr><th>${t('admin:compliance.group')}</th>${newestFirst.map(
        (i) => html`<th>${quarterLabel(t, table.quarters[i]!)}${i === current ? html`<br><span class="muted">${t('admin:compliance.current')}</span>` : ''}</th>`,
      )}</tr></thead>
<tbody>${table.rows.map((r) => html`<tr data-group="${r.group.id}"><td>${r.group.name}<br><span class="muted">${r.group.areaName}</span></td>${newestFirst.map((i) => cell(r.statuses[i]!))}</tr>`)}</tbody>
</table></div>`
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
