/**
 * The operator's side of villagers following their village: `loaban joincode` shows a group's
 * join code (the same each time) and replaces it; `loaban groups` lists each group's code and
 * how many villagers follow it privately, per group and per area, on both databases.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/core/store/store.ts';
import { joinGroup, stopBroadcasts, type Who } from '../../src/features/subscriptions/subscribers.ts';
import { runCli } from '../support/cli.ts';
import { backends, createPostgresDatabase } from '../support/stores.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-sub-'));
const lastLine = (text: string) => text.trim().split('\n').at(-1)!;
/** A join code: 6 characters without look-alikes, at least two of them digits. */
const joinCode = /^(?=(?:.*[2-9]){2})[A-HJ-NP-Z2-9]{6}$/;

interface GroupRow {
  id: number;
  name: string;
  joinCode: string | null;
  subscribers: number;
}
interface AreaRow {
  id: number;
  name: string;
  level: string;
  depth: number;
  groups: number;
  subscribers: number;
}

describe.each(backends)('loaban joincode and groups (%s)', (backend) => {
  it('shows a group\'s join code, the same again, a new one with --rotate; lists codes and followers per group and per area', async () => {
    const database = backend === 'postgres' ? await createPostgresDatabase() : null;
    const dataDir = tempDir();
    const env: Record<string, string> = { LOG_LEVEL: 'warn', ...(database ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }) };
    const withStore = async (work: (store: Store) => Promise<void>) => {
      const store = await openStore({ databaseUrl: database?.url ?? null, dataDir, language: 'vi' });
      try {
        await work(store);
      } finally {
        await store.close();
      }
    };
    try {
      expect((await runCli(['demo', 'seed'], env)).code).toBe(0);

      const shown = await runCli(['joincode', '--group', 'Nà Hìn'], env);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(/^Mã tham gia của Tổ truyền thông bản Nà Hìn \(số 1\): /);
      const code = lastLine(shown.stdout);
      expect(code).toMatch(joinCode);
      expect(lastLine((await runCli(['joincode', '--group', 'to truyen thong ban na hin'], env)).stdout)).toBe(code);

      const rotated = await runCli(['joincode', '--group', '1', '--rotate'], env);
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toMatch(/^Đã thay mã tham gia của Tổ truyền thông bản Nà Hìn \(số 1\)\. Mã cũ không dùng được nữa\. Mã mới:\n/);
      const fresh = lastLine(rotated.stdout);
      expect(fresh).toMatch(joinCode);
      expect(fresh).not.toBe(code);

      const unknown = await runCli(['joincode', '--group', 'Bản Không Có'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stdout).toBe('');
      expect(unknown.stderr.trim()).toBe('Không có tổ truyền thông nào tên hoặc số «Bản Không Có». Xem danh sách: loaban groups');

      await withStore(async ({ prisma: db }) => {
        // The old code is remembered, so a villager who sends it hears it was replaced.
        expect(await db.retiredJoinCode.findUnique({ where: { code } })).toMatchObject({ groupId: 1 });
        expect(await db.auditLog.count({ where: { action: 'joincode.rotate', actor: 'cli', entityId: '1' } })).toBe(1);

        // Villagers follow privately, as the chat would record it: two more in Nà Hìn, one who
        // moved from Nà Hìn to Tà Làng, and one in Co Mị who stopped. Each demo village has one already.
        const groupId = async (name: string) => (await db.communicationGroup.findFirstOrThrow({ where: { name } })).id;
        const villager = (platform: string, id: string): Who => ({ platform, userId: id, displayName: id, chatId: id });
        await joinGroup(db, villager('telegram', '5001'), await groupId('Tổ truyền thông bản Nà Hìn'));
        await joinGroup(db, villager('zalo', 'z-5002'), await groupId('Tổ truyền thông bản Nà Hìn'));
        await joinGroup(db, villager('zalo', 'z-5003'), await groupId('Tổ truyền thông bản Nà Hìn'));
        await joinGroup(db, villager('zalo', 'z-5003'), await groupId('Tổ truyền thông bản Tà Làng'));
        await joinGroup(db, villager('telegram', '5004'), await groupId('Tổ truyền thông bản Co Mị'));
        expect(await stopBroadcasts(db, villager('telegram', '5004'))).toBe('stopped');
      });

      const listed = await runCli(['groups', '--json'], env);
      expect(listed.code).toBe(0);
      const groups = JSON.parse(listed.stdout) as GroupRow[];
      expect(groups).toHaveLength(12);
      const byName = new Map(groups.map((g) => [g.name, g]));
      // The group lists the new code; groups whose code nobody asked for have none yet.
      expect(byName.get('Tổ truyền thông bản Nà Hìn')).toMatchObject({ joinCode: fresh, subscribers: 3 });
      expect(byName.get('Tổ truyền thông bản Tà Làng')).toMatchObject({ joinCode: null, subscribers: 2 });
      expect(byName.get('Tổ truyền thông bản Co Mị')).toMatchObject({ joinCode: null, subscribers: 1 });
      for (const g of groups) {
        expect(Object.keys(g), g.name).toEqual(expect.arrayContaining(['joinCode', 'subscribers']));
        if (!['Tổ truyền thông bản Nà Hìn', 'Tổ truyền thông bản Tà Làng'].includes(g.name)) expect(g.subscribers, g.name).toBe(1);
      }
      const total = groups.reduce((n, g) => n + g.subscribers, 0);
      expect(total).toBe(15);

      const perArea = await runCli(['groups', '--by-area', '--json'], env);
      expect(perArea.code).toBe(0);
      const areas = JSON.parse(perArea.stdout) as AreaRow[];
      // Where each area and group sits in the tree, from the database.
      let paths = new Map<number, string>();
      let groupPaths = new Map<number, string>();
      await withStore(async ({ prisma: db }) => {
        paths = new Map((await db.area.findMany({ select: { id: true, path: true } })).map((a) => [a.id, a.path]));
        groupPaths = new Map((await db.communicationGroup.findMany({ select: { id: true, area: { select: { path: true } } } })).map((g) => [g.id, g.area.path]));
      });
      expect(areas).toHaveLength(paths.size);
      for (const area of areas) {
        const under = groups.filter((g) => groupPaths.get(g.id)!.startsWith(paths.get(area.id)!));
        expect(area, area.name).toMatchObject({ groups: under.length, subscribers: under.reduce((n, g) => n + g.subscribers, 0) });
        // An area's count is the sum of its children's.
        const children = areas.filter((c) => c.depth === area.depth + 1 && paths.get(c.id)!.startsWith(paths.get(area.id)!));
        if (children.length > 0) expect(children.reduce((n, c) => n + c.subscribers, 0), area.name).toBe(area.subscribers);
      }
      const named = (name: string) => areas.find((a) => a.name === name)!;
      expect(named('Tỉnh Sơn Cước (DEMO)')).toMatchObject({ depth: 0, groups: 12, subscribers: total });
      expect(named('Xã Hoa Ban (DEMO)')).toMatchObject({ depth: 1, groups: 4, subscribers: 6 });
      expect(named('Xã Suối Mây (DEMO)')).toMatchObject({ depth: 1, groups: 4, subscribers: 5 });
      expect(named('Xã Nà Sang (DEMO)')).toMatchObject({ depth: 1, groups: 4, subscribers: 4 });
      expect(named('Bản Nà Hìn')).toMatchObject({ level: 'village', depth: 2, groups: 1, subscribers: 3 });
    } finally {
      await database?.drop();
    }
  }, 300_000);
});
