/**
 * Repeating schedules in the staff's terms: every week on some weekdays, or every month on a day
 * (or its last day), at a time of day. Such a choice is stored as the cron expression a schedule
 * keeps; a stored expression (made on the form, or by `loaban schedule add --cron`) is read back
 * into one of them when it fits, else it stays an "advanced" cron expression.
 */
import { cronParser } from './cron.ts';

/** Weekdays as cron numbers them: 0 Sunday, 1 Monday … 6 Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The weekdays in the order a Vietnamese calendar shows them: Monday first, Sunday last. */
export const weekdaysInOrder: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 0];

/** The last day a month of any length has: a later day would skip the shorter months. */
export const lastDaySafe = 28;

export type Repeat =
  /** `weekdays` in weekdaysInOrder's order, none twice; all seven is every day. */
  | { every: 'week'; weekdays: Weekday[]; time: string }
  /** `day` 1–28, or the month's last day. */
  | { every: 'month'; day: number | 'last'; time: string };

/** "HH:MM", 00:00 to 23:59. */
export const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** The cron expression a repeat is stored as, e.g. "30 7 * * 1,4" or "0 19 L * *". `time` is "HH:MM". */
export function cronOf(repeat: Repeat): string {
  const [, hour, minute] = timePattern.exec(repeat.time) ?? [];
  if (hour === undefined || minute === undefined) throw new Error(`not a time of day: ${repeat.time}`);
  const at = `${Number(minute)} ${Number(hour)}`;
  if (repeat.every === 'week') return `${at} * * ${sortWeekdays(repeat.weekdays).join(',')}`;
  return `${at} ${repeat.day === 'last' ? 'L' : repeat.day} * *`;
}

/** Weekdays without repeats, Monday first. */
export const sortWeekdays = (days: readonly Weekday[]): Weekday[] => weekdaysInOrder.filter((d) => days.includes(d));

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The repeat `cron` means, when it is one the form offers: one time of day, every month, and either
 * some weekdays (any day of the month) or one day 1–28 or the last (any weekday). Null otherwise
 * (several times a day, some months only, days 29–31, both a day and weekdays…), or when it is not a
 * cron expression of 5 parts at all.
 */
export function repeatOf(cron: string): Repeat | null {
  if (cron.trim().split(/\s+/).length !== 5) return null;
  let fields;
  try {
    fields = cronParser().parse(cron).fields;
  } catch {
    return null;
  }
  const { minute, hour, dayOfMonth, month, dayOfWeek } = fields;
  if (minute.values.length !== 1 || hour.values.length !== 1 || !month.isWildcard) return null;
  const time = `${pad(Number(hour.values[0]))}:${pad(Number(minute.values[0]))}`;
  if (dayOfMonth.isWildcard) {
    // "1#2" (the second Monday) and "1L" (the last Monday) are not every week.
    if ((dayOfWeek as { nthDay?: number }).nthDay || /[#L]/i.test(cron.trim().split(/\s+/)[4]!)) return null;
    const days = dayOfWeek.values.map((d) => (typeof d === 'number' ? d % 7 : NaN));
    if (days.some((d) => Number.isNaN(d))) return null;
    return { every: 'week', weekdays: sortWeekdays(days as Weekday[]), time };
  }
  if (!dayOfWeek.isWildcard || dayOfMonth.values.length !== 1) return null;
  const day = dayOfMonth.values[0];
  if (day === 'L') return { every: 'month', day: 'last', time };
  return typeof day === 'number' && day >= 1 && day <= lastDaySafe ? { every: 'month', day, time } : null;
}
