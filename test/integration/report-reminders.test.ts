/** Reminders to report: leaders only, from two weeks before the quarter ends, weekly, never at night. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/channels/channel.ts';
import { readDemoData, seedDemo } from '../../src/groups/demo.ts';
import { defaultContentDir } from '../../src/paths.ts';
import { inQuietHours } from '../../src/delivery/time.ts';
import { sendReportReminders } from '../../src/reports/reminders.ts';
import type { Store } from '../../src/store/store.ts';
import { freshStore } from '../support/stores.ts';

let store: Store;
beforeAll(async () => {
  store = await freshStore('pglite');
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
  await store.prisma.sessionReport.create({
    data: { groupId: 1, quarter: '2026Q4', heldOn: new Date('2026-11-02'), format: 'direct', topics: ['child-marriage'], participantsTotal: 20, participantsWomen: 10, participantsEthnicMinority: 15, place: 'x', photos: [], source: 'test', idempotencyKey: 'r1' },
  });
});
afterAll(() => store?.close());

const options = { timeZone: 'Asia/Ho_Chi_Minh', quietHours: { startMinute: 21 * 60, endMinute: 6 * 60 }, platforms: ['sandbox'] };

async function run(now: string) {
  const sent: Array<{ platform: string; chatId: string; message: OutboundMessage }> = [];
  const groups = await sendReportReminders(store.prisma, async (platform, chatId, message) => (sent.push({ platform, chatId, message }), { ok: true, messageIds: ['1'] }), { ...options, now: new Date(now) });
  return { groups, sent };
}

it('a month before the quarter ends, nobody is reminded', async () => {
  expect((await run('2026-12-01T02:00:00Z')).groups).toBe(0);
});

it('eleven days before: the leaders of every group without a report, in their private chats, once a week', async () => {
  const first = await run('2026-12-20T02:00:00Z');
  expect(first.groups).toBe(11);
  expect(first.sent.every((s) => s.chatId.startsWith('private:leader-'))).toBe(true);
  expect(first.sent.map((s) => s.chatId)).not.toContain('private:leader-demo-hoa-ban-na-hin');
  expect(first.sent[0]!.message.text).toBe('Nhắc tổ trưởng «Tổ truyền thông bản Co Mị»: quý 4/2026 kết thúc ngày 31/12/2026 mà tổ chưa có báo cáo buổi sinh hoạt nào. Đã tổ chức thì báo cáo: /baocao');
  expect((await run('2026-12-24T02:00:00Z')).groups).toBe(0);
  expect((await run('2026-12-28T02:00:00Z')).groups).toBe(11);
});

it('never in quiet hours', async () => {
  expect(inQuietHours(new Date('2026-12-30T15:00:00Z'), options.timeZone, options.quietHours)).toBe(true); // 22:00 in Vietnam
  expect(inQuietHours(new Date('2026-12-30T23:30:00Z'), options.timeZone, options.quietHours)).toBe(false); // 06:30
  expect((await run('2026-12-30T15:00:00Z')).groups).toBe(0);
});
