/**
 * The Exports page of the dashboard over http on a real database: a commune admin downloads her
 * commune's session reports and the summary per area as Excel and CSV, the figures kept separate
 * by sex and ethnic-minority status; other areas are refused, bad choices and too-large files get
 * a clear page, and every download is audited.
 */
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { addDays, formatQuarter, localDateOf, quarterOf, quarterStart, toUtcDate, type Quarter } from '../../src/features/reporting/quarter.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { communeAdmin, dashboard, personOf, provinceAdmin, signedIn, timeZone, type Browser, type Response } from '../support/admin.ts';
import { freshStore } from '../support/stores.ts';

let store: Store;
let db: Db;
let http: FastifyInstance;
let hoaBan: Browser;
let hoaBanId: number;
let suoiMayId: number;

const today = localDateOf(new Date(), timeZone);
const current = quarterOf(today);
const thisQuarter = formatQuarter(current);
const lastYear = today.year - 1;

/** Who took part: [total, women, ethnic minority]. */
type People = [number, number, number];

let key = 0;
async function report(groupName: string, quarter: Quarter, day: number, people: People, place = 'Nhà văn hoá') {
  const group = await db.communicationGroup.findFirstOrThrow({ where: { name: { contains: groupName } } });
  await db.sessionReport.create({
    data: {
      groupId: group.id,
      quarter: formatQuarter(quarter),
      heldOn: toUtcDate(addDays(quarterStart(quarter), day)),
      format: 'village-meeting',
      topics: ['child-marriage'],
      participantsTotal: people[0],
      participantsWomen: people[1],
      participantsEthnicMinority: people[2],
      place,
      photos: [],
      source: 'test',
      idempotencyKey: `export-${key++}`,
    },
  });
}

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  // The demo groups have been in Loa Bản since before last year.
  await db.communicationGroup.updateMany({ data: { createdAt: new Date(`${lastYear - 1}-06-01T00:00:00Z`) } });
  hoaBanId = (await db.area.findUniqueOrThrow({ where: { code: 'demo-hoa-ban' } })).id;
  suoiMayId = (await db.area.findUniqueOrThrow({ where: { code: 'demo-suoi-may' } })).id;
  // This quarter: three sessions in Hoa Ban (two in Nà Hìn), one in Suối Mây next door.
  await report('Nà Hìn', current, 1, [30, 18, 25]);
  await report('Nà Hìn', current, 3, [12, 7, 0], '=HYPERLINK("http://x")');
  await report('Co Mị', current, 2, [20, 11, 20]);
  await report('Tà Làng', current, 1, [40, 22, 35]);
  // Last year: Nà Hìn every quarter, Co Mị in Q1 and Q3.
  for (const q of [1, 2, 3, 4] as const) await report('Nà Hìn', { year: lastYear, quarter: q }, 5, [10 * q, 6 * q, 5 * q]);
  await report('Co Mị', { year: lastYear, quarter: 1 }, 5, [9, 4, 9]);
  await report('Co Mị', { year: lastYear, quarter: 3 }, 5, [11, 8, 10]);
  http = await dashboard(db);
  hoaBan = await signedIn(http, db, communeAdmin);
});
afterAll(async () => {
  await http?.close();
  await store?.close();
});

const download = (b: Browser, q: { period: string; area: number | string; kind: string; format: string }) =>
  b.get(`/admin/exports/download?${new URLSearchParams({ period: q.period, area: String(q.area), kind: q.kind, format: q.format })}`);

async function workbook(res: Response) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return book;
}

const values = (sheet: ExcelJS.Worksheet, row: number) => (sheet.getRow(row).values as unknown[]).slice(1);

/** A small RFC 4180 reader (quoted fields, doubled quotes), enough to read our files back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

async function lastAudit(action: string) {
  return db.auditLog.findFirst({ where: { action }, orderBy: { id: 'desc' } });
}

describe('the exports page', () => {
  it('shows a form (period, area, what, format) and the reporting deadlines with the next one first', async () => {
    const page = await hoaBan.get('/admin/exports');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('aria-current="page">Xuất số liệu');
    expect(page.body).toContain('action="/admin/exports/download"');
    expect(page.body).toContain(`<option value="${thisQuarter}" selected>Quý ${current.quarter}/${current.year}</option>`);
    expect(page.body).toContain(`<option value="${today.year}" >Năm ${today.year} (đến nay)</option>`);
    expect(page.body).toContain(`<option value="${lastYear}" >Năm ${lastYear}</option>`);
    expect(page.body).toContain(`<option value="${hoaBanId}" selected>Xã Hoa Ban (DEMO)</option>`);
    expect(page.body).not.toContain('Xã Suối Mây');
    expect(page.body).toContain('value="summary" checked');
    expect(page.body).toContain('value="xlsx" checked');
    expect(page.body).toContain('Số liệu tách theo giới tính');
    // 20 January (Project 8, last year), 5 June (gender equality, six months), 5 September (Project 8 progress),
    // 15 December (gender equality, the year), 20 January next year (Project 8, the year).
    const md = today.month * 100 + today.day;
    const next = md < 120 ? `20/01/${today.year}` : md < 605 ? `05/06/${today.year}` : md < 905 ? `05/09/${today.year}` : md < 1215 ? `15/12/${today.year}` : `20/01/${today.year + 1}`;
    expect(page.body).toMatch(new RegExp(`Hạn gần nhất: [^<]*, gửi trước ngày ${next}\\.`));
    expect(page.body).toContain('Gồm cả bốn quý năm');
    // Each deadline says the plan it comes from.
    if (md >= 905 && md < 1215) expect(page.body).toContain('Theo kế hoạch 002 (bình đẳng giới, Tam Đường): xã gửi trước 15/12; kế hoạch 004 (Quảng Ninh) hẹn trước 10/12.');
    expect(page.body).toContain('Theo kế hoạch 003 (Dự án 8, Tuần Giáo)');
    expect(page.body).not.toMatch(/<script/i);
  });
});

describe('downloading', () => {
  it("a commune admin downloads this quarter's reports as Excel: her commune only, one row per report, numbers as numbers; audited", async () => {
    const res = await download(hoaBan, { period: thisQuarter, area: hoaBanId, kind: 'reports', format: 'xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const name = `loaban-baocao-${thisQuarter}-demo-hoa-ban.xlsx`;
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const sheet = (await workbook(res)).getWorksheet(thisQuarter)!;
    expect(values(sheet, 1)).toEqual(['Số báo cáo', 'Tổ truyền thông', 'Địa bàn', 'Ngày tổ chức', 'Hình thức', 'Chủ đề', 'Tổng số người tham gia', 'Số nữ', 'Số người DTTS', 'Địa điểm', 'Ghi chú']);
    expect(sheet.rowCount).toBe(4);
    const rows = [2, 3, 4].map((r) => values(sheet, r));
    // By area path (Co Mị before Nà Hìn), then date.
    expect(rows.map((r) => [r[1], r[6], r[7], r[8]])).toEqual([
      ['Tổ truyền thông bản Co Mị', 20, 11, 20],
      ['Tổ truyền thông bản Nà Hìn', 30, 18, 25],
      ['Tổ truyền thông bản Nà Hìn', 12, 7, 0],
    ]);
    // A text cell, never a formula: exceljs reads a formula back as an object.
    expect(rows[2]![9]).toBe(`=HYPERLINK("http://x")`);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const audit = await lastAudit('admin.export');
    expect(audit).toMatchObject({ actorId: (await personOf(db, communeAdmin)).id, areaId: hoaBanId, entity: 'Area', entityId: String(hoaBanId) });
    expect(audit?.after).toEqual({ kind: 'reports', period: thisQuarter, format: 'xlsx', rows: 3 });
  });

  it('the same reports as CSV: byte-order mark, the same figures, formula-safe cells', async () => {
    const res = await download(hoaBan, { period: thisQuarter, area: hoaBanId, kind: 'reports', format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(`filename="loaban-baocao-${thisQuarter}-demo-hoa-ban.csv"`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(rows[0]![0]).toBe('Số báo cáo');
    expect(rows.slice(1).map((r) => [r[1], r[6], r[7], r[8]])).toEqual([
      ['Tổ truyền thông bản Co Mị', '20', '11', '20'],
      ['Tổ truyền thông bản Nà Hìn', '30', '18', '25'],
      ['Tổ truyền thông bản Nà Hìn', '12', '7', '0'],
    ]);
    expect(rows[3]![9]).toBe(`'=HYPERLINK("http://x")`);
    expect(res.body).not.toContain('Tà Làng');
  });

  it("the summary of this quarter per village: women, men, ethnic minority and the rest add up to the reports; total row; a sheet per group", async () => {
    const res = await download(hoaBan, { period: thisQuarter, area: hoaBanId, kind: 'summary', format: 'xlsx' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename="loaban-tonghop-${thisQuarter}-demo-hoa-ban.xlsx"`);
    const book = await workbook(res);
    const sheet = book.getWorksheet('Theo địa bàn')!;
    expect(String(values(sheet, 1)[0])).toBe(`Xã Hoa Ban (DEMO) — Quý ${current.quarter}/${current.year}. Số liệu tách theo giới tính và dân tộc thiểu số`);
    expect(values(sheet, 2)).toEqual(['Địa bàn', 'Số tổ', 'Số tổ có sinh hoạt', 'Tỷ lệ tổ có sinh hoạt (%)', 'Số buổi sinh hoạt', 'Tổng số người tham gia', 'Nữ', 'Nam', 'Dân tộc thiểu số', 'Không phải DTTS']);
    expect(sheet.getRow(2).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    // Nà Hìn: 30 + 12 people, 18 + 7 women, 25 + 0 ethnic minority. Co Mị: 20, 11, 20.
    expect([3, 4, 5, 6, 7].map((r) => values(sheet, r))).toEqual([
      ['Bản Nà Hìn', 1, 1, 100, 2, 42, 25, 17, 25, 17],
      ['Bản Co Mị', 1, 1, 100, 1, 20, 11, 9, 20, 0],
      ['Bản Huổi Sớ', 1, 0, 0, 0, 0, 0, 0, 0, 0],
      ['Bản Pá Ca', 1, 0, 0, 0, 0, 0, 0, 0, 0],
      ['Tổng cộng Xã Hoa Ban (DEMO)', 4, 2, 50, 3, 62, 36, 26, 45, 17],
    ]);
    expect(sheet.rowCount).toBe(7);
    expect(sheet.getRow(7).font?.bold).toBe(true);
    const groups = book.getWorksheet('Theo tổ')!;
    expect(values(groups, 2)[0]).toBe('Tổ truyền thông');
    expect(groups.rowCount).toBe(2 + 4);
    expect(values(groups, 3)).toEqual(['Tổ truyền thông bản Nà Hìn (Bản Nà Hìn)', 1, 1, 100, 2, 42, 25, 17, 25, 17]);
    expect((await lastAudit('admin.export'))?.after).toEqual({ kind: 'summary', period: thisQuarter, format: 'xlsx', rows: 4 + 1 + 4 });
  });

  it('the summary as CSV has the byte-order mark and the same figures, one table with a row kind column', async () => {
    const res = await download(hoaBan, { period: thisQuarter, area: hoaBanId, kind: 'summary', format: 'csv' });
    expect(res.statusCode).toBe(200);
    expect(res.body.startsWith('\uFEFFLoại dòng,Địa bàn,Số tổ,')).toBe(true);
    const rows = parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(rows.find((r) => r[0] === 'Tổng cộng')).toEqual(['Tổng cộng', 'Xã Hoa Ban (DEMO)', '4', '2', '50', '3', '62', '36', '26', '45', '17']);
    expect(rows.filter((r) => r[0] === 'Địa bàn')).toHaveLength(4);
    expect(rows.find((r) => r[0] === 'Tổ truyền thông' && r[1]!.startsWith('Tổ truyền thông bản Co Mị'))).toEqual([
      'Tổ truyền thông',
      'Tổ truyền thông bản Co Mị (Bản Co Mị)',
      '1',
      '1',
      '100',
      '1',
      '20',
      '11',
      '9',
      '20',
      '0',
    ]);
  });

  it('a year sums its four quarters, and counts the groups that met the rule in every quarter', async () => {
    const res = await download(hoaBan, { period: String(lastYear), area: hoaBanId, kind: 'summary', format: 'xlsx' });
    expect(res.statusCode).toBe(200);
    const sheet = (await workbook(res)).getWorksheet('Theo địa bàn')!;
    expect(String(values(sheet, 1)[0])).toContain(`Năm ${lastYear}`);
    expect(values(sheet, 2)[4]).toBe('Số tổ sinh hoạt đủ các quý');
    // Nà Hìn: 10+20+30+40 people, 6+12+18+24 women, 5+10+15+20 ethnic minority. Co Mị: 9+11, 4+8, 9+10.
    expect(values(sheet, 3)).toEqual(['Bản Nà Hìn', 1, 1, 100, 1, 4, 100, 60, 40, 50, 50]);
    expect(values(sheet, 4)).toEqual(['Bản Co Mị', 1, 1, 100, 0, 2, 20, 12, 8, 19, 1]);
    expect(values(sheet, 7)).toEqual([`Tổng cộng Xã Hoa Ban (DEMO)`, 4, 2, 50, 1, 6, 120, 72, 48, 69, 51]);
    // This quarter's reports are not in last year's.
    const reports = await download(hoaBan, { period: String(lastYear), area: hoaBanId, kind: 'reports', format: 'csv' });
    expect(parseCsv(reports.body.replace(/^\uFEFF/, '')).slice(1)).toHaveLength(6);
  });

  it('a group added this year is not counted in last year\'s figures (as on the compliance page), but is in this quarter\'s', async () => {
    const village = await db.area.create({ data: { code: 'test-new-village', name: 'Bản Mới', level: 'village', parentId: hoaBanId, path: 'pending' } });
    await db.area.update({ where: { id: village.id }, data: { path: `${(await db.area.findUniqueOrThrow({ where: { id: hoaBanId } })).path}${village.id}/` } });
    const group = await db.communicationGroup.create({ data: { name: 'Tổ truyền thông bản Mới', areaId: village.id } });
    try {
      const totalRow = async (period: string) => {
        const sheet = (await workbook(await download(hoaBan, { period, area: hoaBanId, kind: 'summary', format: 'xlsx' }))).getWorksheet('Theo địa bàn')!;
        return values(sheet, sheet.actualRowCount);
      };
      // Groups, then groups with a session: last year still 4 and 2; this quarter 5 groups, 2 with a session.
      expect((await totalRow(String(lastYear))).slice(0, 3)).toEqual(['Tổng cộng Xã Hoa Ban (DEMO)', 4, 2]);
      expect((await totalRow(thisQuarter)).slice(0, 3)).toEqual(['Tổng cộng Xã Hoa Ban (DEMO)', 5, 2]);
    } finally {
      await db.communicationGroup.delete({ where: { id: group.id } });
      await db.area.delete({ where: { id: village.id } });
    }
  });

  it('a province admin gets one row per commune and the province total', async () => {
    const province = await signedIn(http, db, provinceAdmin);
    const provinceId = (await db.area.findUniqueOrThrow({ where: { code: 'demo' } })).id;
    const res = await download(province, { period: thisQuarter, area: provinceId, kind: 'summary', format: 'csv' });
    const rows = parseCsv(res.body.replace(/^\uFEFF/, ''));
    expect(rows.filter((r) => r[0] === 'Địa bàn').map((r) => [r[1], r[5], r[6], r[7]])).toEqual([
      ['Xã Hoa Ban (DEMO)', '3', '62', '36'],
      ['Xã Suối Mây (DEMO)', '1', '40', '22'],
      ['Xã Nà Sang (DEMO)', '0', '0', '0'],
    ]);
    expect(rows.find((r) => r[0] === 'Tổng cộng')?.slice(1, 12)).toEqual(['Tỉnh Sơn Cước (DEMO)', '12', '3', '25', '4', '102', '58', '44', '80', '22']);
  });
});

describe('refusals', () => {
  it("another commune's area is refused with 403 and written to the audit log as admin.forbidden", async () => {
    const before = await db.auditLog.count({ where: { action: 'admin.export' } });
    const res = await download(hoaBan, { period: thisQuarter, area: suoiMayId, kind: 'reports', format: 'csv' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Không có quyền');
    expect(res.body).not.toContain('Tà Làng');
    const audit = await lastAudit('admin.forbidden');
    expect(audit).toMatchObject({ actorId: (await personOf(db, communeAdmin)).id, entity: 'Area', entityId: String(suoiMayId) });
    expect(await db.auditLog.count({ where: { action: 'admin.export' } })).toBe(before);
  });

  it('a bad period, area, kind or format gets a 400 page naming the field', async () => {
    const good = { period: thisQuarter, area: String(hoaBanId), kind: 'summary', format: 'xlsx' };
    const cases: Array<[Partial<typeof good>, string]> = [
      [{ period: '2026Q5' }, 'Kỳ báo cáo «2026Q5» không đúng'],
      [{ period: '' }, 'Kỳ báo cáo «» không đúng'],
      [{ area: 'abc' }, 'Địa bàn «abc» không đúng'],
      [{ kind: 'everything' }, 'Loại số liệu «everything» không đúng'],
      [{ format: 'pdf' }, 'Định dạng tệp «pdf» không đúng'],
    ];
    for (const [change, message] of cases) {
      const res = await download(hoaBan, { ...good, ...change });
      expect(res.statusCode, JSON.stringify(change)).toBe(400);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('Lựa chọn không hợp lệ');
      expect(res.body).toContain(message);
    }
    const escaped = await download(hoaBan, { ...good, kind: '<script>x</script>' });
    expect(escaped.body).not.toContain('<script>x');
    expect(escaped.body).toContain('&lt;script&gt;x');
  });

  it('an export over the row limit is refused before it is built: choose a smaller area or a shorter period', async () => {
    const small = await dashboard(db, { exportRowLimit: 2 });
    try {
      const b = await signedIn(small, db, communeAdmin);
      const before = await db.auditLog.count({ where: { action: 'admin.export' } });
      const reports = await download(b, { period: thisQuarter, area: hoaBanId, kind: 'reports', format: 'xlsx' });
      expect(reports.statusCode).toBe(413);
      expect(reports.headers['content-type']).toContain('text/html');
      expect(reports.body).toContain('Tệp quá lớn');
      expect(reports.body).toContain(`Xã Hoa Ban (DEMO), Quý ${current.quarter}/${current.year} có 3 báo cáo, quá giới hạn 2 dòng mỗi lần tải.`);
      expect(reports.body).toContain('Hãy chọn địa bàn nhỏ hơn (một xã) hoặc kỳ ngắn hơn (một quý)');
      const summary = await download(b, { period: thisQuarter, area: hoaBanId, kind: 'summary', format: 'csv' });
      expect(summary.statusCode).toBe(413);
      expect(summary.body).toContain('có 4 tổ truyền thông');
      expect(await db.auditLog.count({ where: { action: 'admin.export' } })).toBe(before);
      // A smaller area fits: one village, its two reports.
      const village = (await db.area.findUniqueOrThrow({ where: { code: 'demo-hoa-ban-na-hin' } })).id;
      expect((await download(b, { period: thisQuarter, area: village, kind: 'reports', format: 'csv' })).statusCode).toBe(200);
    } finally {
      await small.close();
    }
  });
});
