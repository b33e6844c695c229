/**
 * The operator's commands for scheduled messages, run as an operator would on the demo province
 * (embedded database, sandbox chats): `loaban schedule add|list|pause|resume|remove` and
 * `loaban broadcast status|list`. A mistake gets one clear line on stderr in the operator's
 * language, exit code 1, and nothing stored.
 *
 * The tests of this file share one data folder and run in order: the schedules the first ones
 * add are the ones the later ones list, pause and remove.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueReportReminders } from '../../src/features/reporting/reminders.ts';
import { openStore } from '../../src/core/store/store.ts';
import { runCli, type Finished } from '../support/cli.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'loaban-sched-'));
const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
const loaban = (...args: string[]) => runCli(args, env);
const lines = (out: string) => out.trim().split('\n');

/** An operator mistake: exit code 1, nothing on stdout, exactly `line` on stderr. */
function expectRefused(result: Finished, line: string): void {
  expect({ code: result.code, stdout: result.stdout, stderr: lines(result.stderr) }).toEqual({ code: 1, stdout: '', stderr: [line] });
}

/** The schedules `loaban schedule list` shows: id, status, what, when, next run. */
async function listed(): Promise<string[][]> {
  const result = await loaban('schedule', 'list');
  expect(result.code).toBe(0);
  return lines(result.stdout).map((l) => l.split('\t').slice(0, 5));
}

/** The next Monday 08:00 in Vietnam after now, as the operator reads it. */
function nextMonday8(): string {
  const now = DateTime.now().setZone('Asia/Ho_Chi_Minh');
  let at = now.set({ hour: 8, minute: 0, second: 0, millisecond: 0 }).plus({ days: (8 - now.weekday) % 7 });
  if (at <= now) at = at.plus({ weeks: 1 });
  return at.toFormat('yyyy-LL-dd HH:mm');
}

describe('loaban schedule and broadcast', () => {
  beforeAll(async () => {
    const seeded = await loaban('demo', 'seed');
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 300_000);

  it('an empty start: no schedules, no broadcasts', async () => {
    expect(lines((await loaban('schedule', 'list')).stdout)).toEqual(['Chưa có lịch gửi nào.']);
    expect(lines((await loaban('broadcast', 'list')).stdout)).toEqual(['Chưa có đợt gửi nào.']);
  }, 180_000);

  it('schedule add: says when it will go, in local time, and to how many chats; the id is on the last line', async () => {
    const once = await loaban('schedule', 'add', '--content', 'action-month-opening', '--at', '2099-12-01 08:00');
    expect(once.code, once.stderr).toBe(0);
    // Every demo group chat and every villager's private chat: 12 + 12.
    expect(lines(once.stdout)).toEqual(['Đã lên lịch số 1. Lần gửi tới: 2099-12-01 08:00 (giờ Asia/Ho_Chi_Minh), đến 24 cuộc trò chuyện.', '1']);

    const weekly = await loaban('schedule', 'add', '--text', 'Sáng thứ Hai họp tổ lúc 8 giờ.', '--cron', '0 8 * * 1', '--group', 'Nà Hìn', '--urgent');
    expect(weekly.code, weekly.stderr).toBe(0);
    // One group: its group chat and its villager.
    expect(lines(weekly.stdout)).toEqual([`Đã lên lịch số 2. Lần gửi tới: ${nextMonday8()} (giờ Asia/Ho_Chi_Minh), đến 2 cuộc trò chuyện.`, '2']);

    expect(await listed()).toEqual([
      ['2', 'đang chạy', '"Sáng thứ Hai họp tổ lúc 8 giờ."', 'cron 0 8 * * 1', `lần tới ${nextMonday8()}`],
      ['1', 'đang chạy', 'action-month-opening', '2099-12-01 08:00', 'lần tới 2099-12-01 08:00'],
    ]);
  }, 300_000);

  it('mistakes in the command itself are refused before the database is opened', async () => {
    const at = ['--at', '2099-12-01 08:00'];
    const cases: [string[], string][] = [
      [['schedule', 'add', '--text', 'Họp tổ', '--content', 'womens-day-8-3', ...at], 'Cho biết gửi gì: đúng một trong --content <mã tin>, --text "<lời nhắn>" hoặc --calendar <mã dịp>.'],
      [['schedule', 'add', '--text', 'Họp tổ'], 'Cho biết khi nào gửi: đúng một trong --at "YYYY-MM-DD HH:MM" (một lần) hoặc --cron "<biểu thức cron>" (lặp lại).'],
      [['schedule', 'add', '--text', 'Họp tổ', '--at', '2026-02-30 08:00'], '--at phải là ngày giờ dạng "YYYY-MM-DD HH:MM" theo giờ địa phương, ví dụ "2026-12-01 08:00" (đang là «2026-02-30 08:00»).'],
      [['schedule', 'add', '--text', 'Họp tổ', '--at', '2099-12-01 24:00'], '--at phải là ngày giờ dạng "YYYY-MM-DD HH:MM" theo giờ địa phương, ví dụ "2026-12-01 08:00" (đang là «2099-12-01 24:00»).'],
      [['schedule', 'add', '--text', 'Họp tổ', ...at, '--channel', 'whatsapp'], '--channel phải là telegram, zalo hoặc sandbox (đang là «whatsapp»).'],
      [['schedule', 'add', '--text', 'Họp tổ', ...at, '--language', 'Tiếng Mông'], '--language phải là mã ngôn ngữ 2–3 chữ thường, ví dụ vi (đang là «Tiếng Mông»).'],
      [['schedule', 'add', '--calendar', 'action-month', '--time', '25:00'], '--time phải là giờ dạng HH:MM, ví dụ 08:00 (đang là «25:00»).'],
      [['schedule', 'add', '--calendar', 'action-month', ...at], 'Dịp trong lịch đã có ngày gửi riêng: bỏ --at và --cron, chỉ dùng --time HH:MM nếu muốn đổi giờ gửi.'],
      [['schedule', 'pause', 'một'], 'Số lịch gửi phải là một số (đang là «một»). Xem: loaban schedule list'],
      [['broadcast', 'status', 'x1'], 'Số đợt gửi phải là một số (đang là «x1»). Xem: loaban broadcast list'],
    ];
    const results = await Promise.all(cases.map(([args]) => loaban(...args)));
    results.forEach((result, i) => expectRefused(result, cases[i]![1]));
  }, 300_000);

  it('what the content and the database refuse, each with its reason; nothing is stored', async () => {
    const at = ['--at', '2099-12-01 08:00'];
    const cases: [string[], string][] = [
      [['--text', 'Họp tổ', '--at', '2020-01-01 08:00'], 'Thời điểm gửi đã qua. Hãy chọn một thời điểm sắp tới.'],
      [['--text', 'Họp tổ', '--cron', '0 0 8 * * 1'], 'Biểu thức cron «0 0 8 * * 1» không đúng. Cần 5 phần: phút giờ ngày tháng thứ, ví dụ "0 8 * * 1" là 8 giờ sáng thứ Hai hằng tuần.'],
      [['--content', 'tin-khong-co', ...at], 'Không có tin chiến dịch «tin-khong-co» trong content/campaigns/. Kiểm tra tên tệp (bỏ đuôi .md).'],
      [
        ['--calendar', 'tet'],
        'Không có dịp «tet» trong content/calendar/calendar.yaml. Các dịp có: womens-day, housework-day, vietnam-womens-day, action-month, children-action-month, world-population-day, anti-trafficking-day, girl-child-day, vietnam-law-day, end-violence-women-day, vietnam-population-day.',
      ],
      [['--text', '   ', ...at], 'Lời nhắn trống: không có gì để gửi.'],
      [['--text', `Kính gửi bà con ${'a'.repeat(2_500)}`, ...at], 'Lời nhắn có một đoạn dài hơn 2000 ký tự mà không có chỗ xuống dòng hay dấu cách để chia: hãy chia đoạn đó ra.'],
      [['--text', 'Họp tổ', ...at, '--area', '999'], 'Không có địa bàn nào tên hoặc số «999». Xem danh sách: loaban groups --by-area'],
      [['--text', 'Họp tổ', ...at, '--group', 'Bản Không Có'], 'Không có tổ truyền thông nào tên hoặc số «Bản Không Có». Xem danh sách: loaban groups'],
      [
        ['--text', 'Họp tổ', ...at, '--language', 'hmn'],
        'Không có nhóm hay người nào nhận được tin này (chưa có cuộc trò chuyện nào đang hoạt động khớp với địa bàn, tổ, ngôn ngữ, kênh đã chọn). Không lên lịch gì.',
      ],
    ];
    for (const [args, line] of cases) expectRefused(await loaban('schedule', 'add', ...args), line);
    expect((await listed()).map(([id]) => id)).toEqual(['2', '1']);
  }, 600_000);

  it('pause, resume and remove say what they did; an unknown schedule is named', async () => {
    expect(lines((await loaban('schedule', 'pause', '1')).stdout)).toEqual(['Đã tạm dừng lịch số 1. Tin đã xếp hàng trước đó vẫn được gửi.']);
    expect((await listed()).find(([id]) => id === '1')?.[1]).toBe('tạm dừng');
    expect(lines((await loaban('schedule', 'resume', '1')).stdout)).toEqual(['Đã chạy lại lịch số 1. Lần gửi tới: 2099-12-01 08:00.']);
    expect(lines((await loaban('schedule', 'remove', '2')).stdout)).toEqual(['Đã xoá lịch số 2.']);
    expect(await listed()).toEqual([['1', 'đang chạy', 'action-month-opening', '2099-12-01 08:00', 'lần tới 2099-12-01 08:00']]);

    expectRefused(await loaban('schedule', 'pause', '99'), 'Không có lịch gửi số 99. Xem: loaban schedule list');
    expectRefused(await loaban('schedule', 'resume', '2'), 'Không có lịch gửi số 2. Xem: loaban schedule list');
  }, 600_000);

  it('broadcast status: how far a broadcast got and why chats failed; an unknown broadcast is named', async () => {
    expectRefused(await loaban('broadcast', 'status', '42'), 'Không có đợt gửi số 42. Xem: loaban broadcast list');

    // A broadcast of the schedule as the dispatcher leaves it: two chats reached, one blocked the bot, one waiting.
    const store = await openStore({ databaseUrl: null, dataDir });
    try {
      const db = store.prisma;
      const chats = await db.chatLink.findMany({ where: { kind: 'group' }, orderBy: { id: 'asc' }, take: 4 });
      const broadcast = await db.broadcast.create({ data: { scheduleId: 1, contentId: 'action-month-opening', audience: {}, scheduledFor: new Date('2099-12-01T01:00:00Z'), status: 'queued' } });
      const statuses = [
        { status: 'sent' },
        { status: 'sent' },
        { status: 'failed', lastError: 'stopped: 403 Forbidden: bot was blocked by the user' },
        { status: 'queued' },
      ];
      await db.delivery.createMany({ data: statuses.map((s, i) => ({ broadcastId: broadcast.id, chatLinkId: chats[i]!.id, platform: 'sandbox', ...s })) });
    } finally {
      await store.close();
    }
    const status = await loaban('broadcast', 'status', '1');
    expect(status.code, status.stderr).toBe(0);
    expect(lines(status.stdout)).toEqual([
      'Đợt gửi 1 (2099-12-01 08:00, chưa đến giờ gửi): 4 cuộc trò chuyện — đã gửi 2, đang chờ 1, đang gửi 0, lỗi 1, bỏ qua 0.',
      // Stored before reasons had kinds: still read as a chat that stopped receiving.
      '  1 × đã chặn hoặc xoá Loa Bản — stopped: 403 Forbidden: bot was blocked by the user',
    ]);
    expect(lines((await loaban('broadcast', 'list')).stdout)).toEqual(['Đợt gửi 1 (2099-12-01 08:00, chưa đến giờ gửi): 4 cuộc trò chuyện — đã gửi 2, đang chờ 1, đang gửi 0, lỗi 1, bỏ qua 0.']);
  }, 300_000);

  it('broadcast list: the report reminders queued in the outbox are listed, each with its group', async () => {
    const store = await openStore({ databaseUrl: null, dataDir });
    let queued: number[];
    try {
      // 09:00 eleven days before the quarter ends: every demo group is due (none has reported).
      queued = (await queueReportReminders(store.prisma, { timeZone: 'Asia/Ho_Chi_Minh', platforms: ['sandbox'], now: new Date('2026-12-20T02:00:00Z') })).broadcastIds;
    } finally {
      await store.close();
    }
    expect(queued).toHaveLength(12);
    const list = await loaban('broadcast', 'list', '--limit', '2');
    expect(list.code, list.stderr).toBe(0);
    expect(lines(list.stdout)).toEqual([
      `Đợt gửi ${queued[11]} (2026-12-20 09:00, chưa đến giờ gửi): 1 cuộc trò chuyện — đã gửi 0, đang chờ 1, đang gửi 0, lỗi 0, bỏ qua 0. — nhắc tổ trưởng báo cáo: Tổ truyền thông thôn Tống Sinh`,
      `Đợt gửi ${queued[10]} (2026-12-20 09:00, chưa đến giờ gửi): 1 cuộc trò chuyện — đã gửi 0, đang chờ 1, đang gửi 0, lỗi 0, bỏ qua 0. — nhắc tổ trưởng báo cáo: Tổ truyền thông bản Nậm Ty`,
    ]);
  }, 300_000);

  it('broadcast status and list: a broadcast held by the quiet hours says until when it waits, in local time', async () => {
    // Quiet hours around this very minute, whatever the time of day the test runs: they began an hour ago and end in two.
    const now = DateTime.now().setZone('Asia/Ho_Chi_Minh').startOf('minute');
    const quiet = `${now.minus({ hours: 1 }).toFormat('HH:mm')}-${now.plus({ hours: 2 }).toFormat('HH:mm')}`;
    const store = await openStore({ databaseUrl: null, dataDir });
    let id: number;
    try {
      const db = store.prisma;
      const chats = await db.chatLink.findMany({ where: { kind: 'group' }, orderBy: { id: 'asc' }, take: 2 });
      const broadcast = await db.broadcast.create({ data: { text: 'Mai họp tổ lúc 8 giờ.', audience: {}, scheduledFor: now.minus({ minutes: 5 }).toJSDate(), status: 'queued' } });
      await db.delivery.createMany({ data: chats.map((c) => ({ broadcastId: broadcast.id, chatLinkId: c.id, platform: 'sandbox', nextAttemptAt: now.plus({ hours: 2 }).toJSDate() })) });
      id = broadcast.id;
    } finally {
      await store.close();
    }
    const at = now.minus({ minutes: 5 }).toFormat('yyyy-LL-dd HH:mm');
    const line = `Đợt gửi ${id} (${at}, chờ đến ${now.plus({ hours: 2 }).toFormat('HH:mm')}, hết giờ yên lặng): 2 cuộc trò chuyện — đã gửi 0, đang chờ 2, đang gửi 0, lỗi 0, bỏ qua 0.`;
    const status = await runCli(['broadcast', 'status', String(id)], { ...env, QUIET_HOURS: quiet });
    expect(status.code, status.stderr).toBe(0);
    expect(lines(status.stdout)).toEqual([line]);
    expect(lines((await runCli(['broadcast', 'list', '--limit', '1'], { ...env, QUIET_HOURS: quiet })).stdout)).toEqual([line]);
  }, 300_000);

  it('with OPERATOR_LANG=en the refusal is in English', async () => {
    const result = await runCli(['schedule', 'add', '--text', 'Họp tổ', '--at', '2020-01-01 08:00'], { ...env, OPERATOR_LANG: 'en' });
    expectRefused(result, 'That time has passed. Choose a time to come.');
    expect((await listed()).map(([id]) => id)).toEqual(['1']);
  }, 180_000);
});
