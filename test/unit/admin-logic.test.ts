/** The dashboard's pure rules: who may see which area, what counts as reported or late, escaping. */
import { describe, expect, it } from 'vitest';
import { lastQuarters, quarterStatus, sharesOf } from '../../src/features/reporting/compliance.ts';
import { escapeHtml, html, raw } from '../../src/features/admin/web/html.ts';
import { reachesScope } from '../../src/features/admin/overview.ts';
import { canSee, isProvinceAdmin, pathInScope, type AdminScope } from '../../src/features/groups/scope.ts';
import { loadConfig } from '../../src/core/config.ts';
import { parseQuarter, type LocalDate } from '../../src/features/reporting/quarter.ts';

const d = (text: string): LocalDate => {
  const [day, month, year] = text.split('/').map(Number);
  return { year: year!, month: month!, day: day! };
};
const q = (text: string) => parseQuarter(text)!;

// Province 1 → communes 2 (villages 3, 4) and 5 (village 6).
const paths = new Map([
  [1, '/1/'],
  [2, '/1/2/'],
  [3, '/1/2/3/'],
  [4, '/1/2/4/'],
  [5, '/1/5/'],
  [6, '/1/5/6/'],
]);
const communeAdmin: AdminScope = { personId: 9, grants: [{ areaId: 2, areaName: 'Xã Hoa Ban', path: '/1/2/', level: 'commune' }], areaIds: new Set([2, 3, 4]) };

describe('an admin sees their areas and everything under them, nothing else', () => {
  it('a commune admin sees the commune and its villages, not the province above or the next commune', () => {
    expect([1, 2, 3, 4, 5, 6].filter((id) => canSee(communeAdmin, id))).toEqual([2, 3, 4]);
    expect(pathInScope(communeAdmin.grants, '/1/2/4/')).toBe(true);
    expect(pathInScope(communeAdmin.grants, '/1/5/')).toBe(false);
    expect(isProvinceAdmin(communeAdmin)).toBe(false);
  });

  it('"/1/2/" does not cover "/1/20/": paths are compared up to the slash', () => {
    expect(pathInScope(communeAdmin.grants, '/1/20/')).toBe(false);
  });
});

describe('the next broadcasts an admin is shown: those reaching their area', () => {
  const groupAreas = new Map([
    [10, 3],
    [11, 6],
  ]);
  const reaches = (audience: object) => reachesScope(communeAdmin, audience, paths, groupAreas);

  it('everyone, the province above, the commune itself and its groups reach the commune', () => {
    expect(reaches({})).toBe(true);
    expect(reaches({ areaId: 1 })).toBe(true);
    expect(reaches({ areaId: 2 })).toBe(true);
    expect(reaches({ areaId: 3 })).toBe(true);
    expect(reaches({ groupIds: [11, 10] })).toBe(true);
  });

  it('another commune, or only its groups, do not', () => {
    expect(reaches({ areaId: 5 })).toBe(false);
    expect(reaches({ groupIds: [11] })).toBe(false);
    expect(reaches({ areaId: 999 })).toBe(false);
  });
});

describe('a quarter is reported, late, missing or not counted', () => {
  const addedLongAgo = d('01/01/2025');

  it('a session reported by the last day of the quarter is reported; only after it, late', () => {
    expect(quarterStatus(q('2026Q3'), [d('30/09/2026')], addedLongAgo)).toBe('reported');
    expect(quarterStatus(q('2026Q3'), [d('01/10/2026')], addedLongAgo)).toBe('late');
    expect(quarterStatus(q('2026Q3'), [d('05/10/2026'), d('12/09/2026')], addedLongAgo)).toBe('reported');
  });

  it('no report is missing, unless the quarter ended before the group was added to Loa Bản', () => {
    expect(quarterStatus(q('2026Q3'), [], addedLongAgo)).toBe('missing');
    expect(quarterStatus(q('2026Q3'), [], d('30/09/2026'))).toBe('missing');
    expect(quarterStatus(q('2026Q3'), [], d('01/10/2026'))).toBe('untracked');
    // Reported within the grace days after being added: counted all the same.
    expect(quarterStatus(q('2026Q3'), [d('03/10/2026')], d('02/10/2026'))).toBe('late');
  });

  it('the share counts late reports as met and leaves untracked groups out', () => {
    const shares = sharesOf([q('2026Q3'), q('2026Q4')], [
      ['reported', 'missing'],
      ['late', 'reported'],
      ['untracked', 'missing'],
      ['missing', 'missing'],
    ]);
    expect(shares.map((s) => [s.met, s.counted])).toEqual([
      [2, 3],
      [1, 4],
    ]);
  });

  it('the last four quarters end with today\'s, oldest first, across a new year', () => {
    expect(lastQuarters(d('15/02/2027')).map((x) => `${x.year}Q${x.quarter}`)).toEqual(['2026Q2', '2026Q3', '2026Q4', '2027Q1']);
  });
});

describe('pages escape every value', () => {
  it('a group named with markup shows as text', () => {
    const name = '<script>alert("x")</script> & \'Bản\'';
    expect(html`<td>${name}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bản&#39;</td>');
  });

  it('fragments and lists nest without double escaping; null and false render nothing', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${false}${undefined}${raw('<hr>')}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li><hr></ul>');
    expect(escapeHtml('`"\'')).toBe('&#96;&quot;&#39;');
  });
});

describe('PUBLIC_URL, the address in login links', () => {
  it('is optional, loses a trailing slash, and must be http(s)', () => {
    expect(loadConfig({}, '/srv').publicUrl).toBeNull();
    expect(loadConfig({ PUBLIC_URL: 'https://loaban.example.vn/' }, '/srv').publicUrl).toBe('https://loaban.example.vn');
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://loaban.example.vn' }, '/srv')).toThrow(/PUBLIC_URL/);
  });
});
