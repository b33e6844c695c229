/**
 * Local time arithmetic for delivery: quiet hours, local dates and times in the area's time
 * zone, backoff. Pure functions (luxon for time zones), tested without a database.
 */
import { DateTime } from './luxon.ts';
import type { QuietHours } from './config.ts';

function minuteOfDay(local: DateTime): number {
  return local.hour * 60 + local.minute;
}

function inside(minute: number, quiet: NonNullable<QuietHours>): boolean {
  const { startMinute: from, endMinute: to } = quiet;
  return from <= to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** True when `now` falls in the quiet hours (which may span midnight) of `timeZone`. */
export function inQuietHours(now: Date, timeZone: string, quiet: QuietHours): boolean {
  return quiet !== null && inside(minuteOfDay(DateTime.fromJSDate(now, { zone: timeZone })), quiet);
}

/** When the quiet hours around `now` end, or null when `now` is not in quiet hours. */
export function quietUntil(now: Date, timeZone: string, quiet: QuietHours): Date | null {
  if (!quiet) return null;
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!inside(minuteOfDay(local), quiet)) return null;
  let end = local.startOf('day').plus({ minutes: quiet.endMinute });
  if (end <= local) end = end.plus({ days: 1 });
  return end.toJSDate();
}

/**
 * "2026-12-01 08:00" (or "2026-12-01T08:00") read as local time in `timeZone`; null when it
 * is not such a date and time, or names a time that does not exist there.
 */
export function parseLocalDateTime(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const local = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi }, { zone: timeZone });
  if (!local.isValid || local.day !== d || local.hour !== h) return null;
  return local.toJSDate();
}

/** `date` as "2026-12-01 08:00" in `timeZone`, the way operators type it. */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat('yyyy-LL-dd HH:mm');
}

/** The time of day of `date` in `timeZone`, "06:00". */
export function formatLocalTime(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat('HH:mm');
}

/** The instant of local `month`-`day` `hh:mm` of `year` in `timeZone`; null for a day the year lacks (29/2). */
export function localInstant(year: number, month: number, day: number, time: string, timeZone: string): Date | null {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone: timeZone });
  return local.isValid && local.month === month && local.day === day ? local.toJSDate() : null;
}

/** The local year of `now` in `timeZone`. */
export function localYear(now: Date, timeZone: string): number {
  return DateTime.fromJSDate(now, { zone: timeZone }).year;
}

/**
 * How long to wait before try number `attempt + 1` after `attempt` passing failures:
 * exponential from `baseMs`, capped at `maxMs`, with jitter (half fixed, half random) so
 * many failed chats do not all come back at the same instant.
 */
export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = 5_000, maxMs = 15 * 60_000): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}
