/** Every row of a database, to show two databases hold the same: each table's rows as PostgreSQL writes them out. */

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/**
 * Every row of every table of the public schema but the migrations' own, as `row::text`, table by
 * table. Sorted here, not by the server: two servers' collations may order text differently.
 */
export async function everyRow(query: Query): Promise<Record<string, string[]>> {
  const tables = await query(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
  );
  const rows: Record<string, string[]> = {};
  for (const { name } of tables) rows[name as string] = (await query(`SELECT t::text AS row FROM "${name as string}" AS t`)).map((r) => r.row as string).sort();
  return rows;
}
