/**
 * Schedules: list, create (content or own text, audience inside the admin's area, once, weekly, monthly,
 * on a calendar event or by an advanced cron expression, preview per language; or like an existing one),
 * pause, resume, delete, each broadcast's live progress.
 *
 * An admin sees every schedule that reaches her area, but acts (pause, resume, delete) only on
 * those whose audience lies entirely inside it; creating one outside it, by editing the form,
 * gets 403 and an audit entry. The scope rules and the form's parsing are in schedule-admin.ts.
 * This file holds the routes; the pages they answer with are in schedule-form-pages.ts (the form
 * and its preview) and schedule-list-pages.ts (the list, delete and progress), their shared
 * wording in schedule-view.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { campaignTextLimit } from '../../../content/campaigns.ts';
import { audienceSchema, type Audience } from '../audience.ts';
import { broadcastById, broadcastIdOf, broadcastProgress, recentBroadcastsOf, type RecentRun } from '../broadcasts.ts';
import { addSchedule, listSchedules, ScheduleError, scheduleById, setScheduleStatus } from '../schedules.ts';
import { claimOnce, releaseOnce } from '../../../core/store/once.ts';
import { quietUntil } from '../../../core/time.ts';
import { auditAdmin, reachesScope } from '../../admin/index.ts';
import { messagePage, type AdminKit, type SignedIn } from '../../admin/web/index.ts';
import { areaOutsideScope, areasInScope, audienceFacts, coversEveryone, fieldErrorOf, groupsInScope, mayAct, previewSchedule, scheduleMadeByForm, type AudienceFacts, type Preview } from '../schedule-admin.ts';
import { blankFields, fieldsOfSchedule, parseAudience, parseRequest, readFields, simplified, type FieldErrors, type ScheduleFields, type ScheduleRequest } from '../schedule-form.ts';
import { standingOf } from '../standing.ts';
import { formPage, previewPage } from './schedule-form-pages.ts';
import { listPage, noticeOf, progressPage, removePage, type ListedSchedule } from './schedule-list-pages.ts';
import { audienceText, excerpt, quietWindow, whatText } from './schedule-view.ts';

/** Schedules shown on the list (the newest that reach the area). */
const listed = 100;
/** Broadcasts shown under each schedule. */
const recentRuns = 3;

/** The one-time key a preview's confirm form carries (16 random bytes, base64url). */
const onceKeyPattern = /^[A-Za-z0-9_-]{22}$/;

type Verb = 'pause' | 'resume' | 'remove';

export function registerSchedulePages(admin: FastifyInstance, kit: AdminKit): void {
  const { db, timeZone, campaigns: library, platforms } = kit.deps;
  const quietHours = kit.deps.quietHours ?? null;
  const previewDeps = { db, library, timeZone, platforms, textLimit: campaignTextLimit };

  const badRequest = (reply: FastifyReply, who: SignedIn) =>
    kit.send(reply, 400, messagePage(who.ctx, who.ctx.t('admin:error.badRequestTitle'), [who.ctx.t('admin:error.badRequest')], { href: '/admin/schedules', label: who.ctx.t('admin:schedules.back') }));
  const notFound = (reply: FastifyReply, who: SignedIn, key: 'notFound' | 'broadcastNotFound') =>
    kit.send(reply, 404, messagePage(who.ctx, who.ctx.t('admin:error.notFoundTitle'), [who.ctx.t(`admin:schedules.${key}`)], { href: '/admin/schedules', label: who.ctx.t('admin:schedules.back') }));

  /** The form again, with the values kept and a message next to each wrong field. */
  async function showForm(reply: FastifyReply, who: SignedIn, fields: ScheduleFields, errors: FieldErrors, status: number) {
    const [areas, groups, everyone] = await Promise.all([areasInScope(db, who.scope), groupsInScope(db, who.scope), coversEveryone(db, who.scope)]);
    const languages = [...new Set(['vi', ...[...library.messages.values()].flatMap((m) => Object.keys(m.variants))])];
    return kit.send(reply, status, formPage(who.ctx, { fields, errors, areas, groups, everyone, library, platforms, languages }));
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

  // `?from=<id>`: a new schedule like one of the admin's own, its time in the simple mode that fits it.
  admin.get('/schedules/new', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const from = (req.query as { from?: string }).from;
    if (from === undefined) return showForm(reply, who, blankFields(who.scope.grants[0]?.areaId ?? null), {}, 200);
    const found = await ownSchedule(req, reply, who, from);
    return found ? showForm(reply, who, fieldsOfSchedule(found.row, found.audience, timeZone), {}, 200) : reply;
  });

  // "Sửa lại" on the preview: the form again with what was typed (a cron expression the simple modes can say, in that mode).
  admin.post('/schedules/new', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const fields = readFields(req.body);
    return fields ? showForm(reply, who, simplified(fields), {}, 200) : badRequest(reply, who);
  });

  admin.post('/schedules/preview', async (req, reply) => {
    const who = await kit.signedIn(req, reply);
    if (!who) return reply;
    const ok = await checked(req, reply, who);
    if (!ok) return reply;
    const facts = await audienceFacts(db, [ok.request.audience]);
    const firstAt = 'now' in ok.request.when ? new Date() : ok.preview.firstRun;
    const quietEnd = firstAt ? quietUntil(firstAt, timeZone, quietHours) : null;
    return kit.send(reply, 200, previewPage(who.ctx, { ...ok, audience: audienceText(who.ctx.t, who, ok.request.audience, facts), timeZone, quiet: quietEnd && { ...quietWindow(quietHours!), until: quietEnd } }));
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
    if (!(await claimOnce(db, claim))) return reply.redirect(await whereItWent(who, once), 303);
    // "Send now": a once schedule due at once, run by the kick below (or the next minute tick).
    const when = 'now' in ok.request.when ? { at: new Date(now.getTime() + 1) } : ok.request.when;
    let made;
    try {
      made = await addSchedule(previewDeps, { what, when, audience, urgent, createdById: who.actor.personId }, now);
    } catch (error) {
      // Nothing was made: the same preview may be confirmed again once corrected.
      await releaseOnce(db, claim);
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
    const broadcastId = await broadcastIdOf(db, scheduleId);
    return broadcastId !== null ? `/admin/broadcasts/${broadcastId}` : `/admin/schedules?sending=${scheduleId}`;
  }

  /** Where a preview confirmed a second time goes: to what the first confirmation made (or the list). */
  async function whereItWent(who: SignedIn, once: string): Promise<string> {
    const made = await scheduleMadeByForm(db, who.actor.personId, once);
    if (!made) return '/admin/schedules?again=1';
    return made.sendNow ? afterSending(made.scheduleId) : `/admin/schedules?created=${made.scheduleId}`;
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
    const broadcast = id === null ? null : await broadcastById(db, id);
    const audience = broadcast ? audienceSchema.safeParse(broadcast.audience) : null;
    if (!broadcast || !audience?.success) return notFound(reply, who, 'broadcastNotFound');
    const facts = await audienceFacts(db, [audience.data]);
    if (!reachesScope(who.scope, audience.data, facts.areaPaths, facts.groupAreas)) return kit.forbidden(req, reply, who, auditArea(audience.data, facts) ?? 0);
    const progress = (await broadcastProgress(db, id!))!;
    const what = broadcast.contentId ? (library.messages.get(broadcast.contentId)?.title ?? broadcast.contentId) : excerpt(broadcast.text ?? '');
    const now = new Date();
    const standing = standingOf(progress, now, timeZone, quietHours);
    const quiet = quietHours ? quietWindow(quietHours) : null;
    const wider = !mayAct(who.scope, audience.data, facts);
    return kit.send(reply, 200, progressPage(who.ctx, { progress, standing, what, audience: audienceText(who.ctx.t, who, audience.data, facts), now, timeZone, quiet, wider }));
  });

  /** The schedules whose audience reaches the admin's area, newest first, with their last runs. */
  async function schedulesReaching(who: SignedIn): Promise<ListedSchedule[]> {
    const all = (await listSchedules(db)).flatMap((row) => {
      const audience = audienceSchema.safeParse(row.audience);
      return audience.success ? [{ row, audience: audience.data }] : [];
    });
    const facts = await audienceFacts(db, all.map((s) => s.audience));
    const shown = all.filter((s) => reachesScope(who.scope, s.audience, facts.areaPaths, facts.groupAreas)).slice(0, listed);
    const runs = await Promise.all(shown.map((s) => recentBroadcastsOf(db, s.row.id, recentRuns)));
    const now = new Date();
    const standing = (run: RecentRun) => ({ ...run, standing: standingOf(run, now, timeZone, quietHours) });
    return shown.map((s, i) => ({ ...s, runs: runs[i]!.map(standing), audienceText: audienceText(who.ctx.t, who, s.audience, facts), canAct: mayAct(who.scope, s.audience, facts) }));
  }

  /** The schedule named in the url, if the admin may act on it; else answers 404 or 403 (audited) and gives null. */
  async function ownSchedule(req: FastifyRequest, reply: FastifyReply, who: SignedIn, idText = (req.params as { id: string }).id) {
    const id = idOf(idText);
    const row = id === null ? null : await scheduleById(db, id);
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

/** An id in the url (`:id` unless given), a positive whole number; null otherwise. */
function idOf(req: FastifyRequest | string): number | null {
  const id = typeof req === 'string' ? req : (req.params as { id: string }).id;
  return /^\d{1,9}$/.test(id) ? Number(id) : null;
}

/** The area an audit entry about `audience` is filed under: its area, or its first group's; null for everyone. */
function auditArea(audience: Audience, facts: AudienceFacts): number | null {
  if (audience.areaId !== undefined) return audience.areaId;
  const first = audience.groupIds?.[0];
  return first === undefined ? null : (facts.groupAreas.get(first) ?? null);
}
