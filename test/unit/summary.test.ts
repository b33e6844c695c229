/** Periods and reporting deadlines of the summary sent upward. */
import { describe, expect, it } from 'vitest';
import { formatPeriod, parsePeriod, periodQuarters, reportingDeadlines } from '../../src/features/reporting/summary.ts';

describe('periods', () => {
  it('a link names a quarter "2026Q4" or a year "2026"; anything else is refused', () => {
    expect(parsePeriod('2026Q4')).toEqual({ kind: 'quarter', quarter: { year: 2026, quarter: 4 } });
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: 2026 });
    for (const bad of ['2026Q5', '2026Q0', '26', '1999', 'Q4/2026', '2026q4', '', '2026Q4x']) expect(parsePeriod(bad), bad).toBeNull();
    expect(formatPeriod(parsePeriod('2026Q1')!)).toBe('2026Q1');
    expect(periodQuarters({ kind: 'year', year: 2026 }).map((q) => q.quarter)).toEqual([1, 2, 3, 4]);
  });
});

describe('reporting deadlines', () => {
  const next = (month: number, day: number) => reportingDeadlines({ year: 2026, month, day })[0];

  it("in January, last year's Project 8 figures are due before 20 January", () => {
    expect(next(1, 10)).toEqual({ kind: 'fullYear', year: 2025, before: { year: 2026, month: 1, day: 20 } });
  });

  it('from 20 January, the gender-equality six-month report before 5 June (plan 002) is next', () => {
    expect(next(1, 20)).toEqual({ kind: 'genderHalfYear', year: 2026, before: { year: 2026, month: 6, day: 5 } });
    expect(next(6, 4)?.kind).toBe('genderHalfYear');
  });

  it("from 5 June, Project 8's progress report before 5 September (plan 003) is next", () => {
    expect(next(6, 5)).toEqual({ kind: 'progress', year: 2026, before: { year: 2026, month: 9, day: 5 } });
    expect(next(9, 4)?.kind).toBe('progress');
  });

  it("from 5 September, the gender-equality year report before 15 December, then Project 8's year figures before 20 January", () => {
    expect(next(9, 5)).toEqual({ kind: 'genderFullYear', year: 2026, before: { year: 2026, month: 12, day: 15 } });
    expect(reportingDeadlines({ year: 2026, month: 9, day: 5 }).map((d) => d.kind)).toEqual(['genderFullYear', 'fullYear']);
    expect(next(12, 15)).toEqual({ kind: 'fullYear', year: 2026, before: { year: 2027, month: 1, day: 20 } });
    expect(reportingDeadlines({ year: 2026, month: 12, day: 31 })).toHaveLength(1);
  });
});
