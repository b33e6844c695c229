/**
 * A child process's entry point (see `migrateApart` in migrations.ts): receives a database
 * location over IPC, applies the pending migrations to it and sends back the names applied. The
 * WebAssembly schema engine lives and dies with this process, so the process that started it does
 * not keep the engine's memory (several hundred MB) for the rest of its life (nor that of Postgres'
 * initdb, for a new embedded database that the template `npm install` made cannot be: that one is
 * unpacked by unpack-worker.ts, and this process is not started then).
 */
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { applyMigrations, MigrationMarkedFailed, type MigrateAnswer } from './migrations.ts';
import { openEmbedded, type DatabaseLocation } from './store.ts';
import { leaveStopSignalsToParent } from './apart.ts';

leaveStopSignalsToParent();

async function migrate(where: DatabaseLocation): Promise<MigrateAnswer> {
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
    return { applied: await applyMigrations(factory) };
  } finally {
    await close();
  }
}

const where = await new Promise<DatabaseLocation>((resolve) => process.once('message', (message) => resolve(message as DatabaseLocation)));
const answer: MigrateAnswer = await migrate(where).catch((error: unknown) => ({
  error: (error as Error)?.message ?? String(error),
  // Which migration, for the parent to say in the operator's language.
  ...(error instanceof MigrationMarkedFailed ? { markedFailed: error.migration } : {}),
}));
// Sent after the database is closed; then this process ends (a pool left open would keep it).
process.send!(answer, () => process.exit(0));
