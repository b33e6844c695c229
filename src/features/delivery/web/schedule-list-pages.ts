/**
 * The schedule list (with the notice after an action and each schedule's last runs, each saying
 * where it stands), the delete confirmation, and a broadcast's progress page (counts, failures by
 * kind; while it sends it reloads itself every few seconds, while it waits for its time or for the
 * quiet hours to end it reloads once, then).
 */
import type { Translate } from '../../../core/i18n.ts';
import type { Audience } from '../audience.ts';
import type { Progress, RecentRun } from '../broadcasts.ts';
import { stillGoing, type Standing } from '../standing.ts';
import { reasonKind } from '../reasons.ts';
import { html, layout, localTime, type PageContext } from '../../admin/web/index.ts';
import { clockTime, csrfField, standingText, whatText, whenText, type Library, type QuietWindow, type ScheduleRow } from './schedule-view.ts';

/** How often an unfinished progress page reloads itself. */
const refreshSeconds = 5;

export interface ListedSchedule {
  row: ScheduleRow;
  audience: Audience;
  audienceText: string;
  /** The latest runs, latest first, each with where it stands now. */
  runs: (RecentRun & { standing: Standing })[];
  canAct: boolean;
}

/** The line above the list after an action: created, sending, paused, resumed, removed. */
export function noticeOf(t: Translate, query: Record<string, string | undefined>, rows: ListedSchedule[], library: Library, timeZone: string): string | null {
  const find = (id: string | undefined) => rows.find((s) => String(s.row.id) === id)?.row;
  const created = find(query.created);
  if (created) return t('admin:schedules.notice.created', { what: whatText(t, created, library), time: created.nextRunAt ? localTime(created.nextRunAt, timeZone) : '—' });
  const sending = find(query.sending);
  if (sending) return t('admin:schedules.notice.sending', { what: whatText(t, sending, library) });
  if (query.again) return t('admin:schedules.notice.again');
  if (query.done && ['pause', 'resume', 'remove'].includes(query.done) && /^\d{1,9}$/.test(query.id ?? '')) return t(`admin:schedules.notice.${query.done}`, { id: query.id });
  return null;
}

/** A button posting to `action` (pause, resume). */
const actionButton = (ctx: PageContext, action: string, label: string, secondary = false) =>
  html`<form method="post" action="${action}">${csrfField(ctx)}<button type="submit" ${secondary ? html`class="secondary"` : ''}>${label}</button></form>`;

export function listPage(ctx: PageContext, view: { rows: ListedSchedule[]; notice: string | null; library: Library; timeZone: string }): string {
  const { t } = ctx;
  const item = (s: ListedSchedule) => {
    const { row } = s;
    const runs = s.runs.length === 0
      ? html`<span class="muted">${t('admin:schedules.noRuns')}</span>`
      : s.runs.map((b) => html`<a href="/admin/broadcasts/${b.id}">${localTime(b.scheduledFor, view.timeZone)} (${standingText(t, b.standing, b, view.timeZone)})</a> `);
    // A schedule that made its last run is done, but not while that run's messages still wait or go out.
    const latest = s.runs[0];
    const status = row.status === 'done' && latest && stillGoing(latest.standing) ? standingText(t, latest.standing, latest, view.timeZone) : t(`admin:schedules.status.${row.status}`, { defaultValue: row.status });
    const actions = s.canAct
      ? html`<div class="actions">
${row.status === 'active' ? actionButton(ctx, `/admin/schedules/${row.id}/pause`, t('admin:schedules.pause'), true) : ''}
${row.status === 'paused' ? actionButton(ctx, `/admin/schedules/${row.id}/resume`, t('admin:schedules.resume'), true) : ''}
<a class="button secondary" href="/admin/schedules/new?from=${row.id}">${t('admin:schedules.copy')}</a>
<a class="button secondary" href="/admin/schedules/${row.id}/delete">${t('admin:schedules.delete')}</a>
</div>`
      : html`<p class="muted">${t('admin:schedules.readOnly')}</p>`;
    return html`<li id="schedule-${row.id}">
<strong>${whatText(t, row, view.library)}</strong>${row.priority > 0 ? html` <span class="s-missing">${t('admin:schedules.urgentTag')}</span>` : ''}<br>
${whenText(t, row, view.timeZone)} · ${t('admin:schedules.to')} ${s.audienceText}<br>
${t('admin:schedules.statusLabel')} <strong class="status">${status}</strong>${row.status === 'active' && row.nextRunAt ? html` · ${t('admin:schedules.next', { time: localTime(row.nextRunAt, view.timeZone) })}` : ''}<br>
<span class="muted">${t('admin:schedules.runs')}</span> ${runs}
${actions}
</li>`;
  };
  const body = html`<h1>${t('admin:schedules.title')}</h1>
${view.notice ? html`<p class="notice">${view.notice}</p>` : ''}
<p><a class="button" href="/admin/schedules/new">${t('admin:schedules.new')}</a></p>
<p class="muted">${t('admin:schedules.intro')}</p>
${view.rows.length === 0 ? html`<p>${t('admin:schedules.none')}</p>` : html`<ul class="plain" id="schedules">${view.rows.map(item)}</ul>`}`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.title'), body);
}

export function removePage(ctx: PageContext, view: { id: number; what: string }): string {
  const { t } = ctx;
  const body = html`<section class="box">
<h1>${t('admin:schedules.remove.title')}</h1>
<p>${t('admin:schedules.remove.text', { what: view.what })}</p>
<form method="post" action="/admin/schedules/${view.id}/delete" class="actions">
${csrfField(ctx)}<input type="hidden" name="confirm" value="yes">
<button type="submit">${t('admin:schedules.remove.confirm')}</button>
<a class="button secondary" href="/admin/schedules">${t('admin:schedules.remove.cancel')}</a>
</form>
</section>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.remove.title'), body);
}

/** The stored reason itself (English, as operators and platforms word it), small, after its kind. */
const detail = (reason: string) => html`<br><small class="muted"><code>${reason}</code></small>`;

/** Reloads of a page waiting for a moment are timed for it, if it comes within this long; else the page waits to be reloaded by hand. */
const longestWait = 24 * 3600;

/** The line saying where the broadcast stands, and how many seconds until the page reloads itself (none: it does not). */
function stateOf(t: Translate, standing: Standing, view: { now: Date; timeZone: string; quiet: QuietWindow | null }): { text: string; refresh?: number } {
  const secondsUntil = (at: Date) => Math.ceil((at.getTime() - view.now.getTime()) / 1000) + 2;
  switch (standing.state) {
    case 'sending':
      return { text: t('admin:schedules.progress.running', { seconds: refreshSeconds }), refresh: refreshSeconds };
    case 'quiet':
      // The messages go out when the quiet hours end: reloading before that would only say the same.
      return { text: t('admin:schedules.progress.waitingQuiet', { time: clockTime(standing.until, view.timeZone), ...view.quiet }), refresh: secondsUntil(standing.until) };
    case 'later': {
      const refresh = secondsUntil(standing.until);
      return { text: t('admin:schedules.progress.waitingTime', { time: localTime(standing.until, view.timeZone) }), ...(refresh <= longestWait ? { refresh } : {}) };
    }
    case 'done':
      return { text: t('admin:schedules.progress.done') };
    default:
      return { text: t(`admin:schedules.progress.state.${standing.state}`) };
  }
}

export interface ProgressView {
  progress: Progress;
  standing: Standing;
  what: string;
  audience: string;
  now: Date;
  timeZone: string;
  /** The quiet hours ("21:00", "06:00"), when there are. */
  quiet: QuietWindow | null;
  /** The broadcast goes beyond the admin's area, and its counts are of all its chats. */
  wider: boolean;
}

export function progressPage(ctx: PageContext, view: ProgressView): string {
  const { t } = ctx;
  const p = view.progress;
  const state = stateOf(t, view.standing, view);
  const card = (n: number, key: string) => html`<div class="card" id="count-${key}"><div class="n">${n}</div><div class="l">${t(`admin:schedules.progress.${key}`)}</div></div>`;
  const body = html`<h1>${t('admin:schedules.progress.title')}</h1>
<p><strong>${view.what}</strong><br>${t('admin:schedules.to')} ${view.audience}<br>${t('admin:schedules.progress.scheduledFor', { time: localTime(p.scheduledFor, view.timeZone) })}</p>
<p class="notice" id="progress-state">${state.text}</p>
${p.reason ? html`<p>${t('admin:schedules.progress.reason', { reason: t(`admin:schedules.reasonKind.${reasonKind(p.reason)}`) })} ${detail(p.reason)}</p>` : ''}
<section class="cards">
${card(p.total, 'total')}${card(p.queued, 'queued')}${card(p.sending, 'sending')}${card(p.sent, 'sent')}${card(p.failed, 'failed')}${card(p.skipped, 'skipped')}
</section>
${view.wider ? html`<p class="muted" id="wider">${t('admin:schedules.progress.wider')}</p>` : ''}
${
  p.failures.length > 0
    ? html`<h2>${t('admin:schedules.progress.failures')}</h2><ul class="plain">${p.failures.map((f) => html`<li>${f.reason ? html`${t(`admin:schedules.reasonKind.${f.kind}`)} ${detail(f.reason)}` : t('admin:schedules.progress.noReason')} <span class="muted">(${f.count})</span></li>`)}</ul>`
    : ''
}
<p><a href="/admin/schedules">${t('admin:schedules.back')}</a></p>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.progress.title'), body, state.refresh === undefined ? {} : { refreshSeconds: state.refresh });
}
