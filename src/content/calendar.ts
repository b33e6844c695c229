/**
 * The yearly communication calendar (content/calendar/calendar.yaml): days that come back every
 * year, each sending campaign messages in order. Owns the "MM-DD" day format and the pure
 * arithmetic that turns an event into the dates of a given year.
 *
 * An event is either
 *   - `date: "MM-DD"` with exactly one message, sent on that day; or
 *   - `from`, `to` ("MM-DD") and `everyDays`: dates from `from` stepping `everyDays` days up to
 *     and including `to`, message i on the i-th date; there must be exactly one message per date.
 *     A `to` before `from` means the range runs over the new year ("12-20" to "01-10").
 * "02-29" is refused everywhere: a day that is missing three years in four cannot be a yearly
 * day. A range that runs over the end of February has its dates counted in a common and in a leap
 * year, and both counts must match the messages.
 */
import { z } from 'zod';
import { parseYaml } from './yaml.ts';

/** A day of the year, month 1–12 and day 1–31. */
export interface MonthDay {
  month: number;
  day: number;
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Reads "03-08" as { month: 3, day: 8 }; null for anything that is not a day of a common year. */
export function parseMonthDay(text: string): MonthDay | null {
  const match = /^(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const month = Number(match[1]);
  const day = Number(match[2]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth[month - 1]!) return null;
  return { month, day };
}

/** Why `text` is not a usable "MM-DD" day, or null when it is one. */
export function monthDayProblem(text: string): string | null {
  if (parseMonthDay(text)) return null;
  if (text === '02-29') return '"02-29" exists only in leap years: choose "02-28" or "03-01"';
  if (/^\d{2}-\d{2}$/.test(text)) return `"${text}" is not a day of the year`;
  return `"${text}": write a day as "MM-DD" in quotes, e.g. "03-08" for 8 March`;
}

/** A zod string that must be an "MM-DD" day (see `monthDayProblem`). */
export const monthDaySchema = z.string().superRefine((text, ctx) => {
  const problem = monthDayProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export type CalendarWhen = { date: string } | { from: string; to: string; everyDays: number };

/** One sending of an event: on month/day, the message `messageId`. */
export interface CalendarOccurrence {
  month: number;
  day: number;
  messageId: string;
}

export interface CalendarEvent {
  id: string;
  title: string;
  source: string;
  /** The campaign message ids, in sending order. */
  messages: string[];
  when: CalendarWhen;
  /** The sendings that fall in calendar year `year`, in date order (see `calendarOccurrences`). */
  occurrences(year: number): CalendarOccurrence[];
}

const dayMs = 86_400_000;

function utcDay(year: number, text: string): number {
  const { month, day } = parseMonthDay(text)!;
  return Date.UTC(year, month - 1, day);
}

/** The dates (UTC midnights) of the run of `when` that starts in `year`. */
function runDates(when: CalendarWhen, year: number): number[] {
  if ('date' in when) return [utcDay(year, when.date)];
  if (!Number.isInteger(when.everyDays) || when.everyDays < 1) throw new RangeError(`everyDays must be a whole number of days, at least 1 (got ${when.everyDays})`);
  const start = utcDay(year, when.from);
  let end = utcDay(year, when.to);
  if (end < start) end = utcDay(year + 1, when.to);
  const dates: number[] = [];
  for (let t = start; t <= end; t += when.everyDays * dayMs) dates.push(t);
  return dates;
}

/**
 * The sendings of an event that fall in calendar year `year`, in date order. A range that runs
 * over the new year gives its December dates to the year it starts in and its January dates
 * (with the later messages) to the next year.
 */
export function calendarOccurrences(event: Pick<CalendarEvent, 'when' | 'messages'>, year: number): CalendarOccurrence[] {
  const out: CalendarOccurrence[] = [];
  for (const runYear of [year - 1, year]) {
    runDates(event.when, runYear).forEach((t, i) => {
      const date = new Date(t);
      const messageId = event.messages[i];
      if (date.getUTCFullYear() === year && messageId !== undefined) {
        out.push({ month: date.getUTCMonth() + 1, day: date.getUTCDate(), messageId });
      }
    });
  }
  return out;
}

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a-z, 0-9 and -');
const text = z.string().trim().min(1);

const eventSchema = z.strictObject({
  id,
  title: text,
  date: monthDaySchema.optional(),
  from: monthDaySchema.optional(),
  to: monthDaySchema.optional(),
  everyDays: z.number().int().min(1).max(365).optional(),
  messages: z.array(z.string()).min(1),
  source: text,
});
type EventData = z.infer<typeof eventSchema>;

/** A common year and a leap year: a range's date count must match its messages in both. */
const commonYear = 2025;
const leapYear = 2028;

/** The event's `when`, or what is wrong with it (mixing or lacking date and from/to/everyDays). */
function whenOf(event: EventData): { when: CalendarWhen } | { path: string; message: string } {
  const range = [event.from, event.to, event.everyDays];
  if (event.date !== undefined) {
    if (range.some((v) => v !== undefined)) return { path: 'date', message: 'give either date, or from, to and everyDays — not both' };
    return { when: { date: event.date } };
  }
  if (range.every((v) => v === undefined)) return { path: 'id', message: 'the event needs a date, or from, to and everyDays' };
  const missing = (['from', 'to', 'everyDays'] as const).filter((k) => event[k] === undefined);
  if (missing.length > 0) return { path: 'id', message: `from, to and everyDays go together: ${missing.join(' and ')} missing` };
  return { when: { from: event.from!, to: event.to!, everyDays: event.everyDays! } };
}

/** A calendar schema that checks event ids are unique and messages exist (`messageIds`). */
function calendarSchema(messageIds: Set<string>) {
  const seen = new Set<string>();
  const event = eventSchema.superRefine((data, ctx) => {
    if (seen.has(data.id)) ctx.addIssue({ code: 'custom', path: ['id'], message: `"${data.id}" is already the id of another event` });
    seen.add(data.id);
    data.messages.forEach((m, i) => {
      if (!messageIds.has(m)) ctx.addIssue({ code: 'custom', path: ['messages', i], message: `"${m}" is not a message: there is no content/campaigns/${m}.md` });
    });
    const found = whenOf(data);
    if (!('when' in found)) {
      ctx.addIssue({ code: 'custom', path: [found.path], message: found.message });
      return;
    }
    const { when } = found;
    if ('date' in when) {
      if (data.messages.length !== 1) {
        ctx.addIssue({ code: 'custom', path: ['messages'], message: `an event on one date sends one message, not ${data.messages.length}: use from, to and everyDays to send several` });
      }
      return;
    }
    if (!parseMonthDay(when.from) || !parseMonthDay(when.to) || !Number.isInteger(when.everyDays) || when.everyDays < 1) return;
    const count = (year: number) => runDates(when, year).length;
    const between = `between ${when.from} and ${when.to} every ${when.everyDays} days`;
    const messages = `${data.messages.length} message${data.messages.length === 1 ? '' : 's'}`;
    if (count(commonYear) !== data.messages.length) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: `${count(commonYear)} dates ${between} but ${messages}` });
    } else if (count(leapYear) !== data.messages.length) {
      ctx.addIssue({ code: 'custom', path: ['messages'], message: `in leap years ${count(leapYear)} dates ${between} but ${messages}` });
    }
  });
  return z.strictObject({ events: z.array(event) });
}

/** Reads a calendar file's `text`; `messageIds` are the campaign messages that exist. Throws a ContentError. */
export function parseCalendar(file: string, text: string, messageIds: Set<string>): CalendarEvent[] {
  return parseYaml(file, text, calendarSchema(messageIds)).events.map((e) => {
    const event = { id: e.id, title: e.title, source: e.source, messages: e.messages, when: (whenOf(e) as { when: CalendarWhen }).when };
    return { ...event, occurrences: (year: number) => calendarOccurrences(event, year) };
  });
}
