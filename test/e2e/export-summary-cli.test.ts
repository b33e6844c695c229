/** `loaban export summary`: the quarterly or yearly summary per area from the command line, as CSV or xlsx. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/store.ts';
import { runCli } from '../support/cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-sum-'));

describe('loaban export summary', () => {
  it('sums a quarter or a year under an area, by sex and ethnic minority; mistakes get one clear line', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    expect((await runCli(['demo', 'seed'], env)).code).toBe(0);

    let hoaBan = 0;
    const store = await openStore({ databaseUrl: null, dataDir, language: 'vi' });
    try {
      hoaBan = (await store.prisma.area.findUniqueOrThrow({ where: { code: 'demo-hoa-ban' } })).id;
      // The groups have been in Loa Bản since before 2026, so every quarter of 2026 is owed by each.
      await store.prisma.communicationGroup.updateMany({ data: { createdAt: new Date('2025-06-01T00:00:00Z') } });
      const group = async (name: string) => (await store.prisma.communicationGroup.findFirstOrThrow({ where: { name: { contains: name } } })).id;
      const base = { format: 'village-meeting', topics: [], notes: null, photos: [], source: 'test', place: 'x' };
      await store.prisma.sessionReport.createMany({
        data: [
          { ...base, groupId: await group('Nà Hìn'), quarter: '2026Q4', heldOn: new Date('2026-10-05'), participantsTotal: 50, participantsWomen: 30, participantsEthnicMinority: 40, idempotencyKey: 'a' },
          { ...base, groupId: await group('Co Mị'), quarter: '2026Q4', heldOn: new Date('2026-11-12'), participantsTotal: 45, participantsWomen: 25, participantsEthnicMinority: 45, idempotencyKey: 'b' },
          { ...base, groupId: await group('Nà Hìn'), quarter: '2026Q3', heldOn: new Date('2026-09-30'), participantsTotal: 60, participantsWomen: 35, participantsEthnicMinority: 50, idempotencyKey: 'c' },
          { ...base, groupId: await group('Tà Làng'), quarter: '2026Q4', heldOn: new Date('2026-10-07'), participantsTotal: 70, participantsWomen: 40, participantsEthnicMinority: 60, idempotencyKey: 'd' },
        ],
      });
    } finally {
      await store.close();
    }

    const csv = await runCli(['export', 'summary', '--quarter', '2026Q4', '--area', String(hoaBan)], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('\uFEFFLoại dòng,Địa bàn,Số tổ,Số tổ có sinh hoạt,Tỷ lệ tổ có sinh hoạt (%),Số buổi sinh hoạt,Tổng số người tham gia,Nữ,Nam,Dân tộc thiểu số,Không phải DTTS');
    // 50 + 45 people, 30 + 25 women, 40 + 45 ethnic minority; Tà Làng is in another commune.
    expect(lines).toContain('Tổng cộng,Xã Hoa Ban (DEMO),4,2,50,2,95,55,40,85,10');
    expect(lines).toContain('Địa bàn,Bản Nà Hìn,1,1,100,1,50,30,20,40,10');

    const file = path.join(dataDir, 'nam.xlsx');
    const xlsx = await runCli(['export', 'summary', '--year', '2026', '--area', String(hoaBan), '--format', 'xlsx', '--out', file], env);
    expect(xlsx.stderr.trim()).toBe(`Đã xuất bảng tổng hợp năm 2026 của Xã Hoa Ban (DEMO) (4 tổ, 3 buổi sinh hoạt) vào ${file}.`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet('Theo địa bàn')!;
    expect(String(sheet.getRow(1).getCell(1).value)).toBe('Xã Hoa Ban (DEMO) — Năm 2026. Số liệu tách theo giới tính và dân tộc thiểu số');
    expect((sheet.getRow(7).values as unknown[]).slice(1)).toEqual(['Tổng cộng Xã Hoa Ban (DEMO)', 4, 2, 50, 0, 3, 155, 90, 65, 135, 20]);

    const both = await runCli(['export', 'summary', '--quarter', '2026Q4', '--year', '2026', '--area', String(hoaBan)], env);
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toBe('Cho --quarter (một quý, như 2026Q4) hoặc --year (một năm, như 2026), một trong hai.');
    const badYear = await runCli(['export', 'summary', '--year', '26', '--area', String(hoaBan)], env);
    expect(badYear.stderr.trim()).toBe('--year phải là một năm dạng 2026 (đang là «26»).');
    const noArea = await runCli(['export', 'summary', '--quarter', '2026Q4', '--area', '999'], env);
    expect(noArea.stderr.trim()).toBe('Không có địa bàn nào tên hoặc số «999». Xem danh sách: loaban groups --by-area');
    // A name works as well as the number, matched as everywhere else (marks and case aside).
    const byName = await runCli(['export', 'summary', '--quarter', '2026Q4', '--area', 'Xa Hoa Ban'], env);
    expect(byName.stdout).toBe(csv.stdout);
  }, 300_000);
});
