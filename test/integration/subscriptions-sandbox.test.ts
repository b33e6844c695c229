/**
 * Villagers in the sandbox: first contact says what is kept; joining by code, by link and by
 * choosing the village; stopping (a queued broadcast is then not sent), resuming, the language,
 * their data and deleting it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { broadcastProgress, expandBroadcast } from '../../src/features/delivery/broadcasts.ts';
import { joinCodeOf } from '../../src/features/subscriptions/join-codes.ts';
import { leader, leaderChat, sandboxHarness, type SandboxHarness, type Sender } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';

const newcomer: Sender = { id: 'newcomer-1', displayName: 'Vàng Thị Mai' };
const newcomerChat = { id: `private:${newcomer.id}`, kind: 'private' as const };

describe.each(backends)('villagers follow their village privately (%s)', (backend) => {
  let h: SandboxHarness;
  beforeEach(async () => {
    h = await sandboxHarness(backend);
  });
  afterEach(async () => h?.close());

  const say = (text: string) => h.say(text, newcomerChat, newcomer);
  const tap = (data: string) => h.tap(data, newcomerChat.id, newcomer);
  /** The button data offered in the bot's last message to the newcomer. */
  const lastButtons = () => {
    const last = h.channel.transcript(newcomerChat.id).filter((m) => m.from === 'bot').at(-1);
    return (last?.buttons ?? []).flat();
  };

  it('first contact says what is kept and stores nothing; joining by code stores the person and links the chat', async () => {
    const db = h.store.prisma;
    const [hello] = await say('xin chào');
    expect(hello).toContain('chỉ lưu');
    expect(hello).toContain('/dunglai');
    expect(await db.person.count({ where: { platformUserId: newcomer.id } })).toBe(0);

    const group = await db.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
    const code = await joinCodeOf(db, group.id);
    expect(await say(code.toLowerCase())).toEqual([expect.stringContaining(`Bạn đã tham gia ${group.name}`)]);
    expect(await say(code)).toEqual([expect.stringContaining('đã ở trong')]);
    const link = await db.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'sandbox', chatId: newcomerChat.id } } });
    expect(link).toMatchObject({ kind: 'private', groupId: group.id, subscribed: true, active: true });
    expect(await db.membership.count({ where: { person: { platformUserId: newcomer.id } } })).toBe(1);

    // A wrong code and a code that looks like nothing we make are told apart from questions.
    expect((await say('ABC234'))[0]).toContain('không đúng');
  });

  it('joins by the link payload (/start <code>) and by choosing province → commune → village', async () => {
    const db = h.store.prisma;
    const groups = await db.communicationGroup.findMany({ orderBy: { id: 'asc' }, include: { area: true } });
    const first = groups[0]!;
    expect((await say(`/start ${await joinCodeOf(db, first.id)}`))[0]).toContain(first.name);

    // Choosing: the menu item, then one tap per level down to the village of the last group.
    const target = groups.at(-1)!;
    const chain = target.area.path.split('/').filter(Boolean).map(Number);
    await tap('menu:join');
    const picker = h.channel.transcript(newcomerChat.id).length;
    for (const areaId of chain) {
      const data = lastButtons().map((b) => b.data);
      let page = data.find((d) => d === `join:a:${areaId}:0`);
      while (!page) {
        const more = lastButtons().find((b) => b.data.startsWith('join:') && b.label.includes('Xem thêm'));
        expect(more, `area ${areaId} reachable`).toBeDefined();
        await tap(more!.data);
        page = lastButtons().map((b) => b.data).find((d) => d === `join:a:${areaId}:0`);
      }
      await tap(page);
    }
    const said = h.channel.transcript(newcomerChat.id).filter((m) => m.from === 'bot').at(-1)!.text;
    expect(said).toContain(`Bạn đã rời ${first.name}`);
    expect(said).toContain(`Bạn đã tham gia ${target.name}`);
    // Each level changed the one picker in place; it ends as the answer.
    expect(h.channel.transcript(newcomerChat.id)).toHaveLength(picker);
    const memberships = await db.membership.findMany({ where: { person: { platformUserId: newcomer.id } } });
    expect(memberships.map((m) => m.groupId)).toEqual([target.id]);
  });

  it('stop skips what is queued for the person, keeps answering questions; resume turns it back on', async () => {
    const db = h.store.prisma;
    const group = await db.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
    await say(await joinCodeOf(db, group.id));
    const broadcast = await db.broadcast.create({ data: { text: 'Tin thử của tổ', audience: { groupIds: [group.id] }, scheduledFor: new Date() } });
    await expandBroadcast(db, broadcast.id, ['sandbox'], new Date());
    const link = await db.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'sandbox', chatId: newcomerChat.id } } });
    expect(await db.delivery.findUnique({ where: { broadcastId_chatLinkId: { broadcastId: broadcast.id, chatLinkId: link.id } } })).toMatchObject({ status: 'queued' });

    expect((await say('Dừng'))[0]).toContain('Đã dừng');
    expect(await db.delivery.findUnique({ where: { broadcastId_chatLinkId: { broadcastId: broadcast.id, chatLinkId: link.id } } })).toMatchObject({ status: 'skipped' });
    expect((await broadcastProgress(db, broadcast.id))!.skipped).toBe(1);
    expect((await say('/dunglai'))[0]).toContain('đã dừng nhận tin từ trước');
    // Questions are still answered.
    expect((await say('so dien thoai duong day nong'))[0]).toMatch(/\d{3}/);

    expect((await say('/tieptuc'))[0]).toContain('Đã bật lại');
    expect((await db.chatLink.findUniqueOrThrow({ where: { id: link.id } })).subscribed).toBe(true);
  });

  it('a stop from someone who never joined changes nothing; private matters in a group point to the private chat', async () => {
    expect((await say('stop'))[0]).toContain('chưa nhận tin');
    expect(await h.store.prisma.person.count({ where: { platformUserId: newcomer.id } })).toBe(0);
    const groupChat = { id: 'group:demo-hoa-ban-na-hin', kind: 'group' as const };
    expect((await h.say('/dulieucuatoi', groupChat, newcomer))[0]).toContain('nhắn riêng');
  });

  it('lists only languages with content, refuses one without, and keeps the choice', async () => {
    const [pick] = await say('/ngonngu');
    expect(pick).toContain('Tiếng Việt');
    expect(lastButtons().map((b) => b.data)).toEqual(['lang:vi']);
    expect((await say('/ngonngu hmn'))[0]).toContain('Chưa có nội dung');
    expect(await h.store.prisma.person.count({ where: { platformUserId: newcomer.id } })).toBe(0);
    expect((await tap('lang:vi'))[0]).toContain('Tiếng Việt');
    expect((await h.store.prisma.person.findFirstOrThrow({ where: { platformUserId: newcomer.id } })).language).toBe('vi');
  });

  it('shows what is kept, and deletes it after a confirm step; a leader\'s reports stay without the name', async () => {
    const db = h.store.prisma;
    const group = await db.communicationGroup.findFirstOrThrow({ orderBy: { id: 'asc' } });
    await say(await joinCodeOf(db, group.id));
    const [data] = await say('/dulieucuatoi');
    expect(data).toContain(newcomer.displayName);
    expect(data).toContain(group.name);
    expect(data).toContain('Đang nhận tin');

    expect((await say('/xoadulieu'))[0]).toContain('không hoàn tác');
    const asked = h.channel.transcript(newcomerChat.id).length;
    expect((await tap('mydata:keep'))[0]).toContain('Không xoá');
    // The question became its answer, without its buttons: it cannot be tapped again.
    expect(h.channel.transcript(newcomerChat.id)).toHaveLength(asked);
    expect(h.channel.transcript(newcomerChat.id).at(-1)?.buttons).toBeUndefined();
    expect(await db.person.count({ where: { platformUserId: newcomer.id } })).toBe(1);
    await say('/xoadulieu');
    expect((await tap('mydata:delete'))[0]).toContain('Đã xoá');
    expect(await db.person.count({ where: { platformUserId: newcomer.id } })).toBe(0);
    expect(await db.chatLink.count({ where: { chatId: newcomerChat.id } })).toBe(0);
    expect(await db.auditLog.count({ where: { actor: `sandbox:${newcomer.id}` } })).toBe(0);
    expect((await say('/dulieucuatoi'))[0]).toContain('không lưu gì');

    // The demo leader has a report; after deleting her data the report stays, attributed to no one.
    const leaderPerson = await db.person.findFirstOrThrow({ where: { platformUserId: leader.id } });
    const report = await db.sessionReport.create({
      data: {
        groupId: group.id, quarter: '2026Q4', heldOn: new Date('2026-11-20'), format: 'village-meeting', topics: [], participantsTotal: 10,
        participantsWomen: 6, participantsEthnicMinority: 9, place: 'nhà văn hoá', photos: [], source: 'chat', reportedById: leaderPerson.id, idempotencyKey: 'k-1',
      },
    });
    await h.say('/xoadulieu', leaderChat, leader);
    await h.tap('mydata:delete', leaderChat.id, leader);
    expect(await db.sessionReport.findUniqueOrThrow({ where: { id: report.id } })).toMatchObject({ reportedById: null, participantsTotal: 10 });
  });

  it('a leader sees the join code with /mathamgia and replaces it; the old code is told apart', async () => {
    const [shown] = await h.say('/mathamgia', leaderChat, leader);
    const old = /: ([A-Z2-9]{6})\n/.exec(shown!)![1]!;
    const [rotated] = await h.say('/mathamgia moi', leaderChat, leader);
    const fresh = /: ([A-Z2-9]{6})\n/.exec(rotated!)![1]!;
    expect(fresh).not.toBe(old);
    expect((await say(old))[0]).toContain('thay bằng mã mới');
    expect((await say(fresh))[0]).toContain('Bạn đã tham gia');
    expect((await say('/mathamgia'))[0]).toContain('Chỉ tổ trưởng');
  });
});
