/**
 * A group leader registers and reports sessions in the sandbox, on the real conversation and
 * database: the guided report, the quick report, a correction, and the export showing exactly
 * what was confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { translator } from '../../src/core/i18n.ts';
import { createInvite } from '../../src/features/subscriptions/invites.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { exportRows, toCsv } from '../../src/features/reporting/export.ts';
import { readFormats } from '../../src/features/reporting/parse.ts';
import { expireReportDrafts } from '../../src/features/reporting/reminders.ts';
import { formatDate, formatQuarter, localDateOf, quarterOf } from '../../src/features/reporting/quarter.ts';
import { leader, leaderChat, sandboxHarness, villager, villagerChat, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';
import { chatDeps, shippedFaq } from '../support/inbound.ts';

const today = localDateOf(new Date(), 'Asia/Ho_Chi_Minh');
const todayText = formatDate(today).slice(0, 5);
const quarter = formatQuarter(quarterOf(today));

describe.each(backends)('session reports in the sandbox (%s)', (backend) => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness(backend);
  });
  afterAll(() => h?.close());

  const say = (text: string) => h.say(text, leaderChat, leader);
  const tap = (data: string) => h.tap(data, leaderChat.id, leader);
  const buttons = (chatId = leaderChat.id) => h.channel.transcript(chatId).at(-1)?.buttons?.flat() ?? [];
  const button = (label: string | RegExp) => {
    const found = buttons().find((b) => (typeof label === 'string' ? b.label === label : label.test(b.label)));
    if (!found) throw new Error(`no button ${label} among ${buttons().map((b) => b.label).join(' | ')}`);
    return found.data;
  };
  const reports = () => h.store.prisma.sessionReport.findMany({ where: { group: { name: 'Tổ truyền thông bản Nà Hìn' } }, orderBy: { id: 'asc' } });

  it('someone who is not a leader is told how to register', async () => {
    const [answer] = await h.say('/baocao');
    expect(answer).toContain('/dangky');
    expect(await h.store.prisma.conversationState.count()).toBe(0);
  });

  it('registers with an invite code: a wrong one is refused clearly, a good one works once', async () => {
    const group = await h.store.prisma.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Co Mị' } });
    const { code } = await createInvite(h.store.prisma, { groupId: group.id, role: 'deputy', ttlDays: 14, createdBy: 'test' });
    expect((await h.say('/dangky'))[0]).toContain('/dangky K7QM-3PXA');
    expect((await h.say('/dangky ABCD-EFGH'))[0]).toContain('không đúng');
    expect((await h.say('/dangky hello'))[0]).toContain('8 chữ và số');
    expect((await h.say(`/dangky ${code.toLowerCase()}`))[0]).toContain('Bạn là tổ phó của «Tổ truyền thông bản Co Mị»');
    const membership = await h.store.prisma.membership.findFirst({ where: { groupId: group.id, person: { platformUserId: villager.id } } });
    expect(membership?.role).toBe('deputy');
    expect((await h.say(`/dangky ${code}`))[0]).toContain('đã được dùng');
  });

  it('a guided report: one question at a time, each answer checked, then a summary to confirm; a second tap stores nothing', async () => {
    expect((await say('/baocao'))[0]).toContain('Buổi sinh hoạt tổ chức ngày nào?');
    expect((await say('31/02'))[0]).toContain('không phải ngày hợp lệ');
    expect((await say('hôm kia nữa'))[0]).toContain('chưa phải là ngày');
    expect((await tap(button('Hôm nay')))[0]).toContain('Hình thức');
    expect((await tap(button('Lồng ghép họp thôn/bản')))[0]).toContain('chủ đề nào');
    const shown = h.channel.transcript(leaderChat.id).length;
    expect((await tap(button('Tảo hôn')))[0]).toContain('Đã chọn: Tảo hôn');
    expect(buttons().map((b) => b.label)).toContain('✓ Tảo hôn');
    await tap(button('Hôn nhân cận huyết thống'));
    await tap(button('✓ Hôn nhân cận huyết thống'));
    // The picker changes in place: no new copy of the list with each tap.
    expect(h.channel.transcript(leaderChat.id)).toHaveLength(shown);
    expect((await tap(button('Xong')))[0]).toContain('bao nhiêu người');
    expect((await say('😀'))[0]).toContain('chưa phải là một số');
    expect((await say('-5'))[0]).toContain('nhỏ hơn 0');
    expect((await say('bốn mươi lăm'))[0]).toContain('Trong 45 người đó, có bao nhiêu nữ?');
    expect((await say('50'))[0]).toContain('Số nữ không thể nhiều hơn tổng số người (45)');
    expect((await say('30'))[0]).toContain('dân tộc thiểu số');
    expect((await say('40'))[0]).toContain('ở đâu');
    expect((await say("<b>Nhà văn hóa</b>'; DROP TABLE \"SessionReport\";--"))[0]).toContain('ghi chú');
    expect((await say('x'.repeat(10_000)))[0]).toContain('Dài quá');
    expect((await tap(button('Bỏ qua')))[0]).toContain('Gửi ảnh');
    const [summary] = await tap(button('Không có ảnh'));
    expect(summary).toContain(`Ngày: ${formatDate(today)}`);
    expect(summary).toContain('Hình thức: Lồng ghép họp thôn/bản');
    expect(summary).toContain('Chủ đề: Tảo hôn');
    expect(summary).toContain('Số người tham gia: 45 (nữ: 30, DTTS: 40)');
    expect(await reports()).toHaveLength(0);

    const confirm = button('✅ Xác nhận');
    expect((await tap(confirm))[0]).toContain(`Đã lưu báo cáo quý ${quarter.slice(5)}/${quarter.slice(0, 4)}`);
    expect((await tap(confirm))[0]).toContain('đã được lưu rồi');
    const [saved, ...more] = await reports();
    expect(more).toEqual([]);
    expect(saved).toMatchObject({
      quarter,
      format: 'village-meeting',
      topics: ['child-marriage'],
      participantsTotal: 45,
      participantsWomen: 30,
      participantsEthnicMinority: 40,
      place: "<b>Nhà văn hóa</b>'; DROP TABLE \"SessionReport\";--",
      notes: null,
      source: 'sandbox',
    });
  });

  it('a quick report in one line, without tone marks, goes straight to the summary', async () => {
    const [summary] = await say(`/baocao ${todayText} hop thon; tao hon, bao luc gia dinh; 60 nguoi, 35 nu, 50 dtts; tai san nha van hoa`);
    expect(summary).toContain('Chủ đề: Tảo hôn, Bạo lực gia đình và bạo lực trên cơ sở giới');
    expect(summary).toContain('Số người tham gia: 60 (nữ: 35, DTTS: 50)');
    await tap(button('✅ Xác nhận'));
    expect(await reports()).toHaveLength(2);
  });

  it('a quick report with a mistake asks only for what is wrong', async () => {
    const answers = await say(`/baocao ${todayText} sân khấu hóa; tảo hôn; 20 người, 30 nữ, 5 dtts; tại chợ`);
    expect(answers[0]).toContain('Số nữ không thể nhiều hơn');
    expect(answers[0]).toContain('Trong 20 người đó, có bao nhiêu nữ?');
    expect((await say('/huy'))[0]).toContain('Đã hủy báo cáo');
    expect(await reports()).toHaveLength(2);
  });

  it('/baocaocuatoi lists this quarter\'s reports; one is corrected and the audit log keeps before and after', async () => {
    const [list] = await say('/baocaocuatoi');
    expect(list).toContain(`Quý ${quarter.slice(5)}/${quarter.slice(0, 4)}: 2 buổi`);
    const [first] = await reports();
    await tap(button(new RegExp(`^Sửa #${first!.id} `)));
    await tap(button('Số người tham gia'));
    const [summary] = await say('48');
    expect(summary).toContain('Số người tham gia: 48 (nữ: 30, DTTS: 40)');
    expect((await tap(button('✅ Xác nhận')))[0]).toContain('Đã sửa báo cáo');
    const corrected = await h.store.prisma.sessionReport.findUniqueOrThrow({ where: { id: first!.id } });
    expect(corrected.participantsTotal).toBe(48);
    expect(await reports()).toHaveLength(2);
    const audit = await h.store.prisma.auditLog.findFirstOrThrow({ where: { action: 'report.correct', entityId: String(first!.id) } });
    expect(audit.actor).toBe(`sandbox:${leader.id}`);
    expect((audit.before as { participantsTotal: number }).participantsTotal).toBe(45);
    expect((audit.after as { participantsTotal: number }).participantsTotal).toBe(48);
  });

  it('the export shows exactly what was confirmed', async () => {
    const faq = shippedFaq();
    const rows = await exportRows(h.store.prisma, { quarter, formats: readFormats(defaultContentDir), topics: faq.knowledge.topics });
    const mine = rows.filter((r) => r.group === 'Tổ truyền thông bản Nà Hìn');
    expect(mine.map((r) => [r.heldOn, r.format, r.topics, r.participantsTotal, r.participantsWomen, r.participantsEthnicMinority, r.place])).toEqual([
      [formatDate(today), 'Lồng ghép họp thôn/bản', 'Tảo hôn', 48, 30, 40, "<b>Nhà văn hóa</b>'; DROP TABLE \"SessionReport\";--"],
      [formatDate(today), 'Lồng ghép họp thôn/bản', 'Tảo hôn; Bạo lực gia đình và bạo lực trên cơ sở giới', 60, 35, 50, 'san nha van hoa'],
    ]);
    expect(mine[0]!.areaPath).toBe('Tỉnh Sơn Cước (DEMO) › Xã Hoa Ban (DEMO) › Bản Nà Hìn');
    const csv = toCsv(translator('vi'), mine);
    expect(csv.split('\n')[0]).toBe('\uFEFFSố báo cáo,Tổ truyền thông,Địa bàn,Ngày tổ chức,Hình thức,Chủ đề,Tổng số người tham gia,Số nữ,Số người DTTS,Địa điểm,Ghi chú');
  });

  it('a half-filled report survives a restart, and expires after a day with a notice', async () => {
    await say('/baocao');
    await tap(button('Hôm nay'));
    // A new process: another channel and handler on the same database.
    const channel = new SandboxChannel();
    await channel.start(createInboundHandler({ ...chatDeps(), db: h.store.prisma, log: createLogger('silent', false), channel }));
    await channel.receive({ chatId: leaderChat.id, chatKind: 'private', sender: leader, text: 'truyền thông trực tiếp' });
    expect(channel.transcript(leaderChat.id).filter((m) => m.from === 'bot').at(-1)?.text).toContain('chủ đề nào');
    await channel.stop();

    await h.store.prisma.conversationState.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const notices: Array<[string, string, string]> = [];
    const told = await expireReportDrafts(h.store.prisma, async (platform, chatId, m) => (notices.push([platform, chatId, m.text]), { ok: true, messageIds: ['1'] }), new Date());
    expect(told).toBe(1);
    expect(notices).toEqual([['sandbox', leaderChat.id, expect.stringContaining('hết hạn sau một ngày')]]);
    expect(await h.store.prisma.conversationState.count()).toBe(0);
    // A button of the expired report, still on the screen.
    expect((await tap(button('Hủy')))[0]).toContain('đã xong hoặc đã hủy');
  });

  it('a note that tells of danger gets the safety reply, and the report still takes it: nothing typed is lost', async () => {
    await say('/baocao');
    await tap(button('Hôm nay'));
    await tap(button('Lồng ghép họp thôn/bản'));
    await tap(button('Tảo hôn'));
    await tap(button('Xong'));
    await say('20');
    await say('10');
    await say('5');
    expect((await say('nhà văn hóa'))[0]).toContain('ghi chú');
    const answers = await say('chị hàng xóm bị chồng đánh chảy máu đầu');
    expect(answers).toHaveLength(2);
    expect(answers[0]).toContain('Đừng tự lao vào');
    expect(answers[1]).toContain('Gửi ảnh');
    const state = await h.store.prisma.conversationState.findFirstOrThrow({ where: { userId: leader.id } });
    expect((state.data as { draft: { notes: string } }).draft.notes).toBe('chị hàng xóm bị chồng đánh chảy máu đầu');
    expect((await say('/huy'))[0]).toContain('Đã hủy báo cáo');
  });

  it('in the group chat a leader is sent to the private chat for the guided report', async () => {
    const [answer] = await h.say('/baocao', { id: 'group:demo-hoa-ban-na-hin', kind: 'group' }, leader);
    expect(answer).toContain('nhắn riêng');
    expect(h.channel.transcript(villagerChat.id).length).toBeGreaterThanOrEqual(0);
  });
});
