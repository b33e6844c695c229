/**
 * The move from the embedded database to PostgreSQL (core/store/move.ts), below the command line:
 * tables copied in many small chunks arrive whole — keys of any type, areas whose parent has a
 * larger id, values of every kind the schema uses — and a move that fails half-way, for whatever
 * reason, leaves the target as empty as it found it.
 */
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { MoveFailed, moveInto, type MoveProgress } from '../../src/core/store/move.ts';
import { readTarget, type Target } from '../../src/core/store/postgres-target.ts';
import { everyRow } from '../support/rows.ts';
import { backends, createEmptyPostgresDatabase } from '../support/stores.ts';

const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** A migrated embedded database in memory with rows that make a copy work: see the test names. */
async function source(): Promise<PGlite> {
  const db = await PGlite.create();
  open.push(db);
  await applyMigrations(new PrismaPGlite(db));
  await db.exec(`
    -- A province whose communes were made before it (smaller ids), then a long chain of villages.
    INSERT INTO "Area" (id, code, name, level, "parentId", path) VALUES (50, 'tinh', 'Tỉnh Sơn Cước', 'province', NULL, '/50/');
    INSERT INTO "Area" (id, code, name, level, "parentId", path) SELECT i, 'xa-' || i, 'Xã số ' || i, 'commune', 50, '/50/' || i || '/' FROM generate_series(1, 20) AS i;
    INSERT INTO "Area" (id, code, name, level, "parentId", path) VALUES (100, 'ban-100', 'Bản đầu', 'village', 1, '/50/1/100/');
    INSERT INTO "Area" (id, code, name, level, "parentId", path) SELECT i, 'ban-' || i, 'Bản "Nà" ' || i, 'village', i - 1, '/' FROM generate_series(101, 160) AS i;
    SELECT setval(pg_get_serial_sequence('"Area"', 'id'), 400);
    INSERT INTO "CommunicationGroup" (name, "areaId", "joinCode") SELECT 'Tổ ' || i, 100 + i, 'ma' || i FROM generate_series(0, 30) AS i;
    INSERT INTO "ChatLink" (platform, "chatId", kind, title, "groupId", "updatedAt")
      SELECT 'telegram', '-100' || i, 'group', E'Nhóm\\ttab\\nxuống dòng \\\\ ' || i, 1 + i % 31, '2026-11-30 10:00:00.123' FROM generate_series(1, 45) AS i;
    INSERT INTO "ContentItem" (id, kind, title, hash, body) SELECT 'tin-ố-' || i || '''a', 'message', 'Tiêu đề ' || i, md5(i::text), jsonb_build_object('text', 'Nội dung ' || i, 'n', i, 'list', jsonb_build_array(1.5, null, 'ố')) FROM generate_series(1, 17) AS i;
    INSERT INTO "Broadcast" (text, audience, "scheduledFor", status) VALUES ('Tin nhắn', '{}', '2026-12-01 01:00:00.5', 'queued');
    INSERT INTO "Delivery" ("broadcastId", "chatLinkId", platform, status, "updatedAt", "sentAt")
      SELECT 1, id, 'telegram', CASE WHEN id % 3 = 0 THEN 'sent' ELSE 'queued' END, now(), CASE WHEN id % 3 = 0 THEN '2026-12-01 01:02:03.456'::timestamp END FROM "ChatLink";
    INSERT INTO "SessionReport" ("groupId", quarter, "heldOn", format, topics, "participantsTotal", "participantsWomen", "participantsEthnicMinority", place, photos, source, "idempotencyKey", "updatedAt")
      VALUES (1, '2026Q4', '2026-10-05', 'meeting', '{child-marriage,"a b",NULL}', 40, 30, 35, 'Nhà văn hoá', '{}', 'test', 'k1', now());
    INSERT INTO "RateClock" (platform, "nextAtUs") VALUES ('zalo', 9007199254740993);
    INSERT INTO "RetiredJoinCode" (code, "groupId") SELECT 'cu' || i, 1 FROM generate_series(1, 9) AS i;
  `);
  return db;
}

async function emptyTarget(): Promise<{ target: Target; query: (sql: string) => Promise<Array<Record<string, unknown>>> }> {
  const database = await createEmptyPostgresDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  open.push({ close: () => database.drop() });
  open.push({ close: () => client.end() });
  return { target: readTarget(database.url), query: async (sql) => (await client.query(sql)).rows };
}

/** The migrations applied in this process (the command line applies them in a child process). */
const migrate = (target: Target) => applyMigrations(new PrismaPg({ connectionString: target.url }));

const relations = async (query: (sql: string) => Promise<Array<Record<string, unknown>>>) =>
  (await query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`)).map((r) => r.relname);

describe.runIf(backends.includes('postgres'))('moving the embedded database to PostgreSQL', () => {
  it('tables copied seven rows at a time arrive whole: areas whose parent has a larger id, text keys, JSON, arrays, dates, big numbers', async () => {
    const from = await source();
    const { target, query } = await emptyTarget();
    const progress: MoveProgress[] = [];
    const moved = await moveInto(from, target, { chunkRows: 7, migrate, onProgress: (p) => progress.push(p) });

    expect(await everyRow(query)).toEqual(await everyRow(async (sql) => (await from.query<Record<string, unknown>>(sql)).rows));
    expect(moved.tables.find((t) => t.table === 'Area')?.rows).toBe(82);
    expect(moved.tables.find((t) => t.table === 'ContentItem')?.rows).toBe(17);
    // A long table says how far it got on the way.
    expect(progress.filter((p) => p.step === 'table' && p.table === 'Area' && !p.done).map((p) => (p as { rows: number }).rows)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77]);
    // Areas before groups before chats before the outbox.
    const order = moved.tables.map((t) => t.table);
    expect(order.indexOf('Area')).toBeLessThan(order.indexOf('CommunicationGroup'));
    expect(order.indexOf('ChatLink')).toBeLessThan(order.indexOf('Delivery'));
    // The parent key set aside for the copy is back, and checked.
    expect(await query(`SELECT convalidated FROM pg_constraint WHERE conname = 'Area_parentId_fkey'`)).toEqual([{ convalidated: true }]);
    // The sequence went as far as the embedded one had (400), past the largest id (160).
    expect(await query(`SELECT nextval(pg_get_serial_sequence('"Area"', 'id'))::int AS next`)).toEqual([{ next: 401 }]);
    expect(await query(`SELECT nextval(pg_get_serial_sequence('"Delivery"', 'id'))::int AS next`)).toEqual([{ next: 46 }]);
  }, 120_000);

  it.each([
    [
      'a row the target refuses half-way (two areas with one code, in a damaged embedded database)',
      async (db: PGlite) => void (await db.exec(`DROP INDEX "Area_code_key"; UPDATE "Area" SET code = 'tinh' WHERE id = 120`)),
      { key: 'copy', table: 'Area', reason: /duplicate key/ },
    ],
    ['a table the migrations do not make', async (db: PGlite) => void (await db.exec(`CREATE TABLE "Scratch" (id serial PRIMARY KEY)`)), { key: 'missingTable', table: 'Scratch' }],
    ['a column the migrations do not make', async (db: PGlite) => void (await db.exec(`ALTER TABLE "Person" ADD COLUMN nickname text`)), { key: 'missingColumns', table: 'Person' }],
  ])('%s: the move fails naming it, and the target is left empty for another go', async (_what, damage, expected) => {
    const from = await source();
    await damage(from);
    const { target, query } = await emptyTarget();
    const failure = await moveInto(from, target, { chunkRows: 7, migrate }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MoveFailed);
    const { key, params, leftBehind } = failure as MoveFailed;
    expect(key).toBe(expected.key);
    expect(params.table).toBe(expected.table);
    if ('reason' in expected) expect(String(params.reason)).toMatch(expected.reason);
    expect(leftBehind).toBeNull();
    expect(await relations(query)).toEqual([]);
  }, 120_000);

  it('a move stopped half-way (the connection lost, the process interrupted) leaves the target empty too', async () => {
    const from = await source();
    const { target, query } = await emptyTarget();
    let tables = 0;
    const stopHalfWay = (p: MoveProgress) => {
      if (p.step === 'table' && p.done && ++tables === 5) throw new Error('interrupted');
    };
    const failure = (await moveInto(from, target, { chunkRows: 7, migrate, onProgress: stopHalfWay }).catch((error: unknown) => error)) as MoveFailed;
    expect(failure.key).toBe('other');
    expect(failure.params.reason).toBe('interrupted');
    expect(await relations(query)).toEqual([]);
    // And it can be run again, to the end.
    await moveInto(from, target, { migrate });
    expect(await everyRow(query)).toEqual(await everyRow(async (sql) => (await from.query<Record<string, unknown>>(sql)).rows));
  }, 120_000);
});
