/**
 * Taking the template of a new embedded database that `npm install` made (template.ts writes it):
 * whether it holds exactly the migrations on disk and was made by the installed PGlite, and
 * unpacking it as a new database folder. The image is a tar.gz of the database's files (PGlite's
 * dumpDataDir); it is unpacked straight to disk (node-tar) by a small child process (`unpackApart`):
 * no Postgres runs for it, and the database is first opened where it will be used. 1,141 files, 39 MB.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { migrationsDir as defaultMigrationsDir, projectRoot } from '../paths.ts';
import { migrationChecksums, type MigrationChecksum } from './migration-files.ts';
import { runApart } from './apart.ts';

export interface TemplateFiles {
  /** The database, as PGlite's dumpDataDir writes it (tar.gz). */
  image: string;
  /** What it holds: written after the image, so a template with a manifest is whole. */
  manifest: string;
}

export const defaultTemplate: TemplateFiles = {
  image: path.join(projectRoot, 'dist', 'embedded-database.tar.gz'),
  manifest: path.join(projectRoot, 'dist', 'embedded-database.json'),
};

export interface Manifest {
  pglite: string;
  migrations: MigrationChecksum[];
}

/** The installed PGlite's version: a template made by another may not open. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The template (its image's path), when it holds exactly the migrations of `migrationsDir` and this PGlite made it; else null. */
export function matchingTemplate(files: TemplateFiles = defaultTemplate, migrationsDir = defaultMigrationsDir): { image: string; migrations: string[] } | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(files.manifest, 'utf8')) as Manifest;
  } catch {
    return null; // not built (or not whole)
  }
  if (manifest.pglite !== pgliteVersion()) return null;
  const onDisk = migrationChecksums(migrationsDir);
  const same = onDisk.length === manifest.migrations.length && onDisk.every((m, i) => m.name === manifest.migrations[i]?.name && m.checksum === manifest.migrations[i]?.checksum);
  if (!same || !existsSync(files.image)) return null;
  return { image: files.image, migrations: onDisk.map((m) => m.name) };
}

/** True when `dir` is absent or holds nothing: a database folder a template may become. */
export const isEmptyFolder = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/**
 * Unpacks `template` as the new database `dbDir` (absent or empty): into a folder beside it first,
 * renamed once whole, so a start stopped half-way leaves no half database behind. Opening it is the
 * caller's (a start opens it next, and says so if it does not open).
 */
export async function createFromTemplate(dbDir: string, template: { image: string }): Promise<void> {
  if (!isEmptyFolder(dbDir)) throw new Error(`${dbDir} is not empty`);
  const unpacking = `${dbDir}.new`;
  rmSync(unpacking, { recursive: true, force: true });
  try {
    mkdirSync(unpacking, { recursive: true, mode: 0o700 });
    const { extract } = await import('tar');
    // The image names its files from the database's root ("/global/1213"): read below `unpacking`.
    await extract({ file: template.image, cwd: unpacking, strip: 1, strict: true });
    if (!existsSync(path.join(unpacking, 'PG_VERSION'))) throw new Error(`${template.image} holds no database`);
    rmSync(dbDir, { recursive: true, force: true });
    renameSync(unpacking, dbDir);
  } catch (error) {
    rmSync(unpacking, { recursive: true, force: true });
    throw error;
  }
}

/** What the unpacking child (unpack-worker.ts) answers. */
export type UnpackAnswer = { done: true; error?: undefined } | { error: string };

/**
 * `createFromTemplate` in a child process (unpack-worker.ts): unpacking in this process left its
 * buffers in it, 190 → 217 MB at rest after a first start; the child's memory goes with it.
 */
export async function unpackApart(dbDir: string, template: { image: string }): Promise<void> {
  const { answer, ended, lastLine } = await runApart<UnpackAnswer>('unpack-worker', { dbDir, image: template.image });
  if (answer?.error !== undefined) throw new Error(answer.error);
  if (!answer?.done) throw new Error(`the unpacking process stopped without an answer (it ended with ${ended})${lastLine ? `: ${lastLine}` : ''}`);
}
