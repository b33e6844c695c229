/**
 * What a leader is told about a one-line report (`/baocao <everything>`): exactly what is wrong or
 * missing, what was understood, which quarter is open when the date is outside it; and every
 * one-line example of the README works as written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.ts';
import { formatDate, localDateOf, previousQuarter, quarterOf, quarterStart } from '../../src/features/reporting/quarter.ts';
import { groupChat, leader, leaderChat, sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';

const today = localDateOf(new Date(), 'Asia/Ho_Chi_Minh');
const open = quarterOf(today);
/** A day two quarters back: outside the open quarter, and outside any grace days. */
const tooOld = quarterStart(previousQuarter(previousQuarter(open)));
const tooOldText = formatDate(tooOld).slice(0, 5);
const openName = `Quý ${open.quarter}/${open.year}`;

describe.each(backends)('one-line reports say what is wrong and what was understood (%s)', (backend) => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness(backend);
  });
  afterAll(() => h?.close());

  const say = (text: string) => h.say(text, leaderChat, leader);
  const sayInGroup = (text: string) => h.say(text, groupChat, leader);
  const reports = () => h.store.prisma.sessionReport.count();

  it('a date outside the quarter: says so, names the date and the open quarter, and echoes the rest', async () => {
    const [answer] = await sayInGroup(`/baocao ${tooOldText} họp thôn; tảo hôn, bạo lực gia đình; 45 người, 30 nữ, 40 DTTS; tại nhà văn hóa`);
    expect(answer).not.toContain('chưa đủ');
    expect(answer).toContain(`«${tooOldText}»`);
    expect(answer).toContain(openName);
    expect(answer).toContain('Hình thức: Lồng ghép họp thôn/bản');
    expect(answer).toContain('Số người tham gia: 45 (nữ: 30, DTTS: 40)');
    expect(answer).toContain('Địa điểm: nhà văn hóa');
    expect(await reports()).toBe(0);
  });

  it('the same in the private chat: the date is asked again after what was wrong and what was understood', async () => {
    const [answer] = await say(`/baocao ${tooOldText} họp thôn; tảo hôn; 45 người, 30 nữ, 40 DTTS; tại nhà văn hóa`);
    expect(answer).toContain(`«${tooOldText}»`);
    expect(answer).toContain(openName);
    expect(answer).toContain('Chủ đề: Tảo hôn');
    expect(answer).toContain('Buổi sinh hoạt tổ chức ngày nào?');
    await say('/huy');
  });

  it('a day that does not exist is quoted back', async () => {
    const [answer] = await say('/baocao 31/02 họp thôn; tảo hôn; 45 người, 30 nữ, 40 DTTS; tại nhà văn hóa');
    expect(answer).toContain('«31/02» không phải ngày hợp lệ');
    expect(answer).not.toContain('«»');
    await say('/huy');
  });

  it('"45 người" alone is the participant count: only the women and ethnic-minority counts are asked', async () => {
    const [answer] = await say('/baocao hôm nay họp thôn; tảo hôn; 45 người; tại nhà văn hóa');
    expect(answer).toContain('Số người tham gia: 45');
    expect(answer).not.toContain('Số người tham gia: chưa có');
    expect(answer).toMatch(/số nữ.*số người dân tộc thiểu số/i);
    expect(answer).toContain('Trong 45 người đó, có bao nhiêu nữ?');
    expect((await say('30 nữ'))[0]).toContain('dân tộc thiểu số');
    expect((await say('40 DTTS'))[0]).toContain('Số người tham gia: 45 (nữ: 30, DTTS: 40)');
    await say('/huy');
  });

  it('in a group, what is missing is named, not only "not enough"', async () => {
    const [answer] = await sayInGroup('/baocao họp thôn; tảo hôn; 45 người, 30 nữ, 40 DTTS');
    expect(answer).toMatch(/Ngày: chưa có/);
    expect(answer).toMatch(/Địa điểm: chưa có/);
    expect(answer).toContain('Chủ đề: Tảo hôn');
  });

  it('every one-line report example of the README works as written, on any day', async () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const examples = [...readme.matchAll(/`(\/baocao [^`]+)`/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const [summary] = await say(example);
      expect(summary, example).toContain('Bạn kiểm tra lại rồi bấm «Xác nhận» để lưu.');
      await say('/huy');
    }
  });
});
