/**
 * The report pages' plain logic: which fields a correction changed and how each value reads, and
 * how the audit log shortens an entry's JSON.
 */
import { describe, expect, it } from 'vitest';
import { parsePage, withQuery } from '../../src/features/admin/web/listing.ts';
import { changedFields, fieldText } from '../../src/features/reporting/web/report-pages.ts';
import { translator } from '../../src/core/i18n.ts';

const t = translator('vi');
const labels = { formats: [{ id: 'direct', label: 'Truyền thông trực tiếp' }], topics: [{ id: 'child-marriage', label: 'Tảo hôn' }] };

describe('a correction as a person reads it', () => {
  it('lists only the report fields that changed, in reading order, ignoring the bookkeeping columns kept in "before"', () => {
    const before = { id: 7, idempotencyKey: 'report:x', updatedAt: '2026-10-01', heldOn: '2026-10-01', format: 'direct', topics: ['child-marriage'], participantsTotal: 45, place: 'A', notes: null, photos: [] };
    const after = { heldOn: '2026-10-02', format: 'direct', topics: ['child-marriage'], participantsTotal: 50, place: 'A', notes: null, photos: ['p1'] };
    expect(changedFields(before, after).map((c) => c.field)).toEqual(['heldOn', 'participantsTotal', 'photos']);
  });

  it('shows dates as dd/mm/yyyy, labels instead of ids, photos as a count and nothing as —', () => {
    expect(fieldText(t, labels, 'heldOn', '2026-10-02')).toBe('02/10/2026');
    expect(fieldText(t, labels, 'format', 'direct')).toBe('Truyền thông trực tiếp');
    expect(fieldText(t, labels, 'format', 'retired-format')).toBe('retired-format');
    expect(fieldText(t, labels, 'topics', ['child-marriage', 'x'])).toBe('Tảo hôn; x');
    expect(fieldText(t, labels, 'photos', ['a', 'b'])).toBe('2 ảnh');
    expect(fieldText(t, labels, 'notes', null)).toBe('—');
  });
});

describe('list pages', () => {
  it('read ?page= as a whole number from 1, anything else is refused', () => {
    expect(parsePage(undefined)).toBe(1);
    expect(parsePage('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'x', ['1', '2'], '9999999']) expect(parsePage(bad)).toBeNull();
  });

  it('build addresses without empty values', () => {
    expect(withQuery('/admin/reports', { quarter: '2026Q4', area: '', page: 2 })).toBe('/admin/reports?quarter=2026Q4&page=2');
    expect(withQuery('/admin/audit', { action: '', page: null })).toBe('/admin/audit');
  });
});
