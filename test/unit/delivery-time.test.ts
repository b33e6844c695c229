/**
 * The clock arithmetic of delivery, without a database: when villagers are left in peace (quiet
 * hours), how an operator's "2026-12-01 08:00" is read, how long a failed send waits before the
 * next try, and how fast one chat or one group may be written to.
 */
import { describe, expect, it } from 'vitest';
import { ChatGate } from '../../src/features/delivery/chat-gate.ts';
import { backoffMs, formatLocalDateTime, inQuietHours, parseLocalDateTime, quietUntil } from '../../src/core/time.ts';

const vietnam = 'Asia/Ho_Chi_Minh';
/** An instant given as Vietnam's wall-clock time (UTC+7 all year). */
const hanoi = (local: string) => new Date(`${local}:00+07:00`);
const hhmm = (text: string) => {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
};
const quiet = (from: string, to: string) => ({ startMinute: hhmm(from), endMinute: hhmm(to) });

describe('quiet hours', () => {
  const night = quiet('21:00', '06:00');

  it.each([
    ['2026-11-30T20:59', false],
    ['2026-11-30T21:00', true],
    ['2026-11-30T23:59', true],
    ['2026-12-01T00:00', true],
    ['2026-12-01T05:59', true],
    ['2026-12-01T06:00', false],
    ['2026-12-01T12:00', false],
  ])('21:00-06:00 spans midnight: at %s local time, quiet is %s', (local, expected) => {
    expect(inQuietHours(hanoi(local), vietnam, night)).toBe(expected);
  });

  it.each([
    ['2026-11-30T11:59', false],
    ['2026-11-30T12:00', true],
    ['2026-11-30T13:29', true],
    ['2026-11-30T13:30', false],
    ['2026-11-30T23:00', false],
    ['2026-11-30T03:00', false],
  ])('12:00-13:30 (a lunch break, not across midnight): at %s local time, quiet is %s', (local, expected) => {
    expect(inQuietHours(hanoi(local), vietnam, quiet('12:00', '13:30'))).toBe(expected);
  });

  it('are read in the area’s time zone, not the server’s: 22:00 in Vietnam is 15:00 UTC', () => {
    const at = new Date('2026-11-30T15:00:00Z');
    expect(inQuietHours(at, vietnam, night)).toBe(true);
    expect(inQuietHours(at, 'UTC', night)).toBe(false);
  });

  it('off (QUIET_HOURS=off) means never quiet', () => {
    expect(inQuietHours(hanoi('2026-11-30T23:00'), vietnam, null)).toBe(false);
    expect(quietUntil(hanoi('2026-11-30T23:00'), vietnam, null)).toBeNull();
  });

  it.each([
    // Evening: the messages wait for the next morning.
    ['2026-11-30T21:00', '2026-12-01 06:00'],
    ['2026-11-30T22:00', '2026-12-01 06:00'],
    ['2026-11-30T23:59', '2026-12-01 06:00'],
    // After midnight: the same morning.
    ['2026-12-01T00:00', '2026-12-01 06:00'],
    ['2026-12-01T05:59', '2026-12-01 06:00'],
    // Across the end of a month and of a year.
    ['2026-12-31T22:30', '2027-01-01 06:00'],
  ])('a message due at %s (local) waits until %s', (local, until) => {
    const end = quietUntil(hanoi(local), vietnam, night);
    expect(end).not.toBeNull();
    expect(formatLocalDateTime(end!, vietnam)).toBe(until);
  });

  it('outside quiet hours nothing waits', () => {
    expect(quietUntil(hanoi('2026-12-01T06:00'), vietnam, night)).toBeNull();
    expect(quietUntil(hanoi('2026-12-01T20:59'), vietnam, night)).toBeNull();
  });

  it('a quiet stretch that does not cross midnight ends the same day', () => {
    expect(formatLocalDateTime(quietUntil(hanoi('2026-11-30T12:45'), vietnam, quiet('12:00', '13:30'))!, vietnam)).toBe('2026-11-30 13:30');
  });
});

describe('the local date and time an operator types', () => {
  it.each([
    ['2026-12-01 08:00', '2026-12-01T01:00:00.000Z'],
    ['2026-12-01T08:00', '2026-12-01T01:00:00.000Z'],
    ['  2026-12-01 08:00  ', '2026-12-01T01:00:00.000Z'],
    ['2026-12-01 7:05', '2026-12-01T00:05:00.000Z'],
    // Midnight local is the evening before in UTC.
    ['2027-01-01 00:00', '2026-12-31T17:00:00.000Z'],
    ['2028-02-29 08:00', '2028-02-29T01:00:00.000Z'],
  ])('"%s" is read as Vietnam time: %s', (text, iso) => {
    expect(parseLocalDateTime(text, vietnam)?.toISOString()).toBe(iso);
  });

  it.each([
    ['', 'nothing'],
    ['tomorrow 8am', 'words'],
    ['01/12/2026 08:00', 'the day-first form'],
    ['2026-12-01', 'a date without a time'],
    ['08:00', 'a time without a date'],
    ['2026-12-01 08h00', '"h" for the minutes'],
    ['2026-12-01 08:00:30', 'seconds'],
    ['2026-13-01 08:00', 'month 13'],
    ['2026-02-30 08:00', '30 February'],
    ['2026-02-29 08:00', '29 February of a common year'],
    ['2026-04-31 08:00', '31 April'],
    ['2026-12-01 24:00', 'hour 24'],
    ['2026-12-01 08:60', 'minute 60'],
  ])('"%s" (%s) is refused', (text) => {
    expect(parseLocalDateTime(text, vietnam)).toBeNull();
  });

  it('a time the clocks skip (daylight saving, where there is one) is refused', () => {
    // Berlin jumps from 02:00 to 03:00 on 29 March 2026.
    expect(parseLocalDateTime('2026-03-29 02:30', 'Europe/Berlin')).toBeNull();
    expect(parseLocalDateTime('2026-03-29 03:30', 'Europe/Berlin')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('is shown back the way it was typed', () => {
    expect(formatLocalDateTime(parseLocalDateTime('2026-12-01 08:00', vietnam)!, vietnam)).toBe('2026-12-01 08:00');
  });
});

describe('waiting before the next try of a failed send', () => {
  const full = (attempt: number) => backoffMs(attempt, () => 1);
  const half = (attempt: number) => backoffMs(attempt, () => 0);

  it('doubles with every failure, from 5 s', () => {
    expect([1, 2, 3, 4, 5].map(full)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
  });

  it('never goes above 15 minutes, however many failures', () => {
    expect(full(8)).toBe(640_000);
    expect(full(9)).toBe(15 * 60_000);
    expect(full(30)).toBe(15 * 60_000);
    expect(half(30)).toBe(7.5 * 60_000);
  });

  it('is jittered between half and all of the step, so failed chats do not all come back at once', () => {
    for (const attempt of [1, 2, 3, 6, 12]) {
      const waits = Array.from({ length: 200 }, () => backoffMs(attempt));
      expect(Math.min(...waits), `attempt ${attempt}`).toBeGreaterThanOrEqual(half(attempt));
      expect(Math.max(...waits), `attempt ${attempt}`).toBeLessThanOrEqual(full(attempt));
      expect(new Set(waits).size, `attempt ${attempt}`).toBeGreaterThan(20);
    }
    expect(backoffMs(1, () => 0.5)).toBe(3_750);
  });
});

describe('speed limits per chat and per group', () => {
  const telegram = { perSecond: 30, perGroupPerMinute: 20, perChatPerSecond: 1 };
  const t0 = 1_000_000;

  it('one message a second to a chat; other chats are not held up', () => {
    const gate = new ChatGate(telegram);
    expect(gate.nextAllowed('villager', false, t0)).toBe(t0);
    gate.record('villager', t0);
    expect(gate.nextAllowed('villager', false, t0 + 10)).toBe(t0 + 1_000);
    expect(gate.nextAllowed('villager', false, t0 + 1_500)).toBe(t0 + 1_500);
    expect(gate.nextAllowed('neighbour', false, t0 + 10)).toBe(t0 + 10);
  });

  it('a faster per-chat rate shortens the gap', () => {
    const gate = new ChatGate({ ...telegram, perChatPerSecond: 4 });
    gate.record('villager', t0);
    expect(gate.nextAllowed('villager', false, t0)).toBe(t0 + 250);
  });

  it('at most 20 messages a minute to a group: the 21st waits until the first is a minute old', () => {
    const gate = new ChatGate(telegram);
    for (let i = 0; i < 20; i++) {
      const at = t0 + i * 1_000;
      expect(gate.nextAllowed('-100group', true, at), `message ${i + 1}`).toBe(at);
      gate.record('-100group', at);
    }
    expect(gate.nextAllowed('-100group', true, t0 + 20_000)).toBe(t0 + 60_000);
    // A minute after the first, one more fits; then it waits for the second to age out.
    expect(gate.nextAllowed('-100group', true, t0 + 60_000)).toBe(t0 + 60_000);
    gate.record('-100group', t0 + 60_000);
    expect(gate.nextAllowed('-100group', true, t0 + 60_000)).toBe(t0 + 61_000);
  });

  it('the per-minute limit is for groups only: a private chat may have 20 a minute and more', () => {
    const gate = new ChatGate(telegram);
    for (let i = 0; i < 25; i++) gate.record('villager', t0 + i * 1_000);
    expect(gate.nextAllowed('villager', false, t0 + 25_000)).toBe(t0 + 25_000);
  });

  it('a platform without a group limit (Zalo) does not count per minute', () => {
    const gate = new ChatGate({ perSecond: 10, perGroupPerMinute: null, perChatPerSecond: 1 });
    for (let i = 0; i < 30; i++) gate.record('group', t0 + i * 1_000);
    expect(gate.nextAllowed('group', true, t0 + 30_000)).toBe(t0 + 30_000);
  });

  it('a chat the platform throttled waits as long as it was told, and a shorter order does not cut that wait', () => {
    const gate = new ChatGate(telegram);
    gate.block('villager', t0 + 30_000);
    expect(gate.nextAllowed('villager', false, t0)).toBe(t0 + 30_000);
    gate.block('villager', t0 + 5_000);
    expect(gate.nextAllowed('villager', false, t0)).toBe(t0 + 30_000);
    expect(gate.nextAllowed('neighbour', false, t0)).toBe(t0);
    expect(gate.nextAllowed('villager', false, t0 + 31_000)).toBe(t0 + 31_000);
  });

  it('forgets quiet chats, but not a chat still throttled or written to in the last minute', () => {
    const gate = new ChatGate(telegram);
    gate.record('old', t0);
    gate.record('recent', t0 + 50_000);
    gate.block('blocked', t0 + 200_000);
    gate.prune(t0 + 61_000);
    expect(gate.nextAllowed('recent', false, t0 + 50_500)).toBe(t0 + 51_000);
    expect(gate.nextAllowed('blocked', false, t0 + 61_000)).toBe(t0 + 200_000);
    expect(gate.nextAllowed('old', false, t0 + 61_000)).toBe(t0 + 61_000);
  });
});
