/** `loaban admin add` and `loaban admin list`, as an operator runs them. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

it('an operator makes a Telegram user the admin of a commune by its name, sees it listed, and a second run changes nothing', async () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-admin-cli-')) };
  expect((await runCli(['demo', 'seed'], env)).code).toBe(0);
  const args = ['admin', 'add', '--platform', 'telegram', '--user', '5550001', '--name', 'Chị Lò Thị Mai', '--area', 'suoi may', '--level', 'commune'];
  const added = await runCli(args, env);
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).toMatch(/Đã thêm Chị Lò Thị Mai \(telegram:5550001\) làm cán bộ quản trị cấp xã của Xã Suối Mây \(DEMO\)/);
  expect(added.stdout).toContain('/dangnhap');
  expect((await runCli(args, env)).stdout).toContain('không đổi gì');

  const list = await runCli(['admin', 'list'], env);
  expect(list.code).toBe(0);
  const lines = list.stdout.trim().split('\n');
  // One line per admin and area: the demo's province admin, its district-level admin over two communes, its commune admin, and her.
  expect(lines).toHaveLength(5);
  expect(lines.filter((l) => l.includes('sandbox:demo-admin-district'))).toHaveLength(2);
  expect(lines.find((l) => l.includes('telegram:5550001'))).toMatch(/Chị Lò Thị Mai\ttelegram:5550001\tXã Suối Mây \(DEMO\) \(\d+\)\txã/);
}, 180_000);

it('a wrong level, platform or area gets one clear line and exit code 1', async () => {
  const env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-admin-cli-')) };
  const base = ['admin', 'add', '--platform', 'zalo', '--user', 'z1', '--name', 'A'];
  for (const [extra, pattern] of [
    [['--area', '1', '--level', 'village'], /province, district hoặc commune/],
    [['--area', '1', '--level', 'commune', '--platform', 'facebook'], /telegram, zalo hoặc sandbox/],
    [['--area', 'Nowhere', '--level', 'commune'], /Không có địa bàn nào tên hoặc số «Nowhere»/],
  ] as const) {
    const result = await runCli([...base, ...extra], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  }
}, 180_000);
