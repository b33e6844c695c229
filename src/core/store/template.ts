/**
 * The template of a new embedded database, written by `npm install` (scripts/build.mjs) as
 * dist/embedded-database.tar.gz — a fresh database with every migration applied — so that a first
 * start unpacks it (template-image.ts) instead of running Postgres' initdb (5-6 s on a 2-core machine)
 * and the migrations. It is taken only when it holds exactly the migrations on disk (names and
 * checksums) and was made by the installed PGlite; otherwise the first start creates and migrates the
 * database as before.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { migrationsDir as defaultMigrationsDir, schemaPath as defaultSchemaPath } from '../paths.ts';
import { applyMigrations, type MigrationPaths } from './migrations.ts';
import { migrationChecksums } from './migration-files.ts';
import { defaultTemplate, pgliteVersion, type Manifest, type TemplateFiles } from './template-image.ts';

/** Makes the template: a new database in memory, every migration applied. */
export async function writeTemplate(files: TemplateFiles = defaultTemplate, paths: MigrationPaths = { schemaPath: defaultSchemaPath, migrationsDir: defaultMigrationsDir }): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  rmSync(files.manifest, { force: true });
  const db = await PGlite.create();
  try {
    await applyMigrations(new PrismaPGlite(db), paths);
    const image = await db.dumpDataDir('gzip');
    writeFileSync(files.image, Buffer.from(await image.arrayBuffer()));
  } finally {
    await db.close();
  }
  const manifest: Manifest = { pglite: pgliteVersion(), migrations: migrationChecksums(paths.migrationsDir) };
  writeFileSync(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}
