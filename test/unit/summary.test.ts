/** Periods and reporting deadlines of the summary sent upward. */
import { describe, expect, it } from 'vitest';
import { formatPeriod, parsePeriod, periodQuarters, reportingDeadlines } from '../../src/reports/summary.ts';

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

  it('in January, last year\'s full-year figures are due before 20 January', () => {
    expect(next(1, 10)).toEqual({ kind: 'fullYear', year: 2025, before: { year: 2026, month: 1, day: 20 } });
  });

  it('from 20 January to 4 September, this year\'s progress report before 5 September is next', () => {
    expect(next(1, 20)).toEqual({ kind: 'progress', year: 2026, before: { year: 2026, month: 9, day: 5 } });
    expect(next(9, 4)?.kind).toBe('progress');
  });

  it('from 5 September, the full-year report before 20 January next year is next', () => {
    expect(next(9, 5)).toEqual({ kind: 'fullYear', year: 2026, before: { year: 2027, month: 1, day: 20 } });
    expect(reportingDeadlines({ year: 2026, month: 12, day: 31 })).toHaveLength(1);
  });
});
