/**
 * An update's arrival in one statement (src/core/store/arrival.ts): the claim follows once.ts's
 * rule — a new update is claimed, a handled one is not, one whose handling failed is claimed again
 * on its re-send, and of two arrivals at once only one claims it — and the sender and their flow in
 * the chat are read as the conversation left them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrive } from '../../src/core/store/arrival.ts';
import { recordUpdateFailure } from '../../src/core/store/once.ts';
import { createArea } from '../../src/features/groups/areas.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { backends, freshStore } from '../support/stores.ts';

describe.each(backends)('an update arrives (%s)', (backend) => {
  let store: Store;
  let db: Db;
  let next = 0;
  const key = () => ({ platform: 'telegram', updateId: String(++next) });
  const chat = { chatId: '-1001', userId: '42', chatKind: 'group' };

  beforeAll(async () => {
    store = await freshStore(backend);
    db = store.prisma;
  });
  afterAll(() => store.close());

  it('claims a new update once: its re-send is not claimed, nor a second arrival at the same moment', async () => {
    const first = key();
    expect((await arrive(db, first, chat)).claimed).toBe(true);
    expect((await arrive(db, first, chat)).claimed).toBe(false);
    const raced = key();
    const both = await Promise.all([arrive(db, raced, chat), arrive(db, raced, chat), arrive(db, raced, chat)]);
    expect(both.filter((a) => a.claimed)).toHaveLength(1);
    expect(await db.processedUpdate.count({ where: { updateId: { in: [first.updateId, raced.updateId] } } })).toBe(2);
  });

  it('dates the claim as the rest of the app does (UTC, whatever the server\'s time zone), for housekeeping to forget it in time', async () => {
    const before = Date.now();
    const dated = key();
    // A server in Vietnam's time zone (initdb takes the machine's): only for this transaction.
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL timezone = 'Asia/Ho_Chi_Minh'`;
      await arrive(tx as unknown as Db, dated, chat);
    });
    const row = await db.processedUpdate.findUniqueOrThrow({ where: { platform_updateId: dated } });
    expect(row.processedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.processedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('claims nothing when the statement fails: the platform sends the update again', async () => {
    const before = await db.processedUpdate.count();
    await expect(arrive(db, { platform: 'telegram', updateId: 'bad\u0000id' }, chat)).rejects.toThrow();
    expect(await db.processedUpdate.count()).toBe(before);
  });

  it('claims again an update whose handling failed, until it is acknowledged and left', async () => {
    const failing = key();
    expect((await arrive(db, failing, chat)).claimed).toBe(true);
    await recordUpdateFailure(db, failing, 2);
    expect((await arrive(db, failing, chat)).claimed).toBe(true);
    expect((await arrive(db, failing, chat)).claimed).toBe(false); // being handled
    await recordUpdateFailure(db, failing, 2); // the second failure: acknowledged
    expect((await arrive(db, failing, chat)).claimed).toBe(false);
  });

  it('reads who wrote (unknown, known, leading a group) and their open flow in this chat only', async () => {
    expect(await arrive(db, key(), chat)).toEqual({ claimed: true, person: null, flow: null, places: [] });

    const person = await db.person.create({ data: { platform: 'telegram', platformUserId: '42', displayName: 'Lò Thị Mai', language: 'vi' } });
    expect((await arrive(db, key(), chat)).person).toEqual({ id: person.id, language: 'vi', leads: false });
    // Someone else with the same user id on another platform is not them.
    expect((await arrive(db, { platform: 'zalo', updateId: 'z1' }, chat)).person).toBeNull();

    const area = await db.area.create({ data: { code: 'x', name: 'Bản Nà Hìn', level: 'village', path: '/x/' } });
    const group = await db.communicationGroup.create({ data: { name: 'Tổ truyền thông bản Nà Hìn', areaId: area.id } });
    await db.membership.create({ data: { personId: person.id, groupId: group.id, role: 'member' } });
    expect((await arrive(db, key(), chat)).person?.leads).toBe(false);
    await db.membership.updateMany({ where: { personId: person.id }, data: { role: 'deputy' } });
    expect((await arrive(db, key(), chat)).person?.leads).toBe(true);

    const expiresAt = new Date('2026-12-04T10:00:00.123Z');
    const data = { draftId: 'ab12', draft: { topic: 'tảo hôn', attendance: 45 } };
    const row = await db.conversationState.create({ data: { platform: 'telegram', chatId: chat.chatId, userId: chat.userId, flow: 'report', step: 'attendance', data, expiresAt } });
    expect((await arrive(db, key(), chat)).flow).toEqual({ id: row.id, flow: 'report', step: 'attendance', data, expiresAt });
    expect((await arrive(db, key(), { ...chat, chatId: '42', chatKind: 'private' })).flow).toBeNull(); // the private chat has none
  });

  it('reads where the sender lives, nearest first: a group chat\'s village, else in private the village of their first group; none when unknown', async () => {
    const userId = '77';
    const province = await createArea(db, { code: 'p77', name: 'Tỉnh Lai Châu', level: 'province', parentId: null });
    const commune = await createArea(db, { code: 'c77', name: 'Xã Mường Tè', level: 'commune', parentId: province.id });
    const village = await createArea(db, { code: 'v77', name: 'Bản Nà Hìn', level: 'village', parentId: commune.id });
    const other = await createArea(db, { code: 'w77', name: 'Bản Pa Vệ Sủ', level: 'village', parentId: commune.id });
    const names = async (who: { chatId: string; chatKind: string }) => (await arrive(db, key(), { ...who, userId })).places.map((p) => p.name);

    // Never met, in a chat no group holds: nothing known.
    expect(await names({ chatId: userId, chatKind: 'private' })).toEqual([]);
    const person = await db.person.create({ data: { platform: 'telegram', platformUserId: userId, displayName: 'Giàng Thị Dợ', language: 'vi' } });
    const first = await db.communicationGroup.create({ data: { name: 'Tổ bản Nà Hìn', areaId: village.id } });
    const second = await db.communicationGroup.create({ data: { name: 'Tổ bản Pa Vệ Sủ', areaId: other.id } });
    await db.membership.create({ data: { personId: person.id, groupId: first.id, role: 'member' } });
    await db.membership.create({ data: { personId: person.id, groupId: second.id, role: 'member' } });
    expect(await names({ chatId: userId, chatKind: 'private' })).toEqual(['Bản Nà Hìn', 'Xã Mường Tè', 'Tỉnh Lai Châu']);
    expect((await arrive(db, key(), { chatId: userId, chatKind: 'private', userId })).places[0]).toEqual({ id: village.id, code: 'v77', name: 'Bản Nà Hìn' });
    // In a group chat, the group's area, whoever writes; a group chat no group holds is not the person's home.
    await db.chatLink.create({ data: { platform: 'telegram', chatId: '-1077', kind: 'group', groupId: second.id } });
    expect(await names({ chatId: '-1077', chatKind: 'group' })).toEqual(['Bản Pa Vệ Sủ', 'Xã Mường Tè', 'Tỉnh Lai Châu']);
    expect(await names({ chatId: '-1078', chatKind: 'group' })).toEqual([]);
    // An area whose path was damaged (not ids): the message is still read, with that area alone.
    await db.area.update({ where: { id: other.id }, data: { path: '/Pa Vệ Sủ/' } });
    expect(await names({ chatId: '-1077', chatKind: 'group' })).toEqual(['Bản Pa Vệ Sủ']);
  });
});
