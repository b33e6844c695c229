import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { areaPathNames, createArea, subtreeIds } from '../../src/features/groups/areas.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { backends, freshStore } from '../support/stores.ts';

describe.each(backends)('the store on %s', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(backend);
  });
  afterAll(() => store?.close());

  it('keeps an area tree of any depth and finds a subtree', async () => {
    const db = store.prisma;
    const province = await createArea(db, { code: 't-p', name: 'Tỉnh T', level: 'province', parentId: null });
    const district = await createArea(db, { code: 't-d', name: 'Huyện T', level: 'district', parentId: province.id });
    const commune = await createArea(db, { code: 't-c', name: 'Xã T', level: 'commune', parentId: district.id });
    const village = await createArea(db, { code: 't-v', name: 'Bản T', level: 'village', parentId: commune.id });
    const other = await createArea(db, { code: 't-c2', name: 'Xã khác', level: 'commune', parentId: province.id });
    expect((await subtreeIds(db, district.id)).sort()).toEqual([district.id, commune.id, village.id].sort());
    expect(await subtreeIds(db, province.id)).toHaveLength(5);
    expect(await subtreeIds(db, other.id)).toEqual([other.id]);
    expect(await areaPathNames(db, village.id)).toEqual(['Tỉnh T', 'Huyện T', 'Xã T', 'Bản T']);
  });

  it('holds one delivery per broadcast and chat, one processed update per platform and id, one report per idempotency key', async () => {
    const db = store.prisma;
    const area = await createArea(db, { code: 'u-v', name: 'Bản U', level: 'village', parentId: null });
    const group = await db.communicationGroup.create({ data: { name: 'Tổ U', areaId: area.id } });
    const chat = await db.chatLink.create({ data: { platform: 'telegram', chatId: '-100', kind: 'group', groupId: group.id } });
    const broadcast = await db.broadcast.create({ data: { audience: {}, scheduledFor: new Date() } });
    await db.delivery.create({ data: { broadcastId: broadcast.id, chatLinkId: chat.id, platform: 'telegram' } });
    await expect(db.delivery.create({ data: { broadcastId: broadcast.id, chatLinkId: chat.id, platform: 'telegram' } })).rejects.toThrow();

    await db.processedUpdate.create({ data: { platform: 'telegram', updateId: '42' } });
    await expect(db.processedUpdate.create({ data: { platform: 'telegram', updateId: '42' } })).rejects.toThrow();
    await db.processedUpdate.create({ data: { platform: 'zalo', updateId: '42' } });

    const report = {
      groupId: group.id, quarter: '2026Q4', heldOn: new Date('2026-11-20'), format: 'direct', topics: ['tảo hôn'],
      participantsTotal: 45, participantsWomen: 30, participantsEthnicMinority: 40, place: 'Nhà văn hóa', source: 'test', idempotencyKey: 'k1',
    };
    await db.sessionReport.create({ data: report });
    await expect(db.sessionReport.create({ data: report })).rejects.toThrow();
    expect(await db.sessionReport.count()).toBe(1);
    await expect(db.chatLink.create({ data: { platform: 'telegram', chatId: '-100', kind: 'group' } })).rejects.toThrow();
  });

  it('seeds the demo province once: a dozen groups with leaders, an admin, all marked as demo', async () => {
    const db = store.prisma;
    const demo = readDemoData(defaultContentDir);
    const first = await seedDemo(db, demo);
    expect(first.groups).toBeGreaterThanOrEqual(12);
    expect(first.admins).toBeGreaterThanOrEqual(1);
    expect(await seedDemo(db, demo)).toEqual({ areas: 0, groups: 0, admins: 0 });
    const groups = await db.communicationGroup.findMany({ where: { isDemo: true }, include: { memberships: true, chatLinks: true } });
    expect(groups).toHaveLength(first.groups);
    expect(groups.every((g) => g.memberships.some((m) => m.role === 'leader') && g.chatLinks.length === 1)).toBe(true);
    const province = await db.area.findUniqueOrThrow({ where: { code: 'demo' } });
    expect(province.name).toContain('DEMO');
  });
});
