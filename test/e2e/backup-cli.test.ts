/**
 * `loaban backup` and `loaban restore`: a backup taken while the bot runs restores into an empty
 * DATA_DIR with every report, schedule and subscriber; a file that is not ours, a cut one, or a
 * DATA_DIR in use is refused with one line and nothing touched. The nightly backup keeps N days.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/store/store.ts';
import { nightlyBackup } from '../../src/housekeeping.ts';
import { runCli, startCli } from '../support/cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-backup-'));

/** What a restore must bring back, read from the database in `dataDir`. */
async function contents(dataDir: string) {
  const store = await openStore({ databaseUrl: null, dataDir, language: 'vi' });
  try {
    const db = store.prisma;
    return {
      reports: await db.sessionReport.findMany({ orderBy: { id: 'asc' }, select: { id: true, groupId: true, quarter: true, participantsTotal: true, place: true } }),
      schedules: await db.schedule.findMany({ orderBy: { id: 'asc' }, select: { id: true, kind: true, cron: true, text: true, status: true } }),
      subscribers: await db.chatLink.findMany({ orderBy: { id: 'asc' }, select: { id: true, platform: true, chatId: true, groupId: true, subscribed: true } }),
      groups: await db.communicationGroup.count(),
      people: await db.person.count(),
    };
  } finally {
    await store.close();
  }
}

describe('loaban backup and restore', () => {
  it('a backup taken while the bot runs restores into an empty DATA_DIR with every report, schedule and subscriber; mistakes are refused untouched', async () => {
    const source = tempDir();
    expect((await runCli(['demo', 'seed'], { DATA_DIR: source })).code).toBe(0);
    const store = await openStore({ databaseUrl: null, dataDir: source, language: 'vi' });
    try {
      const group = await store.prisma.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
      await store.prisma.sessionReport.create({
        data: { groupId: group.id, quarter: '2026Q4', heldOn: new Date('2026-10-05'), format: 'village-meeting', topics: ['child-marriage'], participantsTotal: 42, participantsWomen: 30, participantsEthnicMinority: 40, place: 'Nhà văn hóa', source: 'test', idempotencyKey: 'backup-1' },
      });
      await store.prisma.chatLink.create({ data: { platform: 'telegram', chatId: '90001', kind: 'private', groupId: group.id } });
    } finally {
      await store.close();
    }
    expect((await runCli(['schedule', 'add', '--text', 'Họp tổ tháng này', '--cron', '0 8 * * 1'], { DATA_DIR: source })).code).toBe(0);
    const before = await contents(source);
    expect(before.reports).toHaveLength(1);
    expect(before.schedules).toHaveLength(1);

    // Taken by the running bot, through its control socket.
    const bot = await startCli({ DATA_DIR: source });
    const file = path.join(tempDir(), 'loaban.backup');
    try {
      const backup = await runCli(['backup', '--out', file], { DATA_DIR: source });
      expect(backup.stderr).toBe('');
      expect(backup.stdout).toMatch(/^Đã sao lưu cơ sở dữ liệu vào .*loaban\.backup \(\d+\.\d MB\)\.\n$/);
      expect(backup.code).toBe(0);
    } finally {
      await bot.stop();
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const target = path.join(tempDir(), 'restored');
    const restored = await runCli(['restore', file], { DATA_DIR: target });
    expect(restored.stdout).toMatch(/^Đã khôi phục .* \(sao lưu lúc \d{4}-\d\d-\d\d \d\d:\d\d\) vào .*restored\. Chạy loaban start để dùng\.\n$/);
    // The restored folder is its owner's alone, as a new DATA_DIR is.
    expect(statSync(target).mode & 0o777).toBe(0o700);
    expect(await contents(target)).toEqual(before);

    // Mistakes: one line each, nothing written.
    const empty = path.join(tempDir(), 'still-empty');
    const notOurs = path.join(tempDir(), 'notes.txt');
    writeFileSync(notOurs, 'shopping list');
    const cut = path.join(tempDir(), 'cut.backup');
    const whole = readFileSync(file);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    for (const [args, env, line] of [
      [['restore', notOurs], { DATA_DIR: empty }, `${notOurs} không phải tệp sao lưu của Loa Bản. Không có gì bị thay đổi.`],
      [['restore', cut], { DATA_DIR: empty }, `${cut} bị cắt ngắn hoặc hỏng (dữ liệu không khớp). Không có gì bị thay đổi.`],
      [['restore', path.join(empty, 'nowhere.backup')], { DATA_DIR: empty }, `Không đọc được tệp ${path.join(empty, 'nowhere.backup')}.`],
      [['restore', file], { DATA_DIR: source }, `${source} không trống: chỉ khôi phục vào một thư mục trống (đặt DATA_DIR là một thư mục mới). Không có gì bị thay đổi.`],
      [['backup'], { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' }, 'Loa Bản đang dùng PostgreSQL (DATABASE_URL): hãy sao lưu bằng công cụ của PostgreSQL, ví dụ pg_dump -Fc.'],
    ] as const) {
      const result = await runCli([...args], env);
      expect(result.stderr.trim(), args.join(' ')).toBe(line);
      expect(result.code).toBe(1);
    }
    expect(existsSync(empty)).toBe(false);
    expect(await contents(source)).toEqual(before);
  }, 240_000);

  it('the nightly backup writes DATA_DIR/backups and keeps only the days asked for', async () => {
    const dataDir = tempDir();
    expect((await runCli(['migrate'], { DATA_DIR: dataDir })).code).toBe(0);
    const dir = path.join(dataDir, 'backups');
    const store = await openStore({ databaseUrl: null, dataDir, language: 'vi' });
    try {
      const old = await nightlyBackup(store, dir, 7, 'Asia/Ho_Chi_Minh', new Date('2026-11-20T19:30:00Z'));
      // The file's age is what counts: make the first one ten days old.
      utimesSync(old.file, new Date('2026-11-20T19:30:00Z'), new Date('2026-11-20T19:30:00Z'));
      const recent = await nightlyBackup(store, dir, 7, 'Asia/Ho_Chi_Minh', new Date());
      // Named by the local date and time: 02:30 in Vietnam on the 21st, not 19:30 UTC the day before.
      expect(path.basename(old.file)).toBe('loaban-2026-11-21-0230.backup');
      expect(recent.removed).toEqual([path.basename(old.file)]);
      expect(readdirSync(dir)).toEqual([path.basename(recent.file)]);
      expect(existsSync(recent.file)).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);
});
