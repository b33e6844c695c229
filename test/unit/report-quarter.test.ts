/** Which quarter a session counts for, in Vietnam's calendar, and the date arithmetic behind it. */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareDates,
  daysBetween,
  formatDate,
  formatQuarter,
  fromUtcDate,
  isValidDate,
  localDateOf,
  nextQuarter,
  parseQuarter,
  previousQuarter,
  quarterEnd,
  quarterOf,
  quartersBack,
  quarterStart,
  toUtcDate,
  type LocalDate,
  type Quarter,
} from '../../src/features/reporting/quarter.ts';

/** "31/03/2026" → a LocalDate. */
const d = (text: string): LocalDate => {
  const [day, month, year] = text.split('/').map(Number);
  return { year: year!, month: month!, day: day! };
};
const q = (text: string): Quarter => parseQuarter(text)!;

describe('the calendar day in Vietnam', () => {
  it.each([
    // The last second of a quarter in Vietnam (UTC+7, no daylight saving) and the first of the next.
    ['2026-03-31T16:59:59Z', '31/03/2026', '2026Q1'],
    ['2026-03-31T17:00:00Z', '01/04/2026', '2026Q2'],
    ['2026-06-30T16:59:59Z', '30/06/2026', '2026Q2'],
    ['2026-06-30T17:00:00Z', '01/07/2026', '2026Q3'],
    ['2026-09-30T16:59:59Z', '30/09/2026', '2026Q3'],
    ['2026-09-30T17:00:00Z', '01/10/2026', '2026Q4'],
    ['2026-12-31T16:59:59Z', '31/12/2026', '2026Q4'],
    ['2026-12-31T17:00:00Z', '01/01/2027', '2027Q1'],
    ['2024-02-28T17:00:00Z', '29/02/2024', '2024Q1'],
    ['2026-03-31T23:30:00Z', '01/04/2026', '2026Q2'],
    ['2026-04-01T00:00:00Z', '01/04/2026', '2026Q2'],
    ['2026-03-31T00:00:00Z', '31/03/2026', '2026Q1'],
  ])('at %s it is %s in Vietnam, so a session then counts for %s', (instant, date, quarter) => {
    const local = localDateOf(new Date(instant), 'Asia/Ho_Chi_Minh');
    expect(formatDate(local)).toBe(date);
    expect(formatQuarter(quarterOf(local))).toBe(quarter);
  });

  it('is counted in the zone asked for (TZ_AREA)', () => {
    const instant = new Date('2026-03-31T23:30:00Z');
    expect(formatDate(localDateOf(instant, 'Asia/Ho_Chi_Minh'))).toBe('01/04/2026');
    expect(formatDate(localDateOf(instant, 'UTC'))).toBe('31/03/2026');
    expect(formatDate(localDateOf(new Date('2026-04-01T03:00:00Z'), 'America/New_York'))).toBe('31/03/2026');
  });
});

describe('quarters', () => {
  it.each([
    ['01/01/2026', '2026Q1'],
    ['15/02/2026', '2026Q1'],
    ['31/03/2026', '2026Q1'],
    ['01/04/2026', '2026Q2'],
    ['15/05/2026', '2026Q2'],
    ['30/06/2026', '2026Q2'],
    ['01/07/2026', '2026Q3'],
    ['31/08/2026', '2026Q3'],
    ['30/09/2026', '2026Q3'],
    ['01/10/2026', '2026Q4'],
    ['30/11/2026', '2026Q4'],
    ['31/12/2026', '2026Q4'],
    ['01/01/2027', '2027Q1'],
    ['29/02/2024', '2024Q1'],
  ])('a session on %s counts for %s', (date, quarter) => {
    expect(formatQuarter(quarterOf(d(date)))).toBe(quarter);
  });

  it.each([
    ['2026Q1', '01/01/2026', '31/03/2026', 89],
    ['2026Q2', '01/04/2026', '30/06/2026', 90],
    ['2026Q3', '01/07/2026', '30/09/2026', 91],
    ['2026Q4', '01/10/2026', '31/12/2026', 91],
    ['2024Q1', '01/01/2024', '31/03/2024', 90],
    ['2100Q1', '01/01/2100', '31/03/2100', 89],
    ['2000Q1', '01/01/2000', '31/03/2000', 90],
  ])('%s runs from %s to %s (%i days after its first day)', (quarter, start, end, days) => {
    expect(formatDate(quarterStart(q(quarter)))).toBe(start);
    expect(formatDate(quarterEnd(q(quarter)))).toBe(end);
    expect(daysBetween(quarterStart(q(quarter)), quarterEnd(q(quarter)))).toBe(days);
    expect(formatQuarter(quarterOf(quarterStart(q(quarter))))).toBe(quarter);
    expect(formatQuarter(quarterOf(quarterEnd(q(quarter))))).toBe(quarter);
    expect(formatQuarter(quarterOf(addDays(quarterEnd(q(quarter)), 1)))).toBe(formatQuarter(nextQuarter(q(quarter))));
  });

  it.each([
    ['2026Q1', '2025Q4', '2026Q2'],
    ['2026Q2', '2026Q1', '2026Q3'],
    ['2026Q3', '2026Q2', '2026Q4'],
    ['2026Q4', '2026Q3', '2027Q1'],
  ])('before %s comes %s, after it %s', (quarter, previous, next) => {
    expect(formatQuarter(previousQuarter(q(quarter)))).toBe(previous);
    expect(formatQuarter(nextQuarter(q(quarter)))).toBe(next);
    expect(nextQuarter(previousQuarter(q(quarter)))).toEqual(q(quarter));
  });

  it('lists a quarter and the ones before it, newest first, across years', () => {
    expect(quartersBack(q('2026Q2'), 4).map(formatQuarter)).toEqual(['2026Q2', '2026Q1', '2025Q4', '2025Q3', '2025Q2']);
    expect(quartersBack(q('2026Q2'), 0).map(formatQuarter)).toEqual(['2026Q2']);
    expect(quartersBack(q('2026Q2'), -1).map(formatQuarter)).toEqual(['2026Q2']);
    expect(quartersBack(q('2026Q1'), 8)).toHaveLength(9);
    expect(formatQuarter(quartersBack(q('2026Q1'), 8)[8]!)).toBe('2024Q1');
  });
});

describe('a quarter written by a person', () => {
  it.each([
    ['2026Q4', '2026Q4'],
    ['2026-Q4', '2026Q4'],
    ['2026 Q4', '2026Q4'],
    ['2026q1', '2026Q1'],
    ['Q4/2026', '2026Q4'],
    ['q4 2026', '2026Q4'],
    ['Q2-2026', '2026Q2'],
    ['  2026Q3  ', '2026Q3'],
    ['quý 4/2026', '2026Q4'],
    ['Quy 1 2027', '2027Q1'],
    ['2000Q1', '2000Q1'],
  ])('"%s" is %s', (text, quarter) => {
    expect(formatQuarter(parseQuarter(text)!)).toBe(quarter);
  });

  it.each(['2026Q5', 'Q5/2026', '2026Q0', 'Q0 2026', '1999Q4', 'Q4/1999', '2026', 'Q4', '26Q4', '2026Q44', '20261Q1', '2026/04', '', '   ', 'abc', '😀', 'Q4/2026 extra'])(
    '"%s" is not a quarter',
    (text) => {
      expect(parseQuarter(text)).toBeNull();
    },
  );

  it('reads back every quarter it writes', () => {
    for (const quarter of quartersBack(q('2030Q4'), 40)) expect(parseQuarter(formatQuarter(quarter))).toEqual(quarter);
  });
});

describe('calendar dates', () => {
  it.each([
    [2024, 2, 29, true], // divisible by 4
    [2026, 2, 29, false],
    [2100, 2, 29, false], // divisible by 100, not by 400
    [2000, 2, 29, true], // divisible by 400
    [2026, 2, 28, true],
    [2026, 2, 30, false],
    [2026, 2, 31, false],
    [2026, 4, 30, true],
    [2026, 4, 31, false],
    [2026, 6, 31, false],
    [2026, 9, 31, false],
    [2026, 11, 31, false],
    [2026, 1, 31, true],
    [2026, 12, 31, true],
    [2026, 12, 32, false],
    [2026, 13, 1, false],
    [2026, 0, 1, false],
    [2026, 1, 0, false],
    [2026, 1, -1, false],
    [2026, 1.5, 1, false],
    [2026, 1, Number.NaN, false],
  ])('%i-%i-%i exists: %s', (y, m, day, exists) => {
    expect(isValidDate(y, m, day)).toBe(exists);
  });

  it.each([
    ['12/03/2026', '12/03/2026', 0],
    ['11/03/2026', '12/03/2026', -1],
    ['12/03/2026', '11/03/2026', 1],
    ['31/12/2025', '01/01/2026', -1],
    ['01/02/2026', '31/01/2026', 1],
  ])('%s compared with %s has the sign of %i', (a, b, sign) => {
    expect(Math.sign(compareDates(d(a), d(b)))).toBe(sign);
  });

  it.each([
    ['28/02/2024', 1, '29/02/2024'],
    ['28/02/2026', 1, '01/03/2026'],
    ['28/02/2100', 1, '01/03/2100'],
    ['28/02/2000', 1, '29/02/2000'],
    ['31/12/2026', 1, '01/01/2027'],
    ['01/01/2027', -1, '31/12/2026'],
    ['01/03/2024', -1, '29/02/2024'],
    ['31/03/2026', 10, '10/04/2026'],
    ['10/04/2026', -10, '31/03/2026'],
    ['01/01/2026', 365, '01/01/2027'],
    ['01/01/2024', 366, '01/01/2025'],
    ['15/06/2026', 0, '15/06/2026'],
  ])('%s plus %i days is %s', (date, days, result) => {
    expect(formatDate(addDays(d(date), days))).toBe(result);
    expect(daysBetween(d(date), d(result))).toBe(days);
  });

  it('shows dates as dd/mm/yyyy', () => {
    expect(formatDate({ year: 2026, month: 3, day: 5 })).toBe('05/03/2026');
    expect(formatDate({ year: 2026, month: 12, day: 31 })).toBe('31/12/2026');
  });

  it('stores a date as 00:00 UTC of that day (a Postgres DATE) and reads it back unchanged', () => {
    expect(toUtcDate(d('05/03/2026')).toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(toUtcDate(d('29/02/2024')).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(fromUtcDate(new Date('2026-12-31T00:00:00Z'))).toEqual(d('31/12/2026'));
    let day = d('01/01/2024');
    for (let i = 0; i < 366 + 365; i++, day = addDays(day, 1)) {
      expect(fromUtcDate(toUtcDate(day))).toEqual(day);
      expect(isValidDate(day.year, day.month, day.day)).toBe(true);
    }
    expect(formatDate(day)).toBe('01/01/2026');
  });
});
