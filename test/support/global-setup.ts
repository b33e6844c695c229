/**
 * Once per test run: a throwaway PostgreSQL template database on the local server, migrated,
 * that tests clone; dropped with every clone at the end. When no server answers, says so
 * loudly and the run goes on with the embedded (PGlite) half only.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { PrismaPg } from '@prisma/adapter-pg';
import { applyMigrations } from '../../src/core/store/migrations.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql://… of the server's maintenance database, or null when no server answered. */
    postgresAdminUrl: string | null;
    /** Name of the migrated template database tests clone. */
    postgresTemplate: string;
  }
}

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export function dbUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function setup(project: TestProject) {
  const runId = `loaban_t${Date.now().toString(36)}${process.pid}`;
  const template = `${runId}_tmpl`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    const line = '!'.repeat(78);
    console.warn(`\n${line}\n!! No PostgreSQL server answers at ${adminUrl} (${(error as Error).message}).\n!! Running the embedded PGlite half of the tests only. Set TEST_POSTGRES_URL to test PostgreSQL.\n${line}\n`);
    project.provide('postgresAdminUrl', null);
    project.provide('postgresTemplate', '');
    return;
  }
  await admin.query(`CREATE DATABASE "${template}"`);
  await applyMigrations(new PrismaPg({ connectionString: dbUrl(template) }));
  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', template);

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${runId}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  };
}
