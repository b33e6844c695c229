/**
 * The dashboard's new-schedule form as data, apart from http and HTML: its fields as typed (zod),
 * read into what, when and to whom with a message per wrong field. "When" is asked in the staff's
 * terms (now; once on a date at a time; every week on some weekdays; every month on a day; on a
 * calendar event's dates), with a cron expression only as the advanced, rare case; the weekly and
 * monthly choices become the cron expression the schedule stores (repeat.ts). A stored schedule
 * reads back into the fields, in the simple mode that fits it.
 */
import { z } from 'zod';
import type { Audience } from './audience.ts';
import { audienceSchema } from './audience.ts';
import { cronOf, lastDaySafe, repeatOf, timePattern, type Weekday } from './repeat.ts';
import type { What, When } from './schedules.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../../core/time.ts';

/** The form's fields as typed (strings), kept to show the form again or carry them through the preview. */
export interface ScheduleFields {
  what: string;
  contentId: string;
  text: string;
  calendarKey: string;
  to: string;
  areaId: string;
  groupIds: string[];
  language: string;
  platform: string;
  /** now, once, weekly, monthly, calendar or cron (the advanced case). */
  when: string;
  date: string;
  time: string;
  /** Cron weekday numbers: 0 Sunday … 6 Saturday. */
  weekdays: string[];
  weeklyTime: string;
  /** 1–28, or "last". */
  monthDay: string;
  monthlyTime: string;
  cron: string;
  calendarTime: string;
  urgent: boolean;
}

export type FieldName = Exclude<keyof ScheduleFields, 'urgent'>;

/** A message for one field: `key` under `admin:schedules.error.` in locales. */
export interface FieldError {
  key: string;
  params?: Record<string, unknown>;
}
export type FieldErrors = Partial<Record<FieldName, FieldError>>;

/** What the admin asked for: `now` is "send now" (a once schedule made at the moment of confirming). */
export interface ScheduleRequest {
  what: What;
  when: When | { now: true };
  audience: Audience;
  urgent: boolean;
}

const text = z.string().max(20_000).default('');
const list = z
  .union([z.string(), z.array(z.string())])
  .default([])
  .transform((v) => (Array.isArray(v) ? v : [v]).filter((id) => id !== ''));
const formSchema = z.object({
  what: text,
  contentId: text,
  text,
  calendarKey: text,
  to: text,
  areaId: text,
  groupIds: list,
  language: text,
  platform: text,
  when: text,
  date: text,
  time: text,
  weekdays: list,
  weeklyTime: text,
  monthDay: text,
  monthlyTime: text,
  cron: text,
  calendarTime: text,
  urgent: text.transform((v) => v !== ''),
});

/** The fields from a posted body; null when the body is not a form of this shape. */
export function readFields(body: unknown): ScheduleFields | null {
  const parsed = formSchema.safeParse(body ?? {});
  return parsed.success ? parsed.data : null;
}

const defaultTime = '08:00';

/** The fields of an empty form: a campaign message, to the admin's own area, once. */
export function blankFields(areaId: number | null): ScheduleFields {
  return {
    what: 'content',
    contentId: '',
    text: '',
    calendarKey: '',
    to: 'area',
    areaId: areaId === null ? '' : String(areaId),
    groupIds: [],
    language: '',
    platform: '',
    when: 'once',
    date: '',
    time: defaultTime,
    weekdays: [],
    weeklyTime: defaultTime,
    monthDay: '1',
    monthlyTime: defaultTime,
    cron: '',
    calendarTime: defaultTime,
    urgent: false,
  };
}

/**
 * The fields that make a schedule like `row` again: its message, audience and urgency, and its
 * time in the simple mode that fits it (a weekly or monthly cron expression as such; another as
 * the advanced expression).
 */
export function fieldsOfSchedule(
  row: { kind: string; contentId: string | null; text: string | null; calendarKey: string | null; runAt: Date | null; cron: string | null; atTime: string | null; priority: number },
  audience: Audience,
  timeZone: string,
): ScheduleFields {
  const fields = blankFields(null);
  const what = row.calendarKey ? { what: 'calendar', calendarKey: row.calendarKey } : row.contentId ? { what: 'content', contentId: row.contentId } : { what: 'text', text: row.text ?? '' };
  const to = audience.groupIds ? { to: 'groups', groupIds: audience.groupIds.map(String) } : audience.areaId !== undefined ? { to: 'area', areaId: String(audience.areaId) } : { to: 'everyone' };
  const filters = { language: audience.language ?? '', platform: audience.platform ?? '', urgent: row.priority > 0 };
  let when: Partial<ScheduleFields> = { when: 'calendar', calendarTime: row.atTime ?? defaultTime };
  if (row.kind === 'once' && row.runAt) {
    const [date, time] = formatLocalDateTime(row.runAt, timeZone).split(' ');
    when = { when: 'once', date, time };
  } else if (row.kind === 'cron') {
    when = simpleWhen(row.cron ?? '');
  }
  return { ...fields, ...what, ...to, ...filters, ...when };
}

/** "When" fields of a cron expression: weekly or monthly when it fits one, else the advanced expression. */
function simpleWhen(cron: string): Partial<ScheduleFields> {
  const repeat = repeatOf(cron);
  if (repeat?.every === 'week') return { when: 'weekly', weekdays: repeat.weekdays.map(String), weeklyTime: repeat.time };
  if (repeat?.every === 'month') return { when: 'monthly', monthDay: String(repeat.day), monthlyTime: repeat.time };
  return { when: 'cron', cron };
}

/** The fields with an advanced cron expression shown in the simple mode it fits, if it fits one. */
export function simplified(fields: ScheduleFields): ScheduleFields {
  return fields.when === 'cron' ? { ...fields, ...simpleWhen(fields.cron.trim()) } : fields;
}

const idPattern = /^\d{1,9}$/;

/** The audience the fields name, or the field that is wrong. */
export function parseAudience(f: ScheduleFields, platforms: readonly string[]): { audience: Audience } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const filters: Audience = {};
  if (f.language !== '') {
    if (/^[a-z]{2,3}$/.test(f.language)) filters.language = f.language;
    else errors.language = { key: 'badLanguage' };
  }
  if (f.platform !== '') {
    if (platforms.includes(f.platform)) filters.platform = f.platform as Audience['platform'];
    else errors.platform = { key: 'badPlatform' };
  }
  let audience: Audience | null = null;
  if (f.to === 'area') {
    if (idPattern.test(f.areaId)) audience = { ...filters, areaId: Number(f.areaId) };
    else errors.areaId = { key: 'chooseArea' };
  } else if (f.to === 'groups') {
    if (f.groupIds.length > 0 && f.groupIds.every((id) => idPattern.test(id))) audience = { ...filters, groupIds: [...new Set(f.groupIds.map(Number))] };
    else errors.groupIds = { key: 'chooseGroups' };
  } else if (f.to === 'everyone') {
    audience = filters;
  } else {
    errors.to = { key: 'chooseTo' };
  }
  const checked = audience && audienceSchema.safeParse(audience);
  if (Object.keys(errors).length > 0 || !checked?.success) return { errors: Object.keys(errors).length > 0 ? errors : { to: { key: 'chooseTo' } } };
  return { audience: checked.data };
}

/** What to send, or the field that is wrong. */
function parseWhat(f: ScheduleFields): { what: What } | { errors: FieldErrors } {
  switch (f.what) {
    case 'content':
      return f.contentId === '' ? { errors: { contentId: { key: 'chooseContent' } } } : { what: { contentId: f.contentId } };
    case 'text':
      return f.text.trim() === '' ? { errors: { text: { key: 'emptyText' } } } : { what: { text: f.text } };
    case 'calendar':
      return f.calendarKey === '' ? { errors: { calendarKey: { key: 'chooseEvent' } } } : { what: { calendar: f.calendarKey } };
    default:
      return { errors: { what: { key: 'chooseWhat' } } };
  }
}

/** A time of day of the field `name`: empty is "choose a time", anything else not HH:MM is wrong. */
function timeError(value: string, name: FieldName): FieldErrors | null {
  if (value.trim() === '') return { [name]: { key: 'chooseTime' } };
  return timePattern.test(value) ? null : { [name]: { key: 'badTime' } };
}

/** The weekly choice as a cron expression, or the fields that are wrong (every one of them). */
function parseWeekly(f: ScheduleFields): { when: When } | { errors: FieldErrors } {
  const days = [...new Set(f.weekdays)];
  const errors: FieldErrors = { ...timeError(f.weeklyTime, 'weeklyTime') };
  if (days.length === 0) errors.weekdays = { key: 'chooseWeekday' };
  else if (!days.every((d) => /^[0-6]$/.test(d))) errors.weekdays = { key: 'badWeekday' };
  if (Object.keys(errors).length > 0) return { errors };
  return { when: { cron: cronOf({ every: 'week', weekdays: days.map(Number) as Weekday[], time: f.weeklyTime }) } };
}

/** The monthly choice as a cron expression; a day some months lack (29–31) is refused, saying which months would be left out. */
function parseMonthly(f: ScheduleFields): { when: When } | { errors: FieldErrors } {
  const errors: FieldErrors = { ...timeError(f.monthlyTime, 'monthlyTime') };
  const day = f.monthDay === 'last' ? 'last' : /^\d{1,2}$/.test(f.monthDay) ? Number(f.monthDay) : null;
  if (f.monthDay === '') errors.monthDay = { key: 'chooseMonthDay' };
  else if (day === null || (day !== 'last' && (day < 1 || day > 31))) errors.monthDay = { key: 'badMonthDay' };
  else if (day !== 'last' && day > lastDaySafe) errors.monthDay = { key: `monthDay${day}` };
  if (Object.keys(errors).length > 0 || day === null) return { errors };
  return { when: { cron: cronOf({ every: 'month', day, time: f.monthlyTime }) } };
}

/** When to send, in `timeZone`, or the fields that are wrong. */
function parseWhen(f: ScheduleFields, timeZone: string): { when: ScheduleRequest['when'] } | { errors: FieldErrors } {
  switch (f.when) {
    case 'now':
      return { when: { now: true } };
    case 'once': {
      const errors: FieldErrors = { ...timeError(f.time, 'time') };
      if (f.date.trim() === '') errors.date = { key: 'chooseDate' };
      else if (!/^\d{4}-\d{2}-\d{2}$/.test(f.date)) errors.date = { key: 'badDate' };
      if (Object.keys(errors).length > 0) return { errors };
      const at = parseLocalDateTime(`${f.date} ${f.time}`, timeZone);
      return at ? { when: { at } } : { errors: { date: { key: 'badDate' } } };
    }
    case 'weekly':
      return parseWeekly(f);
    case 'monthly':
      return parseMonthly(f);
    case 'cron':
      return f.cron.trim() === '' ? { errors: { cron: { key: 'badCron', params: { cron: '' } } } } : { when: { cron: f.cron.trim() } };
    case 'calendar': {
      const wrong = timeError(f.calendarTime, 'calendarTime');
      return wrong ? { errors: wrong } : { when: { calendarTime: f.calendarTime } };
    }
    default:
      return { errors: { when: { key: 'chooseWhen' } } };
  }
}

/** The whole request from the fields, or every wrong field at once. */
export function parseRequest(f: ScheduleFields, timeZone: string, platforms: readonly string[]): { request: ScheduleRequest } | { errors: FieldErrors } {
  const what = parseWhat(f);
  const when = parseWhen(f, timeZone);
  const audience = parseAudience(f, platforms);
  const errors = { ...('errors' in what ? what.errors : {}), ...('errors' in when ? when.errors : {}), ...('errors' in audience ? audience.errors : {}) };
  if ('errors' in what || 'errors' in when || 'errors' in audience) return { errors };
  return { request: { what: what.what, when: when.when, audience: audience.audience, urgent: f.urgent } };
}
