/**
 * The template of a new embedded database (src/core/store/template.ts): made once by `npm install`,
 * unpacked by a first start instead of running initdb and the migrations — only while it holds
 * exactly the migrations on disk and the installed PGlite made it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir, schemaPath } from '../../src/core/paths.ts';
import { migrationChecksums } from '../../src/core/store/migration-files.ts';
import { writeTemplate } from '../../src/core/store/template.ts';
import { createFromTemplate, matchingTemplate, unpackApart, type TemplateFiles } from '../../src/core/store/template-image.ts';

const scratch = () => mkdtempSync(path.join(tmpdir(), 'loaban-template-'));
const migrationNames = readdirSync(migrationsDir).filter((n) => n !== 'migration_lock.toml').sort();

describe('the template of a new embedded database', () => {
  let files: TemplateFiles;

  beforeAll(async () => {
    const dir = scratch();
    files = { image: path.join(dir, 'db.tar.gz'), manifest: path.join(dir, 'db.json') };
    await writeTemplate(files, { schemaPath, migrationsDir });
  }, 120_000);

  it('holds every migration, and a database unpacked from it is migrated and opens', async () => {
    const template = matchingTemplate(files, migrationsDir);
    expect(template?.migrations).toEqual(migrationNames);
    const dbDir = path.join(scratch(), 'db');
    await createFromTemplate(dbDir, template!);
    expect(existsSync(`${dbDir}.new`)).toBe(false);
    const db = await PGlite.create(dbDir);
    try {
      const applied = await db.query<{ migration_name: string; checksum: string }>('SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name');
      expect(applied.rows.map((r) => ({ name: r.migration_name, checksum: r.checksum }))).toEqual(migrationChecksums(migrationsDir));
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM "Delivery"')).rows[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('is not taken when the migrations on disk changed: one more, or one edited', () => {
    const more = path.join(scratch(), 'migrations');
    cpSync(migrationsDir, more, { recursive: true });
    mkdirSync(path.join(more, '20991231000000_later'));
    writeFileSync(path.join(more, '20991231000000_later', 'migration.sql'), 'CREATE TABLE "Later" (id INT);\n');
    expect(matchingTemplate(files, more)).toBeNull();

    const edited = path.join(scratch(), 'migrations');
    cpSync(migrationsDir, edited, { recursive: true });
    const first = path.join(edited, migrationNames[0]!, 'migration.sql');
    writeFileSync(first, `${readFileSync(first, 'utf8')}\n-- edited\n`);
    expect(matchingTemplate(files, edited)).toBeNull();
  });

  it('is not taken when another PGlite made it, or when it is not whole', () => {
    const dir = scratch();
    const other: TemplateFiles = { image: path.join(dir, 'db.tar.gz'), manifest: path.join(dir, 'db.json') };
    cpSync(files.image, other.image);
    const manifest = JSON.parse(readFileSync(files.manifest, 'utf8')) as { pglite: string };
    writeFileSync(other.manifest, JSON.stringify({ ...manifest, pglite: '0.0.1' }));
    expect(matchingTemplate(other, migrationsDir)).toBeNull();

    rmSync(other.manifest);
    expect(matchingTemplate(other, migrationsDir)).toBeNull(); // the manifest is written last
    writeFileSync(other.manifest, readFileSync(files.manifest));
    rmSync(other.image);
    expect(matchingTemplate(other, migrationsDir)).toBeNull();
  });

  it('is unpacked only into an empty folder, and a half-unpacked one from before is replaced', async () => {
    const template = matchingTemplate(files, migrationsDir)!;
    const dataDir = scratch();
    const dbDir = path.join(dataDir, 'db');
    mkdirSync(dbDir);
    writeFileSync(path.join(dbDir, 'something'), 'x');
    await expect(createFromTemplate(dbDir, template)).rejects.toThrow(/not empty/);
    expect(readdirSync(dbDir)).toEqual(['something']);
    expect(existsSync(`${dbDir}.new`)).toBe(false);

    rmSync(dbDir, { recursive: true });
    mkdirSync(`${dbDir}.new`);
    writeFileSync(path.join(`${dbDir}.new`, 'PG_VERSION'), 'left by a start that was stopped');
    await createFromTemplate(dbDir, template);
    expect(readdirSync(dataDir)).toEqual(['db']);
    expect(readFileSync(path.join(dbDir, 'PG_VERSION'), 'utf8')).not.toContain('stopped');
  }, 60_000);
  it('is unpacked by a child process into files only their owner may read; a damaged image is refused and leaves nothing', async () => {
    const template = matchingTemplate(files, migrationsDir)!;
    const dbDir = path.join(scratch(), 'db');
    await unpackApart(dbDir, template);
    expect(statSync(dbDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dbDir, 'global', 'pg_control')).mode & 0o077).toBe(0);
    const db = await PGlite.create(dbDir);
    try {
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations')).rows[0]!.n).toBe(migrationNames.length);
    } finally {
      await db.close();
    }

    const cut = path.join(scratch(), 'cut.tar.gz');
    writeFileSync(cut, readFileSync(template.image).subarray(0, 100_000));
    const other = path.join(scratch(), 'db');
    await expect(unpackApart(other, { image: cut })).rejects.toThrow(/unexpected end of file/);
    expect(existsSync(other)).toBe(false);
    expect(existsSync(`${other}.new`)).toBe(false);
  }, 60_000);
});
