/**
 * Schedules: list, create (content or own text, audience inside the admin's area, once/cron/calendar, preview per language), pause, resume, delete, each broadcast's live progress.
 *
 * An admin sees every schedule that reaches her area, but acts (pause, resume, delete) only on
 * those whose audience lies entirely inside it; creating one outside it, by editing the form,
 * gets 403 and an audit entry. The scope rules and the form's parsing are in schedule-admin.ts.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { QuietHours } from '../../../core/config.ts';
import { campaignTextLimit } from '../../../content/campaigns.ts';
import { audienceSchema, type Audience } from '../audience.ts';
import { broadcastProgress, type Progress } from '../broadcasts.ts';
import { addSchedule, listSchedules, ScheduleError, setScheduleStatus } from '../schedules.ts';
import { reasonKind } from '../reasons.ts';
import { quietUntil } from '../time.ts';
import type { Translate } from '../../../core/i18n.ts';
import { auditAdmin } from '../../admin/auth.ts';
import { html, type Html } from '../../admin/web/html.ts';
import { reachesScope } from '../../admin/overview.ts';
import { layout, localTime, messagePage, type PageContext } from '../../admin/web/pages.ts';
import type { AdminKit, SignedIn } from '../../admin/web/kit.ts';
import {
  areaOutsideScope,
  areasInScope,
  audienceFacts,
  blankFields,
  coversEveryone,
  fieldErrorOf,
  groupsInScope,
  mayAct,
  parseAudience,
  parseRequest,
  previewSchedule,
  readFields,
  type AudienceFacts,
  type FieldErrors,
  type FieldName,
  type Preview,
  type ScheduleFields,
  type ScheduleRequest,
} from '../schedule-admin.ts';
import { canSee } from '../../admin/scope.ts';

/** Schedules shown on the list (the newest that reach the area). */
const listed = 100;
/** Broadcasts shown under each schedule. */
const recentRuns = 3;
/** How often an unfinished progress page reloads itself. */
const refreshSeconds = 5;

/** The one-time key a preview's confirm form carries (16 random bytes, base64url). */
const onceKeyPattern = /^[A-Za-z0-9_-]{22}$/;

type ScheduleRow = Awaited<ReturnType<typeof listSchedules>>[number];
type Verb = 'pause' | 'resume' | 'remove';

export function registerSchedulePages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone, campaigns: library, platforms } = kit.deps;
  const previewDeps = { db, library, timeZone, platforms, textLimit: campaignTextLimit };

  const badRequest = (reply: FastifyReply, who: SignedIn) =>
    kit.send(reply, 400, messagePage(who.ctx, who.ctx.t('admin:error.badRequestTitle'), [who.ctx.t('admin:error.badRequest')], { href: '/admin/schedules', label: who.ctx.t('admin:schedules.back') }));
  const notFound = (reply: FastifyReply, who: SignedIn, key: 'notFound' | 'broadcastNotFound') =>
    kit.send(reply, 404, messagePage(who.ctx, who.ctx.t('admin:error.notFoundTitle'), [who.ctx.t(`admin:schedules.${key}`)], { href: '/admin/schedules', label: who.ctx.t('admin:schedules.back') }));

  /** The form again, with the values kept and a message next to each wrong field. */
  async function showForm(reply: FastifyReply, who: SignedIn, fields: ScheduleFields, errors: FieldErrors, status: number) {
    const [areas, groups, everyone] = await Promise.all([areasInScope(db, who.scope), groupsInScope(db, who.scope), coversEveryone(db, who.scope)]);
    const languages = [...new Set(['vi', ...[...library.messages.values()].flatMap((m) => Object.keys(m.variants))])];
    return kit.send(reply, status, formPage(who.ctx, { fields, errors, areas, groups, everyone, library, platforms, languages, timeZone }));
  }

  /**
   * Reads and checks a posted schedule: 403 (audited) for an audience outside the scope, the form
   * with messages (400) for anything else wrong. Null when the request was answered.
   */
  async function checked(req: FastifyRequest, reply: FastifyReply, who: SignedIn): Promise<{ fields: ScheduleFields; request: ScheduleRequest; preview: Preview } | null> {
    const fields = readFields(req.body);
    if (!fields) return (await badRequest(reply, who), null);
    const named = parseAudience(fields, platforms);
    if ('audience' in named) {
      const outside = areaOutsideScope(who.scope, named.audience, await audienceFacts(db, [named.audience]));
      if (outside !== null) return (await kit.forbidden(req, reply, who, outside), null);
    }
    const parsed = parseRequest(fields, timeZone, platforms);
    if ('errors' in parsed) return (await showForm(reply, who, fields, parsed.errors, 400), null);
    try {
      return { fields, request: parsed.request, preview: await previewSchedule(previewDeps, parsed.request, new Date()) };
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      return (await showForm(reply, who, fields, fieldErrorOf(error), 400), null);
    }
  }

  admin.get('/schedules', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const rows = await schedulesReaching(who);
    const notice = noticeOf(who.ctx.t, req.query as Record<string, string | undefined>, rows, library, timeZone);
    return kit.send(reply, 200, listPage(who.ctx, { rows, notice, library, timeZone }));
  });

  admin.get('/schedules/new', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    return showForm(reply, who, blankFields(who.scope.grants[0]?.areaId ?? null), {}, 200);
  });

  // "Sửa lại" on the preview: the form again with what was typed.
  admin.post('/schedules/new', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const fields = readFields(req.body);
    return fields ? showForm(reply, who, fields, {}, 200) : badRequest(reply, who);
  });

  admin.post('/schedules/preview', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const ok = await checked(req, reply, who);
    if (!ok) return reply;
    const facts = await audienceFacts(db, [ok.request.audience]);
    const firstAt = 'now' in ok.request.when ? new Date() : ok.preview.firstRun;
    const quietEnd = firstAt ? quietUntil(firstAt, timeZone, kit.deps.quietHours ?? null) : null;
    return kit.send(reply, 200, previewPage(who.ctx, { ...ok, audience: audienceText(who.ctx.t, who, ok.request.audience, facts), timeZone, quiet: quietEnd && { ...quietWindow(kit.deps.quietHours!), until: quietEnd } }));
  });

  admin.post('/schedules', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const ok = await checked(req, reply, who);
    if (!ok) return reply;
    const { what, audience, urgent } = ok.request;
    const now = new Date();
    const sendNow = 'now' in ok.request.when;
    // A page without script cannot disable its button: a double tap, or Back and confirm again, posts the
    // same preview twice. Its one-time key is claimed first; a second post goes where the first one went.
    const once = (req.body as { once?: unknown }).once;
    if (typeof once !== 'string' || !onceKeyPattern.test(once)) return badRequest(reply, who);
    const claim = { platform: 'admin', updateId: `schedule-form:${once}` };
    if ((await db.processedUpdate.createMany({ data: [claim], skipDuplicates: true })).count === 0) return reply.redirect(await whereItWent(who, once), 303);
    // "Send now": a once schedule due at once, run by the kick below (or the next minute tick).
    const when = 'now' in ok.request.when ? { at: new Date(now.getTime() + 1) } : ok.request.when;
    let made;
    try {
      made = await addSchedule(previewDeps, { what, when, audience, urgent, createdById: who.actor.personId }, now);
    } catch (error) {
      // Nothing was made: the same preview may be confirmed again once corrected.
      await db.processedUpdate.deleteMany({ where: claim });
      if (!(error instanceof ScheduleError)) throw error;
      return showForm(reply, who, ok.fields, fieldErrorOf(error), 400);
    }
    const { schedule } = made;
    const facts = await audienceFacts(db, [audience]);
    await auditAdmin(db, who.actor, 'admin.schedule.create', {
      entity: 'Schedule',
      entityId: String(schedule.id),
      areaId: auditArea(audience, facts),
      after: { kind: schedule.kind, contentId: schedule.contentId, text: schedule.text, calendarKey: schedule.calendarKey, runAt: schedule.runAt, cron: schedule.cron, atTime: schedule.atTime, audience, priority: schedule.priority, nextRunAt: schedule.nextRunAt, reach: made.reach, sendNow, form: once },
    });
    if (!sendNow) return reply.redirect(`/admin/schedules?created=${schedule.id}`, 303);
    await kit.deps.kick?.();
    return reply.redirect(await afterSending(schedule.id), 303);
  });

  /** The progress page of a just-sent schedule's broadcast, or the list saying it goes within a minute. */
  async function afterSending(scheduleId: number): Promise<string> {
    const broadcast = await db.broadcast.findFirst({ where: { scheduleId }, select: { id: true } });
    return broadcast ? `/admin/broadcasts/${broadcast.id}` : `/admin/schedules?sending=${scheduleId}`;
  }

  /** Where a preview confirmed a second time goes: to what the first confirmation made (or the list). */
  async function whereItWent(who: SignedIn, once: string): Promise<string> {
    const made = await db.auditLog.findFirst({ where: { action: 'admin.schedule.create', actorId: who.actor.personId, after: { path: ['form'], equals: once } }, select: { entityId: true, after: true } });
    if (!made) return '/admin/schedules?again=1';
    const id = Number(made.entityId);
    return (made.after as { sendNow?: boolean }).sendNow ? afterSending(id) : `/admin/schedules?created=${id}`;
  }

  // Delete asks first: a mis-tap on a phone must not delete.
  admin.get('/schedules/:id/delete', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const found = await ownSchedule(req, reply, who);
    if (!found) return reply;
    return kit.send(reply, 200, removePage(who.ctx, { id: found.row.id, what: whatText(who.ctx.t, found.row, library) }));
  });

  for (const [path, verb] of [['pause', 'pause'], ['resume', 'resume'], ['delete', 'remove']] as const) {
    admin.post(`/schedules/:id/${path}`, async (req, reply) => {
      const who = await kit.signedIn(req, reply);
      if (!who) return reply;
      const found = await ownSchedule(req, reply, who);
      if (!found) return reply;
      if (verb === 'remove' && (req.body as { confirm?: string } | undefined)?.confirm !== 'yes') {
        return kit.send(reply, 200, removePage(who.ctx, { id: found.row.id, what: whatText(who.ctx.t, found.row, library) }));
      }
      const changed = await setScheduleStatus({ db, library, timeZone }, found.row.id, verb, new Date());
      if (!changed) return notFound(reply, who, 'notFound');
      await auditVerb(who, verb, found.row, changed, found.audience, found.facts);
      return reply.redirect(`/admin/schedules?done=${verb}&id=${found.row.id}`, 303);
    });
  }

  admin.get('/broadcasts/:id', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const id = idOf(req);
    const broadcast = id === null ? null : await db.broadcast.findUnique({ where: { id }, select: { audience: true, text: true, contentId: true } });
    const audience = broadcast ? audienceSchema.safeParse(broadcast.audience) : null;
    if (!broadcast || !audience?.success) return notFound(reply, who, 'broadcastNotFound');
    const facts = await audienceFacts(db, [audience.data]);
    if (!reachesScope(who.scope, audience.data, facts.areaPaths, facts.groupAreas)) return kit.forbidden(req, reply, who, auditArea(audience.data, facts) ?? 0);
    const progress = (await broadcastProgress(db, id!))!;
    const what = broadcast.contentId ? (library.messages.get(broadcast.contentId)?.title ?? broadcast.contentId) : excerpt(broadcast.text ?? '');
    const quietEnd = quietUntil(new Date(), timeZone, kit.deps.quietHours ?? null);
    const quiet = quietEnd && { ...quietWindow(kit.deps.quietHours!), until: quietEnd };
    const wider = !mayAct(who.scope, audience.data, facts);
    return kit.send(reply, 200, progressPage(who.ctx, { progress, what, audience: audienceText(who.ctx.t, who, audience.data, facts), timeZone, quiet, wider }));
  });

  /** The schedules whose audience reaches the admin's area, newest first, with their last runs. */
  async function schedulesReaching(who: SignedIn): Promise<ListedSchedule[]> {
    const all = (await listSchedules(db)).flatMap((row) => {
      const audience = audienceSchema.safeParse(row.audience);
      return audience.success ? [{ row, audience: audience.data }] : [];
    });
    const facts = await audienceFacts(db, all.map((s) => s.audience));
    const shown = all.filter((s) => reachesScope(who.scope, s.audience, facts.areaPaths, facts.groupAreas)).slice(0, listed);
    const runs = await Promise.all(
      shown.map((s) => db.broadcast.findMany({ where: { scheduleId: s.row.id }, orderBy: { scheduledFor: 'desc' }, take: recentRuns, select: { id: true, scheduledFor: true, status: true } })),
    );
    return shown.map((s, i) => ({ ...s, runs: runs[i]!, audienceText: audienceText(who.ctx.t, who, s.audience, facts), canAct: mayAct(who.scope, s.audience, facts) }));
  }

  /** The schedule named in the url, if the admin may act on it; else answers 404 or 403 (audited) and gives null. */
  async function ownSchedule(req: FastifyRequest, reply: FastifyReply, who: SignedIn) {
    const id = idOf(req);
    const row = id === null ? null : await db.schedule.findUnique({ where: { id } });
    const audience = row ? audienceSchema.safeParse(row.audience) : null;
    if (!row || row.status === 'removed' || !audience?.success) return (await notFound(reply, who, 'notFound'), null);
    const facts = await audienceFacts(db, [audience.data]);
    const outside = areaOutsideScope(who.scope, audience.data, facts);
    if (outside !== null) return (await kit.forbidden(req, reply, who, outside), null);
    return { row, audience: audience.data, facts };
  }

  async function auditVerb(who: SignedIn, verb: Verb, before: { id: number; status: string }, after: { status: string; nextRunAt: Date | null }, audience: Audience, facts: AudienceFacts) {
    await auditAdmin(db, who.actor, `admin.schedule.${verb}`, {
      entity: 'Schedule',
      entityId: String(before.id),
      areaId: auditArea(audience, facts),
      after: { statusBefore: before.status, status: after.status, nextRunAt: after.nextRunAt },
    });
  }
}

/** The url's `:id`, a positive whole number; null otherwise. */
function idOf(req: FastifyRequest): number | null {
  const { id } = req.params as { id: string };
  return /^\d{1,9}$/.test(id) ? Number(id) : null;
}

/** The area an audit entry about `audience` is filed under: its area, or its first group's; null for everyone. */
function auditArea(audience: Audience, facts: AudienceFacts): number | null {
  if (audience.areaId !== undefined) return audience.areaId;
  const first = audience.groupIds?.[0];
  return first === undefined ? null : (facts.groupAreas.get(first) ?? null);
}

const excerpt = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max)}…` : text);

type Library = AdminKit['deps']['campaigns'];

/** What a schedule sends: the message's title, the calendar event's, or the start of its own text. */
function whatText(t: Translate, row: Pick<ScheduleRow, 'contentId' | 'calendarKey' | 'text'>, library: Library): string {
  if (row.contentId) return library.messages.get(row.contentId)?.title ?? row.contentId;
  if (row.calendarKey) return t('admin:schedules.calendarWhat', { title: library.calendar.find((e) => e.id === row.calendarKey)?.title ?? row.calendarKey });
  return excerpt(row.text ?? '');
}

/** When a schedule sends: once at, repeating by cron, on a calendar event's dates at. */
function whenText(t: Translate, row: ScheduleRow, timeZone: string): string {
  if (row.kind === 'once' && row.runAt) return t('admin:schedules.once', { time: localTime(row.runAt, timeZone) });
  if (row.kind === 'cron') return t('admin:schedules.cron', { cron: row.cron });
  return t('admin:schedules.calendarWhen', { time: row.atTime ?? '08:00' });
}

/** To whom: everyone, an area, the groups the admin may see; then the language and platform filters. */
function audienceText(t: Translate, who: SignedIn, audience: Audience, facts: AudienceFacts): string {
  const parts: string[] = [];
  if (audience.groupIds) {
    const visible = audience.groupIds.filter((id) => canSee(who.scope, facts.groupAreas.get(id) ?? -1));
    parts.push(visible.map((id) => facts.groupNames.get(id) ?? `#${id}`).join(', '));
    if (visible.length < audience.groupIds.length) parts.push(t('admin:schedules.moreGroups', { count: audience.groupIds.length - visible.length }));
  } else if (audience.areaId !== undefined) {
    parts.push(facts.areaNames.get(audience.areaId) ?? `#${audience.areaId}`);
  } else {
    parts.push(t('admin:schedules.everyone'));
  }
  if (audience.language) parts.push(t('admin:schedules.onlyLanguage', { language: languageName(t, audience.language) }));
  if (audience.platform) parts.push(t('admin:schedules.onlyPlatform', { platform: audience.platform }));
  return parts.join(' · ');
}

const languageName = (t: Translate, code: string) => t(`admin:schedules.language.${code}`, { defaultValue: code });

interface ListedSchedule {
  row: ScheduleRow;
  audience: Audience;
  audienceText: string;
  runs: { id: number; scheduledFor: Date; status: string }[];
  canAct: boolean;
}

/** The line above the list after an action: created, sending, paused, resumed, removed. */
function noticeOf(t: Translate, query: Record<string, string | undefined>, rows: ListedSchedule[], library: Library, timeZone: string): string | null {
  const find = (id: string | undefined) => rows.find((s) => String(s.row.id) === id)?.row;
  const created = find(query.created);
  if (created) return t('admin:schedules.notice.created', { what: whatText(t, created, library), time: created.nextRunAt ? localTime(created.nextRunAt, timeZone) : '—' });
  const sending = find(query.sending);
  if (sending) return t('admin:schedules.notice.sending', { what: whatText(t, sending, library) });
  if (query.again) return t('admin:schedules.notice.again');
  if (query.done && ['pause', 'resume', 'remove'].includes(query.done) && /^\d{1,9}$/.test(query.id ?? '')) return t(`admin:schedules.notice.${query.done}`, { id: query.id });
  return null;
}

const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.admin!.csrf}">`;

/** A button posting to `action` (pause, resume). */
const actionButton = (ctx: PageContext, action: string, label: string, secondary = false) =>
  html`<form method="post" action="${action}">${csrfField(ctx)}<button type="submit" ${secondary ? html`class="secondary"` : ''}>${label}</button></form>`;

function listPage(ctx: PageContext, view: { rows: ListedSchedule[]; notice: string | null; library: Library; timeZone: string }): string {
  const { t } = ctx;
  const item = (s: ListedSchedule) => {
    const { row } = s;
    const runs = s.runs.length === 0
      ? html`<span class="muted">${t('admin:schedules.noRuns')}</span>`
      : s.runs.map((b) => html`<a href="/admin/broadcasts/${b.id}">${localTime(b.scheduledFor, view.timeZone)} (${t(`admin:schedules.broadcastStatus.${b.status}`, { defaultValue: b.status })})</a> `);
    const actions = s.canAct
      ? html`<div class="actions">
${row.status === 'active' ? actionButton(ctx, `/admin/schedules/${row.id}/pause`, t('admin:schedules.pause'), true) : ''}
${row.status === 'paused' ? actionButton(ctx, `/admin/schedules/${row.id}/resume`, t('admin:schedules.resume'), true) : ''}
<a class="button secondary" href="/admin/schedules/${row.id}/delete">${t('admin:schedules.delete')}</a>
</div>`
      : html`<p class="muted">${t('admin:schedules.readOnly')}</p>`;
    return html`<li id="schedule-${row.id}">
<strong>${whatText(t, row, view.library)}</strong>${row.priority > 0 ? html` <span class="s-missing">${t('admin:schedules.urgentTag')}</span>` : ''}<br>
${whenText(t, row, view.timeZone)} · ${t('admin:schedules.to')} ${s.audienceText}<br>
${t('admin:schedules.statusLabel')} <strong class="status">${t(`admin:schedules.status.${row.status}`, { defaultValue: row.status })}</strong>${row.status === 'active' && row.nextRunAt ? html` · ${t('admin:schedules.next', { time: localTime(row.nextRunAt, view.timeZone) })}` : ''}<br>
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

interface FormView {
  fields: ScheduleFields;
  errors: FieldErrors;
  areas: { id: number; name: string; depth: number }[];
  groups: { id: number; name: string; areaName: string }[];
  /** Whether "everyone" may be chosen (the admin holds every root area). */
  everyone: boolean;
  library: Library;
  platforms: readonly string[];
  languages: string[];
  timeZone: string;
}

/** Cron expressions shown as examples, with the key of their meaning in words. */
const cronExamples = [
  ['0 8 * * 1', 'mondayMorning'],
  ['30 7 1 * *', 'monthly'],
  ['0 19 * * 6', 'saturdayEvening'],
] as const;

function formPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx;
  const f = view.fields;
  const error = (name: FieldName) => {
    const e = view.errors[name];
    return e ? html`<p class="error" id="error-${name}">${t(`admin:schedules.error.${e.key}`, e.params ?? {})}</p>` : '';
  };
  const invalid = (name: FieldName) => (view.errors[name] ? html`aria-invalid="true" aria-describedby="error-${name}"` : '');
  const checked = (on: boolean) => (on ? html`checked` : '');
  const selected = (on: boolean) => (on ? html`selected` : '');
  const radio = (name: 'what' | 'to' | 'when', value: string, label: string) =>
    html`<label><input type="radio" name="${name}" value="${value}" ${checked(f[name] === value)}> ${label}</label>`;
  const messages = [...view.library.messages.values()].sort((a, b) => a.title.localeCompare(b.title, 'vi'));
  const hasErrors = Object.keys(view.errors).length > 0;
  const body = html`<h1>${t('admin:schedules.form.title')}</h1>
${hasErrors ? html`<p class="notice">${t('admin:schedules.form.fix')}</p>` : ''}
<form class="stack" method="post" action="/admin/schedules/preview">
${csrfField(ctx)}
<fieldset><legend>${t('admin:schedules.form.whatLegend')}</legend>${error('what')}
${radio('what', 'content', t('admin:schedules.form.whatContent'))}
<label for="contentId" class="muted">${t('admin:schedules.form.contentLabel')}</label>
<select id="contentId" name="contentId" ${invalid('contentId')}><option value="">${t('admin:schedules.form.choose')}</option>${messages.map((m) => html`<option value="${m.id}" ${selected(f.contentId === m.id)}>${m.title}</option>`)}</select>
${error('contentId')}
${radio('what', 'text', t('admin:schedules.form.whatText'))}
<textarea id="text" name="text" ${invalid('text')}>${f.text}</textarea>
<span class="muted">${t('admin:schedules.form.textHint')}</span>
${error('text')}
${radio('what', 'calendar', t('admin:schedules.form.whatCalendar'))}
<label for="calendarKey" class="muted">${t('admin:schedules.form.calendarLabel')}</label>
<select id="calendarKey" name="calendarKey" ${invalid('calendarKey')}><option value="">${t('admin:schedules.form.choose')}</option>${view.library.calendar.map((e) => html`<option value="${e.id}" ${selected(f.calendarKey === e.id)}>${e.title}</option>`)}</select>
${error('calendarKey')}
</fieldset>
<fieldset><legend>${t('admin:schedules.form.toLegend')}</legend>${error('to')}
${radio('to', 'area', t('admin:schedules.form.toArea'))}
<select id="areaId" name="areaId" ${invalid('areaId')}>${view.areas.map((a) => html`<option value="${a.id}" ${selected(f.areaId === String(a.id))}>${'\u00a0\u00a0'.repeat(a.depth)}${a.name}</option>`)}</select>
${error('areaId')}
${radio('to', 'groups', t('admin:schedules.form.toGroups'))}
${view.groups.map((g) => html`<label><input type="checkbox" name="groupIds" value="${g.id}" ${checked(f.groupIds.includes(String(g.id)))}> ${g.name} <span class="muted">— ${g.areaName}</span></label>`)}
${error('groupIds')}
${view.everyone ? radio('to', 'everyone', t('admin:schedules.form.toEveryone')) : ''}
<label for="language">${t('admin:schedules.form.languageLabel')}</label>
<select id="language" name="language" ${invalid('language')}><option value="">${t('admin:schedules.form.anyLanguage')}</option>${view.languages.map((l) => html`<option value="${l}" ${selected(f.language === l)}>${languageName(t, l)}</option>`)}</select>
${error('language')}
<label for="platform">${t('admin:schedules.form.platformLabel')}</label>
<select id="platform" name="platform" ${invalid('platform')}><option value="">${t('admin:schedules.form.anyPlatform')}</option>${view.platforms.map((p) => html`<option value="${p}" ${selected(f.platform === p)}>${p}</option>`)}</select>
${error('platform')}
</fieldset>
<fieldset><legend>${t('admin:schedules.form.whenLegend')}</legend>${error('when')}
${radio('when', 'now', t('admin:schedules.form.whenNow'))}
${radio('when', 'once', t('admin:schedules.form.whenOnce'))}
<label for="date" class="muted">${t('admin:schedules.form.dateLabel')}</label>
<input type="date" id="date" name="date" value="${f.date}" ${invalid('date')}>
${error('date')}
<label for="time" class="muted">${t('admin:schedules.form.timeLabel')}</label>
<input type="time" id="time" name="time" value="${f.time}" ${invalid('time')}>
${error('time')}
${radio('when', 'cron', t('admin:schedules.form.whenCron'))}
<input type="text" id="cron" name="cron" value="${f.cron}" placeholder="0 8 * * 1" inputmode="text" autocomplete="off" ${invalid('cron')}>
${error('cron')}
<span class="muted">${t('admin:schedules.form.cronHelp')}</span>
<ul class="muted">${cronExamples.map(([cron, key]) => html`<li><code>${cron}</code>: ${t(`admin:schedules.form.cronExample.${key}`)}</li>`)}</ul>
${radio('when', 'calendar', t('admin:schedules.form.whenCalendar'))}
<input type="time" id="calendarTime" name="calendarTime" value="${f.calendarTime}" ${invalid('calendarTime')}>
${error('calendarTime')}
<p class="muted">${t('admin:schedules.form.zone', { zone: view.timeZone })}</p>
<label><input type="checkbox" name="urgent" value="on" ${checked(f.urgent)}> ${t('admin:schedules.form.urgent')}</label>
</fieldset>
<p><button type="submit">${t('admin:schedules.form.preview')}</button> <a href="/admin/schedules">${t('admin:schedules.back')}</a></p>
</form>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.form.title'), body);
}

/** The fields as hidden inputs: the preview carries them to the confirm (or back to the form). */
function hiddenFields(f: ScheduleFields): Html[] {
  const inputs: Html[] = [];
  for (const [name, value] of Object.entries(f) as [keyof ScheduleFields, ScheduleFields[keyof ScheduleFields]][]) {
    if (name === 'urgent') {
      if (value) inputs.push(html`<input type="hidden" name="urgent" value="on">`);
    } else if (Array.isArray(value)) {
      for (const one of value) inputs.push(html`<input type="hidden" name="${name}" value="${one}">`);
    } else {
      inputs.push(html`<input type="hidden" name="${name}" value="${value}">`);
    }
  }
  return inputs;
}

/** Quiet hours in force when a message would go: the window ("21:00", "06:00") and when it ends. */
interface Quiet {
  start: string;
  end: string;
  until: Date;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const quietWindow = (q: NonNullable<QuietHours>) => ({ start: hhmm(q.startMinute), end: hhmm(q.endMinute) });

interface PreviewView {
  fields: ScheduleFields;
  request: ScheduleRequest;
  preview: Preview;
  audience: string;
  timeZone: string;
  quiet: Quiet | null;
}

function previewPage(ctx: PageContext, view: PreviewView): string {
  const { t } = ctx;
  const { preview, request } = view;
  const when = request.when;
  const sendNow = 'now' in when;
  const body = html`<h1>${t('admin:schedules.preview.title')}</h1>
${preview.title ? html`<h2>${preview.title}</h2>` : ''}
${preview.variants.map(([lang, text]) => html`<section lang="${lang}"><h3>${t('admin:schedules.preview.textIn', { language: languageName(t, lang) })}</h3><div class="message">${text}</div></section>`)}
${preview.calendarTitles.length > 0 ? html`<p class="muted">${t('admin:schedules.preview.calendarMessages', { titles: preview.calendarTitles.join(' → ') })}</p>` : ''}
<h2>${t('admin:schedules.preview.toWhom')}</h2>
<p>${view.audience}</p>
<p id="reach"><strong>${t('admin:schedules.preview.reach', { count: preview.reach })}</strong></p>
<h2>${t('admin:schedules.preview.when')}</h2>
<p id="first-run">${sendNow ? t('admin:schedules.preview.now') : t('admin:schedules.preview.firstRun', { time: localTime(preview.firstRun!, view.timeZone) })}</p>
${'cron' in when ? html`<p>${t('admin:schedules.cron', { cron: when.cron })}</p>` : ''}
${'calendarTime' in when ? html`<p>${t('admin:schedules.calendarWhen', { time: when.calendarTime })}</p>` : ''}
${request.urgent ? html`<p>${t('admin:schedules.preview.urgent')}</p>` : ''}
${view.quiet ? html`<p class="notice" id="quiet">${t('admin:schedules.quiet.preview', { ...view.quiet, time: localTime(view.quiet.until, view.timeZone) })}</p>` : ''}
<form method="post" action="/admin/schedules" class="actions">
${csrfField(ctx)}
${hiddenFields(view.fields)}
<input type="hidden" name="once" value="${randomBytes(16).toString('base64url')}">
<button type="submit">${sendNow ? t('admin:schedules.preview.confirmNow') : t('admin:schedules.preview.confirm')}</button>
<button type="submit" class="secondary" formaction="/admin/schedules/new">${t('admin:schedules.preview.edit')}</button>
</form>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.preview.title'), body);
}

function removePage(ctx: PageContext, view: { id: number; what: string }): string {
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

/** Whether a broadcast is over: never expanded (skipped, empty) or no delivery left waiting. */
const finished = (p: Progress) => p.status !== 'pending' && p.queued + p.sending === 0;

/** `wider`: the broadcast goes beyond the admin's area, and its counts are of all its chats. */
function progressPage(ctx: PageContext, view: { progress: Progress; what: string; audience: string; timeZone: string; quiet: Quiet | null; wider: boolean }): string {
  const { t } = ctx;
  const p = view.progress;
  const done = finished(p);
  const card = (n: number, key: string) => html`<div class="card" id="count-${key}"><div class="n">${n}</div><div class="l">${t(`admin:schedules.progress.${key}`)}</div></div>`;
  const body = html`<h1>${t('admin:schedules.progress.title')}</h1>
<p><strong>${view.what}</strong><br>${t('admin:schedules.to')} ${view.audience}<br>${t('admin:schedules.progress.scheduledFor', { time: localTime(p.scheduledFor, view.timeZone) })}</p>
<p class="notice" id="progress-state">${done ? t('admin:schedules.progress.done') : t('admin:schedules.progress.running', { seconds: refreshSeconds })}</p>
${!done && view.quiet ? html`<p class="notice" id="quiet">${t('admin:schedules.quiet.progress', { ...view.quiet, time: localTime(view.quiet.until, view.timeZone) })}</p>` : ''}
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
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.progress.title'), body, done ? {} : { refreshSeconds });
}
