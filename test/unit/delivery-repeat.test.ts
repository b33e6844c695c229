/**
 * Schedules in the staff's terms, without a database: "every Monday and Thursday at 07:30" and
 * "the last day of each month at 19:00" kept as the cron expressions they mean and read back from
 * them (an expression the form cannot say stays advanced); and where a broadcast stands for its
 * readers: done, going out, held by the quiet hours until they end, or not due yet.
 */
import { describe, expect, it } from 'vitest';
import { cronOf, repeatOf } from '../../src/features/delivery/repeat.ts';
import { standingOf } from '../../src/features/delivery/standing.ts';

const vietnam = 'Asia/Ho_Chi_Minh';
const hanoi = (local: string) => new Date(`${local}:00+07:00`);

describe('weekly and monthly schedules as cron expressions', () => {
  it.each([
    [{ every: 'week', weekdays: [4, 1], time: '07:30' }, '30 7 * * 1,4'],
    [{ every: 'week', weekdays: [0, 6], time: '19:00' }, '0 19 * * 6,0'],
    [{ every: 'month', day: 1, time: '08:05' }, '5 8 1 * *'],
    [{ every: 'month', day: 'last', time: '19:00' }, '0 19 L * *'],
  ] as const)('%j is kept as "%s"', (repeat, cron) => {
    expect(cronOf(repeat as Parameters<typeof cronOf>[0])).toBe(cron);
  });

  it.each([
    ['0 8 * * 1', { every: 'week', weekdays: [1], time: '08:00' }],
    ['0 8 * * 5,1', { every: 'week', weekdays: [1, 5], time: '08:00' }],
    ['0 8 * * 1-5', { every: 'week', weekdays: [1, 2, 3, 4, 5], time: '08:00' }],
    ['0 8 * * 7', { every: 'week', weekdays: [0], time: '08:00' }],
    ['0 6 * * *', { every: 'week', weekdays: [1, 2, 3, 4, 5, 6, 0], time: '06:00' }],
    ['30 7 1 * *', { every: 'month', day: 1, time: '07:30' }],
    ['0 19 L * *', { every: 'month', day: 'last', time: '19:00' }],
  ])('"%s" reads back as %j', (cron, repeat) => {
    expect(repeatOf(cron)).toEqual(repeat);
  });

  it.each([
    ['0 8,17 * * 1', 'twice a day'],
    ['*/30 8 * * 1', 'every half hour'],
    ['0 8 * 1 1', 'January only'],
    ['0 8 31 * *', 'a day some months lack'],
    ['0 8 1 * 1', 'a day of the month and a weekday'],
    ['0 8 * *', 'four parts'],
    ['0 8 * * 1#2', 'the second Monday of each month'],
    ['0 8 * * 1L', 'the last Monday of each month'],
    ['thứ hai', 'not cron at all'],
  ])('"%s" (%s) fits no simple choice', (cron) => {
    expect(repeatOf(cron)).toBeNull();
  });
});

describe('where a broadcast stands', () => {
  const night = { startMinute: 21 * 60, endMinute: 6 * 60 };
  const at = hanoi('2026-12-03T22:15');

  it('due inside the quiet hours with messages waiting: held until they end, 06:00 the next morning', () => {
    expect(standingOf({ status: 'queued', scheduledFor: hanoi('2026-12-03T22:14'), queued: 2, sending: 0 }, at, vietnam, night)).toEqual({ state: 'quiet', until: hanoi('2026-12-04T06:00') });
    // Not yet expanded into its deliveries: not over either.
    expect(standingOf({ status: 'pending', scheduledFor: hanoi('2026-12-03T22:14'), queued: 0, sending: 0 }, at, vietnam, night).state).toBe('quiet');
  });

  it('nothing left waiting is done, even inside the quiet hours; skipped and empty are said as such', () => {
    expect(standingOf({ status: 'queued', scheduledFor: hanoi('2026-12-03T20:00'), queued: 0, sending: 0 }, at, vietnam, night)).toEqual({ state: 'done' });
    expect(standingOf({ status: 'skipped', scheduledFor: hanoi('2026-12-03T20:00'), queued: 0, sending: 0 }, at, vietnam, night)).toEqual({ state: 'skipped' });
    expect(standingOf({ status: 'empty', scheduledFor: hanoi('2026-12-03T20:00'), queued: 0, sending: 0 }, at, vietnam, night)).toEqual({ state: 'empty' });
  });

  it('out of the quiet hours it is sending; not due yet, it waits for its time (or the end of the quiet hours it falls in)', () => {
    const noon = hanoi('2026-12-03T12:00');
    expect(standingOf({ status: 'queued', scheduledFor: hanoi('2026-12-03T11:59'), queued: 1, sending: 1 }, noon, vietnam, night)).toEqual({ state: 'sending' });
    expect(standingOf({ status: 'queued', scheduledFor: hanoi('2026-12-03T11:59'), queued: 1, sending: 0 }, at, vietnam, null)).toEqual({ state: 'sending' });
    expect(standingOf({ status: 'pending', scheduledFor: hanoi('2026-12-04T08:00'), queued: 0, sending: 0 }, noon, vietnam, night)).toEqual({ state: 'later', until: hanoi('2026-12-04T08:00') });
    expect(standingOf({ status: 'pending', scheduledFor: hanoi('2026-12-03T23:00'), queued: 0, sending: 0 }, noon, vietnam, night)).toEqual({ state: 'later', until: hanoi('2026-12-04T06:00') });
  });
});
