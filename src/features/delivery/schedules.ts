/**
 * Schedules: once at a time, recurring by a cron expression, or following a calendar event
 * (8/3, the Action Month…), in the area's time zone. The database is the truth: each schedule
 * keeps its next run, and a run becomes a Broadcast unique per schedule × time, so a restart
 * neither loses nor repeats one. A run missed while the bot was down goes out late if it is
 * within the grace window, else it is recorded as a skipped broadcast.
 */
import { cronParser } from './cron.ts';
import { splitText } from '../../channels/text.ts';
import type { Db } from '../../core/store/store.ts';
import { audienceSchema, resolveAudience, unknownIds, type Audience } from './audience.ts';
import { localInstant, localYear } from '../../core/time.ts';
import { reasons } from './reasons.ts';

/** The parts of the content library schedules need. */
export interface ScheduleLibrary {
  messages: ReadonlyMap<string, unknown>;
  calendar: readonly { id: string; occurrences(year: number): { month: number; day: number; messageId: string }[] }[];
}

export interface ScheduleDeps {
  db: Db;
  library: ScheduleLibrary;
  timeZone: string;
  /** Platforms this deployment sends on. */
  platforms: readonly string[];
  /** The shortest text limit of those platforms: a text must split under it. */
  textLimit: number;
}

/** A schedule an operator asked for that cannot be taken; `key` is under `ops:schedule.` in locales. */
export class ScheduleError extends Error {
  override name = 'ScheduleError';
  constructor(
    readonly key: string,
    readonly params: Record<string, unknown> = {},
  ) {
    super(`${key} ${JSON.stringify(params)}`);
  }
}

export type What = { contentId: string } | { text: string } | { calendar: string };
export type When = { at: Date } | { cron: string } | { calendarTime: string };

export interface NewSchedule {
  what: What;
  when: When;
  audience: Audience;
  urgent?: boolean;
  createdById?: number;
}

export const urgentPriority = 10;
const maxMissedRecorded = 50;

/** One run: when, and (for a calendar event) which message. */
export interface Run {
  at: Date;
  contentId?: string;
}

type ScheduleRow = Awaited<ReturnType<Db['schedule']['findUniqueOrThrow']>>;

function parseCron(expression: string, timeZone: string, after: Date) {
  return cronParser().parse(expression, { tz: timeZone, currentDate: after });
}

/** The calendar event's runs after `after` (exclusive), up to `until` (inclusive; null: the next two years), in order. */
function calendarRuns(deps: Pick<ScheduleDeps, 'library' | 'timeZone'>, eventId: string, time: string, after: Date, until: Date | null): Run[] {
  const event = deps.library.calendar.find((e) => e.id === eventId);
  if (!event) return [];
  const runs: Run[] = [];
  const firstYear = localYear(after, deps.timeZone);
  const lastYear = until ? localYear(until, deps.timeZone) : firstYear + 2;
  for (let year = firstYear; year <= lastYear; year++) {
    for (const occurrence of event.occurrences(year)) {
      const at = localInstant(year, occurrence.month, occurrence.day, time, deps.timeZone);
      if (!at || at <= after || (until && at > until)) continue;
      runs.push({ at, contentId: occurrence.messageId });
    }
  }
  return runs;
}

/**
 * Runs of `schedule` after `after` (exclusive): with `until` (inclusive), the latest `limit` of
 * those up to it, oldest first; with `until` null, only the next one.
 */
function runsOf(deps: Pick<ScheduleDeps, 'library' | 'timeZone'>, schedule: ScheduleRow, after: Date, until: Date | null, limit: number): Run[] {
  switch (schedule.kind) {
    case 'once':
      return schedule.runAt && schedule.runAt > after && (!until || schedule.runAt <= until) ? [{ at: schedule.runAt }] : [];
    case 'cron': {
      if (!until) return [{ at: parseCron(schedule.cron!, schedule.timezone, after).next().toDate() }];
      // Counted back from `until`, so a long outage keeps its latest runs (the one to send late among them).
      const runs: Run[] = [];
      const times = parseCron(schedule.cron!, schedule.timezone, new Date(until.getTime() + 1));
      while (runs.length < limit) {
        const previous = times.prev().toDate();
        if (previous <= after) break;
        runs.unshift({ at: previous });
      }
      return runs;
    }
    case 'calendar': {
      const runs = calendarRuns(deps, schedule.calendarKey!, schedule.atTime ?? '08:00', after, until);
      return until ? runs.slice(-limit) : runs.slice(0, 1);
    }
    default:
      return [];
  }
}

/**
 * Checks a new schedule without storing it: the row to store, its first run and how many chats it
 * reaches now. Throws ScheduleError with the reason (the dashboard's preview shows it by the field).
 */
export async function checkSchedule(deps: ScheduleDeps, input: NewSchedule, now: Date) {
  const { db, library, timeZone } = deps;
  const audience = audienceSchema.parse(input.audience);
  const what = input.what;
  if ('contentId' in what && !library.messages.has(what.contentId)) throw new ScheduleError('unknownContent', { id: what.contentId });
  if ('calendar' in what && !library.calendar.some((e) => e.id === what.calendar)) {
    throw new ScheduleError('unknownEvent', { id: what.calendar, known: library.calendar.map((e) => e.id).join(', ') });
  }
  if ('text' in what) {
    if (what.text.trim() === '') throw new ScheduleError('emptyText');
    if (!splitText(what.text, deps.textLimit)) throw new ScheduleError('unsplittable', { limit: deps.textLimit });
  }
  const when = input.when;
  if ('calendar' in what !== 'calendarTime' in when) throw new ScheduleError('calendarNeedsEvent');
  if ('at' in when && when.at <= now) throw new ScheduleError('inThePast');
  if ('cron' in when) {
    if (when.cron.trim().split(/\s+/).length !== 5) throw new ScheduleError('badCron', { cron: when.cron });
    try {
      parseCron(when.cron, timeZone, now).next();
    } catch {
      throw new ScheduleError('badCron', { cron: when.cron });
    }
  }
  const missing = await unknownIds(db, audience);
  if (missing.areaId !== undefined) throw new ScheduleError('unknownArea', { id: missing.areaId });
  if (missing.groupIds.length > 0) throw new ScheduleError('unknownGroups', { ids: missing.groupIds.join(', ') });
  const reach = await resolveAudience(db, audience, deps.platforms);
  if (reach.length === 0) throw new ScheduleError('emptyAudience');

  const row = {
    contentId: 'contentId' in what ? what.contentId : null,
    text: 'text' in what ? what.text.trim() : null,
    calendarKey: 'calendar' in what ? what.calendar : null,
    kind: 'at' in when ? 'once' : 'cron' in when ? 'cron' : 'calendar',
    runAt: 'at' in when ? when.at : null,
    cron: 'cron' in when ? when.cron.trim() : null,
    atTime: 'calendarTime' in when ? when.calendarTime : null,
    audience,
    priority: input.urgent ? urgentPriority : 0,
    timezone: timeZone,
    createdById: input.createdById ?? null,
  };
  const [first] = runsOf(deps, { ...row, id: 0, status: 'active', nextRunAt: null, createdAt: now, updatedAt: now } as ScheduleRow, now, null, 1);
  if (!first) throw new ScheduleError('neverRuns');
  return { row, first, reach: reach.length };
}

/** Checks a new schedule and stores it; throws ScheduleError with the reason, storing nothing. */
export async function addSchedule(deps: ScheduleDeps, input: NewSchedule, now: Date) {
  const { row, first, reach } = await checkSchedule(deps, input, now);
  const schedule = await deps.db.schedule.create({ data: { ...row, nextRunAt: first.at } });
  return { schedule, reach };
}

export interface TickResult {
  broadcasts: number[];
  skipped: number;
}

/**
 * Turns every due run into a broadcast. Runs missed by more than `graceMinutes` (the bot was
 * down) are recorded as skipped broadcasts; the latest due run within grace is sent late.
 * Safe to run from several processes at once and again after a crash.
 */
export async function runDueSchedules(deps: Pick<ScheduleDeps, 'db' | 'library' | 'timeZone'>, now: Date, graceMinutes: number): Promise<TickResult> {
  const { db } = deps;
  const due = await db.schedule.findMany({ where: { status: 'active', nextRunAt: { lte: now } }, orderBy: { id: 'asc' } });
  const result: TickResult = { broadcasts: [], skipped: 0 };
  for (const schedule of due) {
    const first = schedule.nextRunAt!;
    // Every run from the stored next one up to now (the latest `maxMissedRecorded`; older ones beyond are not recorded).
    const runs = runsOf(deps, schedule, new Date(first.getTime() - 1), now, maxMissedRecorded);
    if (runs.length === 0) runs.push({ at: first });
    const latest = runs.at(-1)!;
    const inGrace = now.getTime() - latest.at.getTime() <= graceMinutes * 60_000;
    const rows = runs.map((run) => {
      const send = run === latest && inGrace;
      return {
        scheduleId: schedule.id,
        scheduledFor: run.at,
        contentId: run.contentId ?? schedule.contentId,
        text: schedule.text,
        audience: schedule.audience ?? {},
        priority: schedule.priority,
        status: send ? 'pending' : 'skipped',
        reason: send ? null : reasons.missed(graceMinutes).text,
      };
    });
    await db.broadcast.createMany({ data: rows, skipDuplicates: true });
    const [next] = runsOf(deps, schedule, now, null, 1);
    const advanced = await db.schedule.updateMany({
      where: { id: schedule.id, nextRunAt: first },
      data: next ? { nextRunAt: next.at } : { nextRunAt: null, status: 'done' },
    });
    if (advanced.count === 0) continue;
    const made = await db.broadcast.findMany({ where: { scheduleId: schedule.id, scheduledFor: { in: runs.map((r) => r.at) } }, select: { id: true, status: true } });
    for (const b of made) {
      if (b.status === 'pending') result.broadcasts.push(b.id);
      else if (b.status === 'skipped') result.skipped++;
    }
  }
  return result;
}

/** Schedules for `loaban schedule list` and the dashboard, newest first. */
export async function listSchedules(db: Db) {
  return db.schedule.findMany({
    where: { status: { not: 'removed' } },
    orderBy: { id: 'desc' },
    include: { _count: { select: { broadcasts: true } } },
  });
}

/** One schedule by id (removed ones too), or null. */
export async function scheduleById(db: Db, id: number) {
  return db.schedule.findUnique({ where: { id } });
}

/** Pauses, resumes or removes a schedule; resuming recomputes the next run from `now`. Null when there is no such schedule. */
export async function setScheduleStatus(deps: Pick<ScheduleDeps, 'db' | 'library' | 'timeZone'>, id: number, action: 'pause' | 'resume' | 'remove', now: Date) {
  const { db } = deps;
  const schedule = await db.schedule.findUnique({ where: { id } });
  if (!schedule || schedule.status === 'removed') return null;
  if (action === 'pause') return db.schedule.update({ where: { id }, data: { status: 'paused' } });
  if (action === 'remove') return db.schedule.update({ where: { id }, data: { status: 'removed', nextRunAt: null } });
  const [next] = runsOf(deps, schedule, now, null, 1);
  return db.schedule.update({ where: { id }, data: next ? { status: 'active', nextRunAt: next.at } : { status: 'done', nextRunAt: null } });
}
