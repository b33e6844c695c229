import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsDir, schemaPath } from '../../src/core/paths.ts';
import { loadConfig } from '../../src/core/config.ts';
import { translator } from '../../src/core/i18n.ts';
import { createLogger } from '../../src/core/log.ts';
import { StoreError } from '../../src/core/store/errors.ts';
import { applyMigrations, migrateApart, migrationsUpToDate, openMigratedStore, pendingSchemaChange, writeNewMigration } from '../../src/core/store/migrations.ts';
import { openMemoryStore, openStore } from '../../src/core/store/store.ts';

describe('migrations', () => {
  it('prisma/schema.prisma and prisma/migrations agree (run `loaban migrate new <name>` when this fails)', async () => {
    // Applies every migration to a fresh database, then diffs: slow on a busy machine.
    expect(await pendingSchemaChange()).toBe('');
  }, 120_000);

  it('a schema change becomes the next migration, which applies on top of the others', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-mig-'));
    const paths = { schemaPath: path.join(dir, 'schema.prisma'), migrationsDir: path.join(dir, 'migrations') };
    cpSync(migrationsDir, paths.migrationsDir, { recursive: true });
    writeFileSync(paths.schemaPath, `${readFileSync(schemaPath, 'utf8')}\nmodel Note {\n  id   Int    @id @default(autoincrement())\n  text String\n}\n`);

    const folder = await writeNewMigration('add_notes', paths, new Date('2030-01-02T03:04:05Z'));
    expect(path.basename(folder!)).toBe('20300102030405_add_notes');
    expect(readFileSync(path.join(folder!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Note"');
    expect(await writeNewMigration('again', paths)).toBeNull();

    const store = await openMemoryStore();
    try {
      const applied = await applyMigrations(store.adapterFactory, paths);
      expect(applied).toEqual(readdirSync(paths.migrationsDir).filter((n) => n !== 'migration_lock.toml').sort());
      expect(await applyMigrations(store.adapterFactory, paths)).toEqual([]);
      const rows = await store.prisma.$queryRawUnsafe<{ n: bigint }[]>('select count(*) as n from "Note"');
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await store.close();
    }
    // The WASM schema engine diffs and applies twice here: slow on a busy machine.
  }, 120_000);

  it('a database with every migration applied as it is on disk starts without the schema engine; anything else goes to it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-mig-'));
    cpSync(migrationsDir, dir, { recursive: true });
    const store = await openMemoryStore();
    try {
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(false); // a new database
      await applyMigrations(store.adapterFactory, { schemaPath, migrationsDir: dir });
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(true);
      // A migration changed on disk after it was applied: its checksum differs.
      const [first] = readdirSync(dir).filter((n) => n !== 'migration_lock.toml').sort();
      const file = path.join(dir, first!, 'migration.sql');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited\n`);
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(false);
      writeFileSync(file, readFileSync(path.join(migrationsDir, first!, 'migration.sql')));
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(true);
      // A new migration on disk is pending.
      mkdirSync(path.join(dir, '20300101000000_next'));
      writeFileSync(path.join(dir, '20300101000000_next', 'migration.sql'), 'SELECT 1;\n');
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(false);
      rmSync(path.join(dir, '20300101000000_next'), { recursive: true });
      // A migration left half-done (failed) is the engine's to report.
      await store.prisma.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${first}'`);
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(false);
      // The engine refuses to go on; the first line (all an operator is shown) names it.
      await expect(applyMigrations(store.adapterFactory, { schemaPath, migrationsDir: dir })).rejects.toThrow(new RegExp(`^${first}: failed at an earlier start`));
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a migration that fails on the embedded database is an error naming it, leaves nothing of its own, and runs again once mended', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-mig-'));
    cpSync(migrationsDir, dir, { recursive: true });
    mkdirSync(path.join(dir, '20300101000000_broken'));
    writeFileSync(path.join(dir, '20300101000000_broken', 'migration.sql'), 'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT * FROM "NoSuchTable";\n');
    const store = await openMemoryStore();
    try {
      await expect(applyMigrations(store.adapterFactory, { schemaPath, migrationsDir: dir })).rejects.toThrow(/^20300101000000_broken: .*NoSuchTable/);
      const [broken] = await store.prisma.$queryRawUnsafe<{ table: string | null }[]>(`SELECT to_regclass('"Broken"')::text AS "table"`);
      expect(broken!.table).toBeNull();
      const recorded = await store.prisma.$queryRawUnsafe<{ finished: Date | null; rolledBack: Date | null }[]>(
        `SELECT finished_at AS finished, rolled_back_at AS "rolledBack" FROM _prisma_migrations WHERE migration_name = '20300101000000_broken'`,
      );
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.finished).toBeNull();
      // Marked rolled back: the next start runs it again instead of refusing every start.
      expect(recorded[0]!.rolledBack).toBeInstanceOf(Date);
      expect(await migrationsUpToDate(store.prisma, dir)).toBe(false);
      writeFileSync(path.join(dir, '20300101000000_broken', 'migration.sql'), 'CREATE TABLE "Broken" ("id" INTEGER);\n');
      expect(await applyMigrations(store.adapterFactory, { schemaPath, migrationsDir: dir })).toEqual(['20300101000000_broken']);
      const [mended] = await store.prisma.$queryRawUnsafe<{ table: string | null }[]>(`SELECT to_regclass('"Broken"')::text AS "table"`);
      expect(mended!.table).toBe('"Broken"');
    } finally {
      await store.close();
    }
  }, 120_000);

  it('migrates in a child process while this process lends it the embedded database, then uses it again', async () => {
    const store = await openStore({ databaseUrl: null, dataDir: mkdtempSync(path.join(tmpdir(), 'loaban-lend-')) });
    try {
      // An existing database, which the child migrates (the template is only for new ones, unpacked by the start).
      const { applied } = await store.lendTo!(migrateApart);
      expect(applied).toEqual(readdirSync(migrationsDir).filter((n) => n !== 'migration_lock.toml').sort());
      expect(await migrationsUpToDate(store.prisma)).toBe(true);
      expect(await store.prisma.area.count()).toBe(0); // the client given back works
      expect((await store.lendTo!(migrateApart)).applied).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a start that finds a migration left failed by an earlier version says so in the operator\'s language, naming it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'loaban-failed-'));
    const config = loadConfig({ DATA_DIR: dataDir, OPERATOR_LANG: 'vi' });
    const log = createLogger('silent', false);
    const { store } = await openMigratedStore(config, log);
    const [first] = readdirSync(migrationsDir).filter((n) => n !== 'migration_lock.toml').sort();
    try {
      await store.prisma.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${first}'`);
    } finally {
      await store.close();
    }
    const refused = await openMigratedStore(config, log).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(refused).toBeInstanceOf(StoreError);
    expect(refused!.message).toBe(translator('vi')('ops:store.migrationFailed', { reason: translator('vi')('ops:store.migrationMarkedFailed', { migration: first }) }));
    expect(refused!.message).toContain(first);
    expect(refused!.message).not.toMatch(/failed at an earlier start/);
  }, 120_000);

  it('refuses a migration name that is not lower-case letters, digits and underscores', async () => {
    await expect(writeNewMigration('Add Notes')).rejects.toThrow();
  });
});
