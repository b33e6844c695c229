/** The operator's commands around reports: invite codes, the group list, the quarterly export. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/store.ts';
import { runCli } from '../support/cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-rep-'));

describe('loaban invite, groups and export reports', () => {
  it('makes a code, lists the groups, and exports a quarter as CSV and xlsx; mistakes get one clear line', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    expect((await runCli(['demo', 'seed'], env)).code).toBe(0);

    const invite = await runCli(['invite', '--group', 'Nà Hìn'], env);
    expect(invite.code).toBe(0);
    expect(invite.stdout.trim().split('\n').at(-1)).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
    const ambiguous = await runCli(['invite', '--group', 'bản'], env);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/^Có nhiều tổ khớp «bản»: 1: Tổ truyền thông bản Nà Hìn; /);

    const groups = JSON.parse((await runCli(['groups', '--json'], env)).stdout) as Array<{ id: number; name: string; areaPath: string[]; leaders: Array<{ name: string }> }>;
    expect(groups).toHaveLength(12);
    expect(groups[0]).toMatchObject({ id: 1, name: 'Tổ truyền thông bản Nà Hìn', areaPath: ['Tỉnh Sơn Cước (DEMO)', 'Xã Hoa Ban (DEMO)', 'Bản Nà Hìn'], leaders: [{ name: 'Lò Thị Hương' }] });

    // Two reports of 2026 Q4 and one of Q3, as the chat would have stored them; rows come by area, then date.
    const store = await openStore({ databaseUrl: null, dataDir, language: 'vi' });
    try {
      const base = { format: 'village-meeting', topics: ['child-marriage', 'domestic-violence'], participantsWomen: 30, participantsEthnicMinority: 40, notes: null, photos: [], source: 'test' };
      await store.prisma.sessionReport.createMany({
        data: [
          { ...base, groupId: 2, quarter: '2026Q4', heldOn: new Date('2026-11-12'), participantsTotal: 45, place: '=HYPERLINK("x")', idempotencyKey: 'a' },
          { ...base, groupId: 1, quarter: '2026Q4', heldOn: new Date('2026-10-05'), participantsTotal: 50, place: 'Nhà văn hóa, bản Nà Hìn', idempotencyKey: 'b' },
          { ...base, groupId: 1, quarter: '2026Q3', heldOn: new Date('2026-09-30'), participantsTotal: 60, place: 'x', idempotencyKey: 'c' },
        ],
      });
    } finally {
      await store.close();
    }

    const csv = await runCli(['export', 'reports', '--quarter', '2026Q4', '--format', 'csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n').slice(0, 3)).toEqual([
      '\uFEFFSố báo cáo,Tổ truyền thông,Địa bàn,Ngày tổ chức,Hình thức,Chủ đề,Tổng số người tham gia,Số nữ,Số người DTTS,Địa điểm,Ghi chú',
      `1,Tổ truyền thông bản Co Mị,Tỉnh Sơn Cước (DEMO) › Xã Hoa Ban (DEMO) › Bản Co Mị,12/11/2026,Lồng ghép họp thôn/bản,Tảo hôn; Bạo lực gia đình và bạo lực trên cơ sở giới,45,30,40,"'=HYPERLINK(""x"")",`,
      '2,Tổ truyền thông bản Nà Hìn,Tỉnh Sơn Cước (DEMO) › Xã Hoa Ban (DEMO) › Bản Nà Hìn,05/10/2026,Lồng ghép họp thôn/bản,Tảo hôn; Bạo lực gia đình và bạo lực trên cơ sở giới,50,30,40,"Nhà văn hóa, bản Nà Hìn",',
    ]);
    expect(csv.stdout.trim().split('\n')).toHaveLength(3);

    const file = path.join(dataDir, 'q4.xlsx');
    const xlsx = await runCli(['export', 'reports', '--quarter', '2026-Q4', '--area', '1', '--format', 'xlsx', '--out', file], env);
    expect(xlsx.stderr.trim()).toBe(`Đã xuất 2 báo cáo của quý 4/2026 vào ${file}.`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    const sheet = book.getWorksheet('2026Q4')!;
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(2).getCell(7).value).toBe(45);
    // The date is a date Excel can sort and sum by, shown as Vietnamese write it.
    expect(sheet.getRow(2).getCell(4).value).toEqual(new Date('2026-11-12T00:00:00Z'));
    expect(sheet.getRow(2).getCell(4).numFmt).toBe('dd/mm/yyyy');
    // A text cell, never a formula (exceljs reads a formula back as an object).
    expect(sheet.getRow(2).getCell(10).value).toBe(`=HYPERLINK("x")`);

    // --area takes a name as well as a number, matched as everywhere else.
    const byName = await runCli(['export', 'reports', '--quarter', '2026Q4', '--area', 'hoa ban'], env);
    expect(byName.stdout).toBe(csv.stdout);

    for (const [args, line] of [
      [['export', 'reports', '--quarter', '2026Q5'], '--quarter phải là một quý dạng 2026Q4 (đang là «2026Q5»).'],
      [['export', 'reports', '--quarter', '2026Q4', '--format', 'pdf'], '--format phải là csv hoặc xlsx (đang là «pdf»).'],
      [['export', 'reports', '--quarter', '2026Q4', '--area', '999'], 'Không có địa bàn nào tên hoặc số «999». Xem danh sách: loaban groups --by-area'],
    ] as const) {
      const result = await runCli([...args], env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(line);
    }
  }, 300_000);
});
