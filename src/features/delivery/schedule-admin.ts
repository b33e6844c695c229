/**
 * The rules behind the dashboard's schedule pages, apart from http: where each refusal of a
 * schedule is shown on the form (the form's fields themselves are read in schedule-form.ts);
 * whether an audience lies entirely inside an admin's scope (only then may the admin create,
 * pause, resume or delete); and the dry run behind the preview (the same checks `addSchedule`
 * makes, nothing stored).
 */
import { cronParser } from './cron.ts';
import type { CampaignLibrary } from '../../content/campaigns.ts';
import type { Audience } from './audience.ts';
import type { FieldErrors, FieldName, ScheduleRequest } from './schedule-form.ts';
import { checkSchedule, ScheduleError } from './schedules.ts';
import type { Db } from '../../core/store/store.ts';
import { areasWhere, canSee, type AdminScope } from '../groups/index.ts';

/** The shortest time between two runs of a repeating schedule made on the dashboard. */
export const minCronGapMinutes = 60;

/** The field each ScheduleError is about. */
const errorField: Record<string, FieldName> = {
  unknownContent: 'contentId',
  unknownEvent: 'calendarKey',
  emptyText: 'text',
  unsplittable: 'text',
  calendarNeedsEvent: 'when',
  inThePast: 'date',
  badCron: 'cron',
  tooFrequent: 'cron',
  unknownArea: 'areaId',
  unknownGroups: 'groupIds',
  emptyAudience: 'to',
  neverRuns: 'when',
};

/** A ScheduleError as a message next to its field. */
export const fieldErrorOf = (error: ScheduleError): FieldErrors => ({ [errorField[error.key] ?? 'what']: { key: error.key, params: error.params } });

/** Ids and names the scope rules and labels need, for a set of audiences. */
export interface AudienceFacts {
  areaPaths: Map<number, string>;
  areaNames: Map<number, string>;
  groupAreas: Map<number, number>;
  groupNames: Map<number, string>;
  /** The top areas of the tree: "everyone" is inside a scope holding all of them. */
  rootIds: number[];
}

/** Loads the areas and groups `audiences` name, and the root areas. */
export async function audienceFacts(db: Db, audiences: readonly Audience[]): Promise<AudienceFacts> {
  const areaIds = [...new Set(audiences.flatMap((a) => (a.areaId === undefined ? [] : [a.areaId])))];
  const groupIds = [...new Set(audiences.flatMap((a) => a.groupIds ?? []))];
  const [areas, groups, roots] = await Promise.all([
    db.area.findMany({ where: { id: { in: areaIds } }, select: { id: true, name: true, path: true } }),
    db.communicationGroup.findMany({ where: { id: { in: groupIds } }, select: { id: true, name: true, areaId: true } }),
    db.area.findMany({ where: { parentId: null }, select: { id: true }, orderBy: { id: 'asc' } }),
  ]);
  return {
    areaPaths: new Map(areas.map((a) => [a.id, a.path])),
    areaNames: new Map(areas.map((a) => [a.id, a.name])),
    groupAreas: new Map(groups.map((g) => [g.id, g.areaId])),
    groupNames: new Map(groups.map((g) => [g.id, g.name])),
    rootIds: roots.map((r) => r.id),
  };
}

/**
 * The area that puts `audience` outside the admin's scope, or null when it lies entirely inside:
 * an area inside the scope, or listed groups all inside it, or "everyone" for an admin holding
 * every root area. An unknown group counts as outside (area 0: there is no such area).
 */
export function areaOutsideScope(scope: AdminScope, audience: Audience, facts: AudienceFacts): number | null {
  if (audience.areaId !== undefined && canSee(scope, audience.areaId)) return null;
  if (audience.groupIds) {
    const outside = audience.groupIds.map((id) => facts.groupAreas.get(id) ?? 0).find((areaId) => !canSee(scope, areaId));
    return outside === undefined ? null : outside;
  }
  if (audience.areaId !== undefined) return audience.areaId;
  return facts.rootIds.find((id) => !canSee(scope, id)) ?? null;
}

/** Whether the admin may act on (create, pause, resume, delete) a schedule to `audience`. */
export const mayAct = (scope: AdminScope, audience: Audience, facts: AudienceFacts) => areaOutsideScope(scope, audience, facts) === null;

/** Whether "everyone" is inside the scope (the admin's grants hold every root area). */
export async function coversEveryone(db: Db, scope: AdminScope): Promise<boolean> {
  const roots = await db.area.findMany({ where: { parentId: null }, select: { id: true } });
  return roots.length > 0 && roots.every((r) => canSee(scope, r.id));
}

/** The areas inside the scope in tree order, depth counted from the highest of them. */
export async function areasInScope(db: Db, scope: AdminScope) {
  const areas = await db.area.findMany({ where: areasWhere(scope.grants), select: { id: true, name: true, path: true }, orderBy: { path: 'asc' } });
  const top = Math.min(...areas.map((a) => a.path.split('/').length));
  return areas.map((a) => ({ id: a.id, name: a.name, depth: a.path.split('/').length - top }));
}

/** The groups inside the scope in tree order, with their area's name. */
export async function groupsInScope(db: Db, scope: AdminScope) {
  const groups = await db.communicationGroup.findMany({
    where: { area: areasWhere(scope.grants) },
    select: { id: true, name: true, area: { select: { name: true } } },
    orderBy: [{ area: { path: 'asc' } }, { name: 'asc' }],
  });
  return groups.map((g) => ({ id: g.id, name: g.name, areaName: g.area.name }));
}

/**
 * The schedule an admin's confirmation of the preview carrying one-time key `once` made (found by
 * its audit entry), and whether it was sent at once; null when that confirmation made none.
 */
export async function scheduleMadeByForm(db: Db, personId: number, once: string): Promise<{ scheduleId: number; sendNow: boolean } | null> {
  const made = await db.auditLog.findFirst({ where: { action: 'admin.schedule.create', actorId: personId, after: { path: ['form'], equals: once } }, select: { entityId: true, after: true } });
  return made && { scheduleId: Number(made.entityId), sendNow: Boolean((made.after as { sendNow?: boolean }).sendNow) };
}

export interface PreviewDeps {
  db: Db;
  library: CampaignLibrary;
  timeZone: string;
  platforms: readonly string[];
  textLimit: number;
}

export interface Preview {
  /** The message's title (content, the calendar's first message), null for own text. */
  title: string | null;
  /** Language → text, of what goes out first ('vi' first). */
  variants: [language: string, text: string][];
  /** A calendar event's messages, in sending order. */
  calendarTitles: string[];
  /** Chats the audience reaches now. */
  reach: number;
  /** The first run; null: now. */
  firstRun: Date | null;
}

/** Refuses a repeating schedule with two of its next runs closer than `minCronGapMinutes`. */
function checkCronGap(cron: string, timeZone: string, now: Date): void {
  const times = cronParser().parse(cron, { tz: timeZone, currentDate: now });
  let previous = times.next().getTime();
  for (let i = 0; i < 5; i++) {
    const at = times.next().getTime();
    // "* 8 * * 1" reads as "8:00 on Mondays" but is every minute from 8 to 9: no campaign goes out that often.
    if (at - previous < minCronGapMinutes * 60_000) throw new ScheduleError('tooFrequent', { cron, minutes: minCronGapMinutes });
    previous = at;
  }
}

/**
 * What the schedule would send, to how many chats, first when — after the checks `addSchedule`
 * makes (and the dashboard's own on repeating schedules), storing nothing. Throws ScheduleError.
 */
export async function previewSchedule(deps: PreviewDeps, request: ScheduleRequest, now: Date): Promise<Preview> {
  const { library } = deps;
  const { what } = request;
  // "Send now" is checked as what the confirm makes of it: a once schedule due at once.
  const when = 'now' in request.when ? { at: new Date(now.getTime() + 1) } : request.when;
  const { first, reach } = await checkSchedule(deps, { what, when, audience: request.audience, urgent: request.urgent }, now);
  if ('cron' in when) checkCronGap(when.cron, deps.timeZone, now);
  // A calendar event's first run names its message.
  const messageId = first.contentId ?? ('contentId' in what ? what.contentId : null);
  const message = messageId === null ? null : library.messages.get(messageId);
  const variants = message ? message.variants : { vi: 'text' in what ? what.text.trim() : '' };
  const wanted = request.audience.language;
  const shown = Object.entries(variants)
    .filter(([lang]) => !wanted || lang === wanted || (lang === 'vi' && !(wanted in variants)))
    .sort(([a], [b]) => (a === 'vi' ? -1 : b === 'vi' ? 1 : a.localeCompare(b)));
  const event = 'calendar' in what ? library.calendar.find((e) => e.id === what.calendar) : undefined;
  return {
    title: message?.title ?? null,
    variants: shown,
    calendarTitles: event ? event.messages.map((id) => library.messages.get(id)?.title ?? id) : [],
    reach,
    firstRun: 'now' in request.when ? null : first.at,
  };
}
