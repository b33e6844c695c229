/** A throwaway database on the local PostgreSQL server for a benchmark run (none: the run says so and goes on). */
import pg from 'pg';

const server = 'postgresql://postgres@127.0.0.1:5432';

/**
 * Runs `work` with the URL of a new empty database, dropped afterwards. Returns null (and says why
 * on stderr) when no server answers or the database cannot be made.
 */
export async function withScratchDatabase<T>(label: string, work: (url: string) => Promise<T>): Promise<T | null> {
  const admin = new pg.Client({ connectionString: `${server}/test`, connectionTimeoutMillis: 2000 });
  const name = `loaban_bench_${label}_${process.pid}_${Date.now()}`;
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    process.stderr.write(`PostgreSQL not measured: ${(error as Error).message}\n`);
    await admin.end().catch(() => {});
    return null;
  }
  try {
    return await work(`${server}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`).catch(() => {});
    await admin.end().catch(() => {});
  }
}
