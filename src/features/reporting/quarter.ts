/**
 * Calendar dates and quarters as the Women's Union counts them: in Vietnam's time zone,
 * Q1 = January–March … Q4 = October–December. Plain functions, no clock: callers pass "now".
 */
import { plainText } from '../../core/text/fold.ts';

/** A calendar date in Vietnam (no time, no zone). `month` and `day` count from 1. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface Quarter {
  year: number;
  quarter: 1 | 2 | 3 | 4;
}

const dayMs = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in `timeZone` (TZ_AREA): 23:30 UTC on 31/03 is 01/04 in Vietnam. Throws a RangeError for an invalid Date. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** The quarter `date` falls in. */
export function quarterOf(date: LocalDate): Quarter {
  return { year: date.year, quarter: (Math.floor((date.month - 1) / 3) + 1) as Quarter['quarter'] };
}

/** The first day of `q`: 01/01, 01/04, 01/07 or 01/10. */
export function quarterStart(q: Quarter): LocalDate {
  return { year: q.year, month: q.quarter * 3 - 2, day: 1 };
}

/** The last day of `q`: 31/03, 30/06, 30/09 or 31/12. */
export function quarterEnd(q: Quarter): LocalDate {
  const month = q.quarter * 3;
  return { year: q.year, month, day: daysInMonth(q.year, month) };
}

export function previousQuarter(q: Quarter): Quarter {
  return q.quarter === 1 ? { year: q.year - 1, quarter: 4 } : { year: q.year, quarter: (q.quarter - 1) as Quarter['quarter'] };
}

export function nextQuarter(q: Quarter): Quarter {
  return q.quarter === 4 ? { year: q.year + 1, quarter: 1 } : { year: q.year, quarter: (q.quarter + 1) as Quarter['quarter'] };
}

/** `q` and the `n` quarters before it, newest first: n + 1 quarters (just `q` when n ≤ 0). */
export function quartersBack(q: Quarter, n: number): Quarter[] {
  const out = [q];
  for (let i = 0; i < Math.floor(n); i++) out.push(previousQuarter(out[i]!));
  return out;
}

/** "2026Q4": the form used in exports, commands and storage. */
export function formatQuarter(q: Quarter): string {
  return `${q.year}Q${q.quarter}`;
}

/**
 * Reads a quarter as people write it: "2026Q4", "2026-Q4", "Q4/2026", "q4 2026", "quý 4/2026".
 * Null for anything else, for a quarter outside 1–4 and for a year before 2000.
 */
export function parseQuarter(text: string): Quarter | null {
  const plain = plainText(text).trim();
  const m = /^(\d{4})\s*[-/ ]?\s*(?:q|quy)\s*(\d)$/.exec(plain) ?? /^(?:q|quy)\s*(\d)\s*[-/ ]?\s*(\d{4})$/.exec(plain);
  if (!m) return null;
  const [year, quarter] = /^\d{4}$/.test(m[1]!) ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
  if (year < 2000 || quarter < 1 || quarter > 4) return null;
  return { year, quarter: quarter as Quarter['quarter'] };
}

/** Negative when `a` is before `b`, 0 on the same day, positive after. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether day `d` of month `m` exists in year `y` (29/02 only in leap years). */
export function isValidDate(y: number, m: number, d: number): boolean {
  return [y, m, d].every(Number.isInteger) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** The date `days` days after `date` (before it when negative). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromUtcDate(new Date(toUtcDate(date).getTime() + days * dayMs));
}

/** How many days from `a` to `b`: 1 when `b` is the day after `a`, negative when `b` is earlier. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return Math.round((toUtcDate(b).getTime() - toUtcDate(a).getTime()) / dayMs);
}

/** "05/03/2026": how dates are shown to people. */
export function formatDate(d: LocalDate): string {
  return `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
}

/** The Date at 00:00 UTC of that calendar date, which is what a Postgres DATE column holds. */
export function toUtcDate(d: LocalDate): Date {
  const date = new Date(0);
  date.setUTCFullYear(d.year, d.month - 1, d.day); // unlike Date.UTC, keeps years 0–99 as they are
  return date;
}

/** The calendar date of a Date read from a Postgres DATE column (00:00 UTC). */
export function fromUtcDate(d: Date): LocalDate {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
