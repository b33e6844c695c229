/**
 * Fresh, migrated databases for tests, on both backends: embedded PGlite (restored from a
 * migrated snapshot made once per worker) and PostgreSQL (a clone of the run's template).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { openMemoryStore, openStore, type Store } from '../../src/core/store/store.ts';

export type Backend = 'pglite' | 'postgres';

const adminUrl = inject('postgresAdminUrl');
const postgresTemplateName = inject('postgresTemplate');

/** The backends this run tests: PGlite always, PostgreSQL when a server answered. */
export const backends: Backend[] = adminUrl ? ['pglite', 'postgres'] : ['pglite'];

let snapshot: Promise<Blob> | undefined;

function migratedSnapshot(): Promise<Blob> {
  snapshot ??= (async () => {
    const db = await PGlite.create();
    await applyMigrations(new PrismaPGlite(db));
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  })();
  return snapshot;
}

/** A new database on the local server, cloned from `from` (or from nothing: template0, UTF8); its URL. */
async function createDatabase(from: string | null, owner?: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!adminUrl) throw new Error('no PostgreSQL server in this run');
  // Named after the run's template: the run drops it at the end with the rest.
  const name = `${postgresTemplateName.replace(/_tmpl$/, '')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(from ? `CREATE DATABASE "${name}" TEMPLATE "${from}"` : `CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0${owner ? ` OWNER "${owner}"` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A new, empty, migrated PostgreSQL database on the local server; its URL. */
export function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(postgresTemplateName);
}

/**
 * A new PostgreSQL database with nothing in it, not even the migrations (a move to PostgreSQL
 * starts from one), owned by `owner` when given (a role without superuser rights, as on a hosted
 * server); its URL, for the admin's role.
 */
export function createEmptyPostgresDatabase(owner?: string): Promise<{ url: string; drop(): Promise<void> }> {
  return createDatabase(null, owner);
}

async function postgresStore(): Promise<Store> {
  const database = await createPostgresDatabase();
  const store = await openStore({ databaseUrl: database.url, dataDir: '' });
  return {
    ...store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/** A new migrated database on `backend`, empty but for the migrations. */
export function freshStore(backend: Backend): Promise<Store> {
  return backend === 'pglite' ? migratedSnapshot().then(openMemoryStore) : postgresStore();
}
