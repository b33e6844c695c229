/**
 * What an operator's schedule does over time, on a real database (both backends) with the demo
 * province: when it runs next, in Vietnam's time; which message each run of a calendar event
 * carries; and every schedule that is refused, with its reason, leaving nothing stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { campaignTextLimit, loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { messageSource } from '../../src/features/delivery/broadcasts.ts';
import { addSchedule, runDueSchedules, ScheduleError, setScheduleStatus, type NewSchedule, type ScheduleDeps } from '../../src/features/delivery/schedules.ts';
import { formatLocalDateTime } from '../../src/core/time.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { translator } from '../../src/core/i18n.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { backends, freshStore } from '../support/stores.ts';

const library = loadCampaigns(defaultContentDir);
const vietnam = 'Asia/Ho_Chi_Minh';
const t = translator('vi');
/** An instant given as Vietnam's wall-clock time. */
const hanoi = (local: string) => new Date(`${local}:00+07:00`);
const local = (date: Date | null | undefined) => (date ? formatLocalDateTime(date, vietnam) : null);
const minutes = (n: number) => n * 60_000;

describe.each(backends)('schedules (%s)', (backend) => {
  let store: Store;
  let deps: ScheduleDeps;
  beforeAll(async () => {
    store = await freshStore(backend);
    await seedDemo(store.prisma, readDemoData(defaultContentDir));
    await syncCampaigns(store.prisma, library);
    deps = { db: store.prisma, library, timeZone: vietnam, platforms: ['sandbox'], textLimit: campaignTextLimit };
  });
  afterAll(() => store?.close());
  // One demo province for the whole file; each test starts with no schedule and every chat receiving.
  beforeEach(async () => {
    await store.prisma.broadcast.deleteMany();
    await store.prisma.schedule.deleteMany();
    await store.prisma.chatLink.updateMany({ data: { active: true } });
  });

  const everyone = {};
  const add = (input: Omit<NewSchedule, 'audience'> & { audience?: NewSchedule['audience'] }, now: Date) => addSchedule(deps, { audience: everyone, ...input }, now);
  /** Runs due schedules at `now` and returns the runs made, with their local time and message. */
  const tick = async (now: Date, graceMinutes = 360) => {
    const result = await runDueSchedules(deps, now, graceMinutes);
    const made = await store.prisma.broadcast.findMany({ where: { id: { in: result.broadcasts } }, orderBy: { scheduledFor: 'asc' } });
    return made.map((b) => ({ at: local(b.scheduledFor), contentId: b.contentId, status: b.status }));
  };
  const nextRun = async (id: number) => local((await store.prisma.schedule.findUniqueOrThrow({ where: { id } })).nextRunAt);

  describe('when a schedule runs', () => {
    it('"0 8 * * 1" added on a Wednesday runs on Monday at 08:00 Vietnam time (01:00 UTC), then every Monday', async () => {
      const { schedule, reach } = await add({ what: { contentId: 'gender-stereotypes' }, when: { cron: '0 8 * * 1' } }, hanoi('2026-11-25T10:00'));
      expect(schedule.nextRunAt?.toISOString()).toBe('2026-11-30T01:00:00.000Z');
      expect(local(schedule.nextRunAt)).toBe('2026-11-30 08:00');
      // Every demo group chat and every villager's private chat.
      expect(reach).toBe(24);

      expect(await tick(hanoi('2026-11-30T07:59'))).toEqual([]);
      expect(await tick(hanoi('2026-11-30T08:00'))).toEqual([{ at: '2026-11-30 08:00', contentId: 'gender-stereotypes', status: 'pending' }]);
      expect(await nextRun(schedule.id)).toBe('2026-12-07 08:00');
      // The same minute again (a second process, a restart) makes nothing new.
      expect(await tick(hanoi('2026-11-30T08:01'))).toEqual([]);
      expect(await store.prisma.broadcast.count()).toBe(1);
    });

    it('a cron is read in the area’s time zone, whatever the server’s', async () => {
      const { schedule } = await addSchedule({ ...deps, timeZone: 'Europe/Berlin' }, { what: { text: 'Họp tổ' }, when: { cron: '0 8 * * 1' }, audience: everyone }, hanoi('2026-11-25T10:00'));
      // 08:00 in Berlin (UTC+1 in winter) is 14:00 in Vietnam.
      expect(local(schedule.nextRunAt)).toBe('2026-11-30 14:00');
      expect(schedule.timezone).toBe('Europe/Berlin');
    });

    it('the Action Month sends its five messages on 15/11, 22/11, 29/11, 6/12 and 13/12, each run its own message, then next year', async () => {
      const { schedule } = await add({ what: { calendar: 'action-month' }, when: { calendarTime: '08:00' } }, hanoi('2026-11-01T09:00'));
      expect(local(schedule.nextRunAt)).toBe('2026-11-15 08:00');
      const say = messageSource(store.prisma);
      const expected = [
        ['2026-11-15', 'action-month-opening'],
        ['2026-11-22', 'action-month-forms-of-violence'],
        ['2026-11-29', 'action-month-neighbours-help'],
        ['2026-12-06', 'action-month-safe-village'],
        ['2026-12-13', 'action-month-men-change'],
      ] as const;
      for (const [day, contentId] of expected) {
        const runs = await tick(new Date(hanoi(`${day}T08:00`).getTime() + minutes(1)));
        expect(runs).toEqual([{ at: `${day} 08:00`, contentId, status: 'pending' }]);
        const broadcast = await store.prisma.broadcast.findFirstOrThrow({ where: { scheduleId: schedule.id, contentId } });
        expect((await say(broadcast.id, 'vi'))?.text).toBe(library.messages.get(contentId)!.variants.vi);
      }
      expect(await nextRun(schedule.id)).toBe('2027-11-15 08:00');
    });

    it('a calendar event goes at the time of day asked for', async () => {
      const { schedule } = await add({ what: { calendar: 'womens-day' }, when: { calendarTime: '19:30' } }, hanoi('2026-11-01T09:00'));
      expect(local(schedule.nextRunAt)).toBe('2027-03-08 19:30');
    });

    it('a one-off message runs once, then the schedule is done', async () => {
      const { schedule } = await add({ what: { text: 'Chiều nay họp tổ ở nhà văn hoá.' }, when: { at: hanoi('2026-12-01T08:00') } }, hanoi('2026-11-30T10:00'));
      expect(local(schedule.nextRunAt)).toBe('2026-12-01 08:00');
      expect(await tick(hanoi('2026-12-01T08:00'))).toEqual([{ at: '2026-12-01 08:00', contentId: null, status: 'pending' }]);
      const after = await store.prisma.schedule.findUniqueOrThrow({ where: { id: schedule.id } });
      expect(after.status).toBe('done');
      expect(after.nextRunAt).toBeNull();
      expect(await tick(hanoi('2026-12-02T08:00'))).toEqual([]);
    });

    it('an hourly schedule whose bot was down for three days: the missed runs are recorded as skipped, and this hour’s goes out', async () => {
      const { schedule } = await add({ what: { text: 'Nhắc giờ họp' }, when: { cron: '0 * * * *' } }, hanoi('2026-11-27T07:30'));
      expect(local(schedule.nextRunAt)).toBe('2026-11-27 08:00');
      // Back at 08:10 three days later: 72 runs were missed, the last one ten minutes ago.
      const result = await runDueSchedules(deps, hanoi('2026-11-30T08:10'), 360);
      const sent = await store.prisma.broadcast.findMany({ where: { id: { in: result.broadcasts } } });
      expect(sent.map((b) => local(b.scheduledFor))).toEqual(['2026-11-30 08:00']);
      expect(await store.prisma.broadcast.count({ where: { scheduleId: schedule.id, status: 'pending' } })).toBe(1);
      expect(result.skipped).toBeGreaterThan(0);
      expect(await nextRun(schedule.id)).toBe('2026-11-30 09:00');
    });

    it('a paused schedule does not run; resumed, it goes on from its next time without catching up', async () => {
      const { schedule } = await add({ what: { contentId: 'gender-stereotypes' }, when: { cron: '0 8 * * 1' } }, hanoi('2026-11-25T10:00'));
      await setScheduleStatus(deps, schedule.id, 'pause', hanoi('2026-11-26T10:00'));
      expect(await tick(hanoi('2026-11-30T08:05'))).toEqual([]);
      expect(await tick(hanoi('2026-12-07T08:05'))).toEqual([]);
      const resumed = await setScheduleStatus(deps, schedule.id, 'resume', hanoi('2026-12-09T10:00'));
      expect(resumed?.status).toBe('active');
      expect(local(resumed?.nextRunAt)).toBe('2026-12-14 08:00');
      expect(await tick(hanoi('2026-12-14T08:00'))).toEqual([{ at: '2026-12-14 08:00', contentId: 'gender-stereotypes', status: 'pending' }]);
      expect(await store.prisma.broadcast.count()).toBe(1);

      const removed = await setScheduleStatus(deps, schedule.id, 'remove', hanoi('2026-12-15T10:00'));
      expect(removed?.status).toBe('removed');
      expect(await tick(hanoi('2026-12-21T08:00'))).toEqual([]);
      expect(await setScheduleStatus(deps, schedule.id, 'resume', hanoi('2026-12-22T10:00'))).toBeNull();
      expect(await setScheduleStatus(deps, 9999, 'pause', hanoi('2026-12-22T10:00'))).toBeNull();
    });
  });

  describe('a schedule that cannot be taken is refused with the reason, and nothing is stored', () => {
    const now = hanoi('2026-11-25T10:00');
    const future = { at: hanoi('2026-12-01T08:00') };

    /** Adds `input` expecting a refusal; returns the key, its parameters and the operator's Vietnamese line. */
    const refusal = async (input: Omit<NewSchedule, 'audience'> & { audience?: NewSchedule['audience'] }) => {
      const error = await add(input, now).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScheduleError);
      expect(await store.prisma.schedule.count()).toBe(0);
      const { key, params } = error as ScheduleError;
      return { key, params, line: t(`ops:schedule.error.${key}`, params) };
    };

    it('a time that has passed, or is now', async () => {
      for (const at of [hanoi('2026-11-25T09:59'), now, hanoi('2020-01-01T08:00')]) {
        const { key, line } = await refusal({ what: { text: 'Họp tổ' }, when: { at } });
        expect(key).toBe('inThePast');
        expect(line).toBe('Thời điểm gửi đã qua. Hãy chọn một thời điểm sắp tới.');
      }
    });

    it.each([
      ['0 8 * *', 'four fields'],
      ['0 0 8 * * 1', 'six fields (with seconds)'],
      ['61 8 * * *', 'minute 61'],
      ['0 25 * * *', 'hour 25'],
      ['0 8 * * 8', 'weekday 8'],
      ['every monday', 'words'],
      ['', 'nothing'],
    ])('a cron expression "%s" (%s)', async (cron) => {
      const { key, params, line } = await refusal({ what: { text: 'Họp tổ' }, when: { cron } });
      expect(key).toBe('badCron');
      expect(params).toEqual({ cron });
      expect(line).toContain('Cần 5 phần: phút giờ ngày tháng thứ');
    });

    it('a campaign message that does not exist', async () => {
      const { key, line } = await refusal({ what: { contentId: 'no-such-message' }, when: future });
      expect(key).toBe('unknownContent');
      expect(line).toBe('Không có tin chiến dịch «no-such-message» trong content/campaigns/. Kiểm tra tên tệp (bỏ đuôi .md).');
    });

    it('a calendar event that does not exist, with the events there are', async () => {
      const { key, line } = await refusal({ what: { calendar: 'tet' }, when: { calendarTime: '08:00' } });
      expect(key).toBe('unknownEvent');
      expect(line).toBe(
        'Không có dịp «tet» trong content/calendar/calendar.yaml. Các dịp có: womens-day, housework-day, vietnam-womens-day, action-month, children-action-month, world-population-day, anti-trafficking-day, girl-child-day, vietnam-law-day, end-violence-women-day, vietnam-population-day.',
      );
    });

    it('an empty message', async () => {
      for (const text of ['', '   ', '\n\n']) {
        const { key, line } = await refusal({ what: { text }, when: future });
        expect(key).toBe('emptyText');
        expect(line).toBe('Lời nhắn trống: không có gì để gửi.');
      }
    });

    it('a message with a 2,500-character word that cannot be cut into chat messages', async () => {
      const { key, params } = await refusal({ what: { text: `Kính gửi bà con: ${'a'.repeat(2_500)}` }, when: future });
      expect(key).toBe('unsplittable');
      expect(params).toEqual({ limit: 2000 });
      // A long message that can be cut between words is taken.
      const long = Array.from({ length: 600 }, () => 'bình đẳng').join(' ');
      await expect(add({ what: { text: long }, when: future }, now)).resolves.toMatchObject({ reach: 24 });
    });

    it('a time of day without a calendar event, or an event without one', async () => {
      expect((await refusal({ what: { text: 'Họp tổ' }, when: { calendarTime: '08:00' } })).key).toBe('calendarNeedsEvent');
      expect((await refusal({ what: { calendar: 'action-month' }, when: future })).key).toBe('calendarNeedsEvent');
    });

    it('an area or groups that do not exist', async () => {
      const area = await refusal({ what: { text: 'Họp tổ' }, when: future, audience: { areaId: 9999 } });
      expect(area).toMatchObject({ key: 'unknownArea', line: 'Không có địa bàn số 9999. Xem: loaban groups --by-area' });
      const known = await store.prisma.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
      const groups = await refusal({ what: { text: 'Họp tổ' }, when: future, audience: { groupIds: [known.id, 9998, 9999] } });
      expect(groups).toMatchObject({ key: 'unknownGroups', line: 'Không có tổ số 9998, 9999. Xem: loaban groups' });
    });

    it('an audience no one is in: a language nobody reads, a platform this bot does not send on', async () => {
      for (const audience of [{ language: 'hmn' }, { platform: 'telegram' as const }]) {
        const { key, line } = await refusal({ what: { text: 'Họp tổ' }, when: future, audience });
        expect(key).toBe('emptyAudience');
        expect(line).toContain('Không lên lịch gì.');
      }
    });

    it('an audience whose every chat has stopped receiving', async () => {
      const group = await store.prisma.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
      await store.prisma.chatLink.updateMany({ where: { OR: [{ groupId: group.id }, { person: { memberships: { some: { groupId: group.id } } } }] }, data: { active: false } });
      expect((await refusal({ what: { text: 'Họp tổ' }, when: future, audience: { groupIds: [group.id] } })).key).toBe('emptyAudience');
    });
  });
});
