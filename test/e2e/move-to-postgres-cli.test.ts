/**
 * `loaban move-to-postgres --to postgresql://…`: the embedded database — the demo, villagers on
 * Telegram, a report, a schedule and a broadcast half sent — moves row for row into an empty
 * PostgreSQL database, and the bot started on it finishes the broadcast without sending anything
 * twice. Every mistake (a wrong address, a server that does not answer, a database with tables,
 * the bot still running, PostgreSQL already in use) gets one line and nothing is written anywhere.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { migrationsDir } from '../../src/core/paths.ts';
import { openEmbedded, openStore, type Db } from '../../src/core/store/store.ts';
import { expandBroadcast } from '../../src/features/delivery/broadcasts.ts';
import { claimDue, markAccepted, markStarting } from '../../src/features/delivery/outbox.ts';
import { startFakeTelegram } from '../fakes/telegram-fake.ts';
import { runCli, startCli } from '../support/cli.ts';
import { everyRow } from '../support/rows.ts';
import { backends, createEmptyPostgresDatabase } from '../support/stores.ts';
import { until } from '../support/wait.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-move-'));
const adminUrl = inject('postgresAdminUrl');

/** The text of the broadcast that is half sent when the move starts. */
const broadcastText = 'Mời bà con dự buổi truyền thông về phòng chống tảo hôn lúc 19 giờ thứ Bảy tại nhà văn hoá bản.';

/** Every row of the embedded database in `dataDir`, read with no bot running. */
async function embeddedRows(dataDir: string): Promise<Record<string, string[]>> {
  const pglite = await openEmbedded(path.join(dataDir, 'db'));
  try {
    return await everyRow(async (sql) => (await pglite.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await pglite.close();
  }
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The main tables as the app reads them (dates, JSON, arrays), to compare source and target. */
async function mainTables(db: Db) {
  const byId = { orderBy: { id: 'asc' as const } };
  return {
    areas: await db.area.findMany(byId),
    groups: await db.communicationGroup.findMany(byId),
    people: await db.person.findMany(byId),
    chatLinks: await db.chatLink.findMany(byId),
    reports: await db.sessionReport.findMany(byId),
    schedules: await db.schedule.findMany(byId),
    broadcasts: await db.broadcast.findMany(byId),
    deliveries: await db.delivery.findMany(byId),
  };
}

async function readMainTables(databaseUrl: string | null, dataDir: string) {
  const store = await openStore({ databaseUrl, dataDir, language: 'vi' });
  try {
    return await mainTables(store.prisma);
  } finally {
    await store.close();
  }
}

/** The relations in a database's public schema (none in an empty one). */
const relations = (url: string) =>
  withClient(url, async (c) => (await c.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1`)).rows.map((r) => r.relname));

/** Every file under `dir` with a hash of its bytes: to show a folder was not touched. */
function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = `${statSync(full).size}:${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
    }
  };
  walk(dir);
  return files;
}

/** A PostgreSQL role without superuser rights (as a hosted server gives), dropped by `drop`. */
async function plainRole(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `loaban_mover_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl!, (c) => c.query(`CREATE ROLE "${name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`));
  return { name, drop: () => withClient(adminUrl!, async (c) => void (await c.query(`DROP ROLE IF EXISTS "${name}"`))) };
}

const password = 'Bi-mat_9x7Q';

/** `url` with the role and a password put in (the local server trusts loopback: the password is there to be carried, not checked). */
function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
}

/**
 * A new embedded database as a commune would have it after a while: the demo (seeded by the first
 * `loaban start`, which also stores the campaign messages), a schedule, villagers following three
 * groups on Telegram with their group chats, a report, and a broadcast to all of them of which the
 * first chats have received their message (sent through the outbox's own steps) and the rest wait.
 */
async function communeInFullSwing(): Promise<{ dataDir: string; broadcastId: number; sentChats: string[]; waitingChats: string[] }> {
  const dataDir = tempDir();
  const first = await startCli({ DATA_DIR: dataDir });
  expect(await first.stop()).toBe(0);
  expect((await runCli(['schedule', 'add', '--text', 'Họp tổ truyền thông đầu tuần', '--cron', '0 8 * * 1'], { DATA_DIR: dataDir })).code).toBe(0);
  const store = await openStore({ databaseUrl: null, dataDir, language: 'vi' });
  try {
    const db = store.prisma;
    const groups = await db.communicationGroup.findMany({ orderBy: { id: 'asc' }, take: 3 });
    expect(groups).toHaveLength(3);
    for (const [g, group] of groups.entries()) {
      await db.chatLink.create({ data: { platform: 'telegram', chatId: `-100200${g}`, kind: 'group', title: `Nhóm ${group.name}`, groupId: group.id } });
      for (let v = 0; v < 8; v++) {
        const userId = `81${g}00${v}`;
        const person = await db.person.create({ data: { platform: 'telegram', platformUserId: userId, displayName: `Lò Thị Ánh ${g}-${v}`, language: v === 0 ? 'en' : 'vi' } });
        await db.membership.create({ data: { personId: person.id, groupId: group.id, role: 'member' } });
        await db.chatLink.create({ data: { platform: 'telegram', chatId: userId, kind: 'private', personId: person.id } });
      }
    }
    await db.sessionReport.create({
      data: {
        groupId: groups[0]!.id,
        quarter: '2026Q4',
        heldOn: new Date('2026-10-05'),
        format: 'village-meeting',
        topics: ['child-marriage', 'gender-violence'],
        participantsTotal: 42,
        participantsWomen: 30,
        participantsEthnicMinority: 40,
        place: 'Nhà văn hoá bản Nà Hìn, "sân sau"',
        notes: 'Bà con hỏi nhiều về\tthủ tục đăng ký kết hôn.\nCần thêm tờ rơi.',
        photos: ['https://example.org/ảnh 1.jpg', 'a,b'],
        source: 'telegram',
        idempotencyKey: 'move-1',
      },
    });
    await db.rateClock.create({ data: { platform: 'zalo', nextAtUs: 9_007_199_254_740_993n } });
    await db.auditLog.create({ data: { actor: 'test', action: 'group.rename', entity: 'CommunicationGroup', entityId: String(groups[0]!.id), before: { name: 'cũ' }, after: { name: 'mới', tags: [1, null, 'ố'] } } });

    const now = new Date();
    const { id } = await db.broadcast.create({ data: { text: broadcastText, audience: {}, scheduledFor: now } });
    const expanded = await expandBroadcast(db, id, ['telegram'], now);
    expect(expanded.queued).toBe(27);
    const claimed = await claimDue(db, 'telegram', 'old-host:1', 10, now);
    for (const delivery of claimed) {
      expect((await markStarting(db, [{ id: delivery.id, worker: 'old-host:1', now, needsSubscription: true }])).has(delivery.id)).toBe(true);
      await markAccepted(db, [{ id: delivery.id, now: new Date(), partsSent: 1, messageIds: [String(5000 + delivery.id)] }]);
    }
    const deliveries = await db.delivery.findMany({ where: { broadcastId: id }, select: { status: true, chatLink: { select: { chatId: true } } } });
    return {
      dataDir,
      broadcastId: id,
      sentChats: deliveries.filter((d) => d.status === 'sent').map((d) => d.chatLink.chatId),
      waitingChats: deliveries.filter((d) => d.status === 'queued').map((d) => d.chatLink.chatId),
    };
  } finally {
    await store.close();
  }
}

describe.runIf(backends.includes('postgres'))('loaban move-to-postgres', () => {
  it('moves the demo and a broadcast half sent into an empty database row for row; started there, the bot sends the rest once and nothing twice', async () => {
    const { dataDir, broadcastId, sentChats, waitingChats } = await communeInFullSwing();
    expect(sentChats).toHaveLength(10);
    expect(waitingChats).toHaveLength(17);
    const rowsBefore = await embeddedRows(dataDir);
    const mainBefore = await readMainTables(null, dataDir);
    // Every table holds something worth carrying, the self-referencing areas among them.
    for (const table of ['Area', 'CommunicationGroup', 'ChatLink', 'Person', 'Membership', 'AdminGrant', 'ContentItem', 'Schedule', 'Broadcast', 'Delivery', 'SessionReport', 'RateClock', 'AuditLog']) {
      expect(rowsBefore[table]?.length, table).toBeGreaterThan(0);
    }
    expect(mainBefore.areas.some((a) => a.parentId !== null)).toBe(true);

    const role = await plainRole();
    const database = await createEmptyPostgresDatabase(role.name);
    const target = asRole(database.url, role.name);
    try {
      const moved = await runCli(['move-to-postgres', '--to', target], { DATA_DIR: dataDir });
      expect(moved.stderr).toBe('');
      expect(moved.code).toBe(0);
      const lines = moved.stdout.split('\n');
      // A line per table with its rows, the line to set, and what to do next.
      for (const [table, rows] of Object.entries(rowsBefore)) expect(lines, table).toContain(`  ${table}: ${rows.length} dòng`);
      expect(lines).toContain(`DATABASE_URL=${target}`);
      expect(moved.stdout).toMatch(/số dòng của từng bảng khớp/);
      expect(moved.stdout).toContain('.env');
      // The password is printed once: in the line to set, nowhere else.
      expect(moved.stdout.split(password).length - 1).toBe(1);

      // Row for row, as PostgreSQL writes each row out, in every table; and as the app reads the main ones.
      const rowsMoved = await withClient(target, (c) => everyRow(async (sql) => (await c.query(sql)).rows));
      expect(rowsMoved).toEqual(rowsBefore);
      expect(await readMainTables(target, dataDir)).toEqual(mainBefore);
      // The schema came from the same migrations, recorded as `prisma migrate deploy` records them.
      const migrations = await withClient(target, async (c) => (await c.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`)).rows.map((r) => r.migration_name as string));
      expect(migrations).toEqual(readdirSync(migrationsDir).filter((n) => /^\d+_/.test(n)).sort());
      // The embedded folder is left as it was, a fallback.
      expect(await embeddedRows(dataDir)).toEqual(rowsBefore);

      // The bot started on PostgreSQL finishes the broadcast: the waiting chats get it once, the others nothing more.
      const telegram = await startFakeTelegram({ token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' });
      const app = await startCli({ DATABASE_URL: target, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, QUIET_HOURS: 'off' }, 90_000);
      try {
        const store = await openStore({ databaseUrl: target, dataDir: '', language: 'vi' });
        try {
          const db = store.prisma;
          await until(async () => (await db.delivery.count({ where: { broadcastId, status: { not: 'sent' } } })) === 0, 'every delivery of the broadcast sent', 60_000);
          const received = (chat: string) => telegram.sentTo(chat).filter((m) => m.text === broadcastText).length;
          for (const chat of waitingChats) expect(received(chat), chat).toBe(1);
          for (const chat of sentChats) expect(received(chat), chat).toBe(0);
          expect(telegram.sent.filter((m) => m.text === broadcastText)).toHaveLength(waitingChats.length);

          // New rows take new ids after the moved ones: every sequence was set past its table's rows.
          const area = await db.area.create({ data: { code: 'ban-moi', name: 'Bản Mới', level: 'village', parentId: mainBefore.areas[0]!.id, path: '/' } });
          expect(area.id).toBeGreaterThan(Math.max(...mainBefore.areas.map((a) => a.id)));
          const link = await db.chatLink.create({ data: { platform: 'telegram', chatId: '8199999', kind: 'private' } });
          expect(link.id).toBeGreaterThan(Math.max(...mainBefore.chatLinks.map((l) => l.id)));
          const behind = await withClient(target, async (c) => {
            const serial = await c.query<{ tbl: string; col: string; seq: string }>(
              `SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(format('%I', c.relname), a.attname) AS seq
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND pg_get_serial_sequence(format('%I', c.relname), a.attname) IS NOT NULL`,
            );
            const late: string[] = [];
            for (const { tbl, col, seq } of serial.rows) {
              const { rows } = await c.query(`SELECT (SELECT last_value FROM ${seq}) >= coalesce((SELECT max("${col}") FROM "${tbl}"), 0) AS ok`);
              if (!rows[0].ok) late.push(tbl);
            }
            return { count: serial.rowCount, late };
          });
          expect(behind.count).toBeGreaterThan(10);
          expect(behind.late).toEqual([]);
        } finally {
          await store.close();
        }
      } finally {
        expect(await app.stop()).toBe(0);
        await telegram.close();
      }
    } finally {
      await database.drop();
      await role.drop();
    }
  }, 300_000);

  it('a wrong address, a server that does not answer, a database with tables, the bot still running, PostgreSQL already in use: one line each, nothing written', async () => {
    const dataDir = tempDir();
    expect((await runCli(['demo', 'seed'], { DATA_DIR: dataDir })).code).toBe(0);
    const empty = await createEmptyPostgresDatabase();
    const withTables = await createEmptyPostgresDatabase();
    try {
      await withClient(withTables.url, (c) => c.query('CREATE TABLE notes (id int); CREATE TABLE "Area" (id int)'));
      const before = fingerprint(dataDir);
      const where = (url: string) => {
        const u = new URL(url);
        return `${u.hostname}:${u.port || 5432}${u.pathname}`;
      };
      const noDatabase = new URL(empty.url);
      noDatabase.pathname = '/';
      const cases: Array<[string, string[], Record<string, string>, string | RegExp]> = [
        ['not an address', ['--to', 'loaban trên máy chủ'], {}, '--to loaban trên máy chủ không phải địa chỉ PostgreSQL: hãy viết postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu. Không có gì được ghi.'],
        ['another database', ['--to', 'mysql://root:bí-mật@127.0.0.1:3306/loaban'], {}, '--to mysql://root:[hidden]@127.0.0.1:3306/loaban không phải địa chỉ PostgreSQL: hãy viết postgresql://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu. Không có gì được ghi.'],
        ['no database named', ['--to', noDatabase.toString()], {}, `--to ${noDatabase.toString()} không có tên cơ sở dữ liệu: thêm tên sau dấu / cuối cùng, ví dụ postgresql://người_dùng:mật_khẩu@máy_chủ:5432/loaban. Không có gì được ghi.`],
        ['a server that does not answer', ['--to', 'postgresql://loaban:bí-mật@127.0.0.1:1/loaban'], {}, /^Không kết nối được PostgreSQL tại 127\.0\.0\.1:1\/loaban: .*ECONNREFUSED.*\. Kiểm tra địa chỉ --to và máy chủ PostgreSQL\. Không có gì được ghi\.$/],
        ['a database that does not exist', ['--to', `${adminUrl!.replace(/\/[^/]*$/, '')}/loaban_not_there`], {}, /^Không kết nối được PostgreSQL tại 127\.0\.0\.1:5432\/loaban_not_there: .*does not exist.*Không có gì được ghi\.$/],
        ['a database with tables', ['--to', withTables.url], {}, `Cơ sở dữ liệu ${where(withTables.url)} không trống: schema public của nó có 2 bảng hoặc đối tượng khác (Area, notes). Chỉ chuyển vào một cơ sở dữ liệu trống mới tạo (CREATE DATABASE). Không có gì được ghi.`],
        ['already on PostgreSQL', ['--to', empty.url], { DATABASE_URL: empty.url }, 'Loa Bản đã dùng PostgreSQL (DATABASE_URL đã được đặt): không có gì để chuyển.'],
        ['in English', ['--to', 'ftp://example.org/x'], { OPERATOR_LANG: 'en' }, '--to ftp://example.org/x is not a PostgreSQL address: write it as postgresql://user:password@host:5432/database. Nothing was written.'],
      ];
      for (const [what, args, env, line] of cases) {
        const result = await runCli(['move-to-postgres', ...args], { DATA_DIR: dataDir, ...env });
        expect(result.stdout, what).toBe('');
        expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
        if (typeof line === 'string') expect(result.stderr.trim(), what).toBe(line);
        else expect(result.stderr.trim(), what).toMatch(line);
        expect(result.stderr, what).not.toContain('bí-mật');
        expect(result.code, what).toBe(1);
      }
      // A password given is never shown in a refusal.
      const withPassword = new URL(asRole(empty.url, 'postgres'));
      withPassword.pathname = '/';
      const refused = await runCli(['move-to-postgres', '--to', withPassword.toString()], { DATA_DIR: dataDir });
      expect(refused.stderr.trim()).toBe(`--to postgresql://postgres:[hidden]@${withPassword.host}/ không có tên cơ sở dữ liệu: thêm tên sau dấu / cuối cùng, ví dụ postgresql://người_dùng:mật_khẩu@máy_chủ:5432/loaban. Không có gì được ghi.`);

      // The embedded database in a folder that has none: nothing to move, and nothing made there.
      const nothing = path.join(tempDir(), 'no-data-here');
      const none = await runCli(['move-to-postgres', '--to', empty.url], { DATA_DIR: nothing });
      expect(none.stderr.trim()).toBe(`DATA_DIR ${nothing} không có cơ sở dữ liệu nhúng của Loa Bản để chuyển. Không có gì được ghi.`);
      expect(none.code).toBe(1);
      expect(existsSync(nothing)).toBe(false);

      expect(fingerprint(dataDir)).toEqual(before);

      // While the bot runs on DATA_DIR, rows written after the copy would be lost: stop it first.
      const bot = await startCli({ DATA_DIR: dataDir });
      try {
        const running = await runCli(['move-to-postgres', '--to', empty.url], { DATA_DIR: dataDir });
        expect(running.stderr.trim()).toBe(`Loa Bản đang chạy trên DATA_DIR ${dataDir}: hãy dừng nó trước rồi chạy lại lệnh này (những gì nó ghi sau khi chép sẽ bị mất). Không có gì được ghi.`);
        expect(running.code).toBe(1);
      } finally {
        expect(await bot.stop()).toBe(0);
      }

      expect(await relations(empty.url)).toEqual([]);
      expect(await relations(withTables.url)).toEqual(['Area', 'notes']);
    } finally {
      await empty.drop();
      await withTables.drop();
    }
  }, 240_000);
});
