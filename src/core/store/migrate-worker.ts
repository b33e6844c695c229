/**
 * A worker thread's entry point (see `migrateApart` in migrations.ts): applies the pending
 * migrations to the database at `workerData` and posts the names applied. The WebAssembly schema
 * engine lives and dies with this thread, so the process that started it does not keep the
 * engine's memory (several hundred MB) for the rest of its life.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { applyMigrations } from './migrations.ts';
import { openEmbedded, type DatabaseLocation } from './store.ts';

const where = workerData as DatabaseLocation;
let factory: SqlMigrationAwareDriverAdapterFactory;
let close = async () => {};
if (where.kind === 'pglite') {
  const pglite = await openEmbedded(where.dbDir);
  const { PrismaPGlite } = await import('pglite-prisma-adapter');
  factory = new PrismaPGlite(pglite);
  close = () => pglite.close();
} else {
  const { PrismaPg } = await import('@prisma/adapter-pg');
  factory = new PrismaPg({ connectionString: where.url, connectionTimeoutMillis: 5000 });
}
try {
  parentPort!.postMessage({ applied: await applyMigrations(factory) });
} catch (error) {
  parentPort!.postMessage({ error: (error as Error)?.message ?? String(error) });
} finally {
  await close();
}
