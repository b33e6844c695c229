/**
 * Moves the embedded database into an empty PostgreSQL database (`loaban move-to-postgres`):
 *
 * 1. the target is checked again (it answers, stores UTF8, has nothing in its public schema);
 * 2. its schema is made by the same migrations `loaban start` applies (the schema engine, in a
 *    child process), and recorded in its _prisma_migrations as there;
 * 3. in one transaction on the target: every table of the source's public schema — found in its
 *    catalog, so a table a later migration adds is carried too — is copied row for row with
 *    PostgreSQL's own text COPY (out of PGlite into a blob, into the server from it: each value
 *    written and read by the same type's output and input functions, none converted on the way),
 *    in chunks along the primary key, a table after those it references (copy-order.ts); each
 *    sequence is set past its column's largest value; each table's count is compared with the
 *    source's; then it commits.
 *
 * A failure after step 2 rolls the copy back and removes the schema it made (postgres-target.ts):
 * the target is empty again and the move can simply be run again. The source is only read, in one
 * read-only snapshot.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { redactText } from '../redact.ts';
import { copyOrder, type ForeignKey } from './copy-order.ts';
import { migrateApart } from './migrations.ts';
import { checkEmpty, connectTarget, emptyAgain, TargetRefused, type Target } from './postgres-target.ts';
import { reasonOf } from './store.ts';

/** Why a move failed after the target's schema was made, as a key of the operator's messages (ops:move.why.*). */
export class MoveFailed extends Error {
  override name = 'MoveFailed';
  /** Why the target could not be emptied again afterwards; null when it was. */
  leftBehind: string | null = null;
  constructor(
    readonly key: 'migrations' | 'missingTable' | 'missingColumns' | 'copy' | 'countDiffers' | 'other',
    readonly params: Record<string, string | number>,
  ) {
    super(`${key}: ${JSON.stringify(params)}`);
  }
}

export type MoveProgress =
  | { step: 'schema'; migrations: number }
  | { step: 'copying'; tables: number }
  /** A table copied (`done`), or a long one's rows so far. */
  | { step: 'table'; table: string; rows: number; done: boolean };

export interface Moved {
  tables: Array<{ table: string; rows: number }>;
  migrations: string[];
}

export interface MoveOptions {
  onProgress?: (progress: MoveProgress) => void;
  /** Rows per COPY: what one chunk holds in memory on the way. */
  chunkRows?: number;
  /** Applies the migrations to the target; by default in a child process, as `loaban start` does. */
  migrate?: (target: Target) => Promise<string[]>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const table = (name: string) => `"public".${ident(name)}`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Both ends write and read text the same way whatever their own settings (dates as ISO, times in
 * UTC, floats exact, bytes in hex), so the COPY text is read back as it was written.
 */
const sameText = ["DateStyle = 'ISO, YMD'", "IntervalStyle = 'postgres'", 'extra_float_digits = 3', "bytea_output = 'hex'", "TimeZone = 'UTC'", "client_encoding = 'UTF8'"].map((s) => `SET LOCAL ${s};`).join(' ');
/** A hosted server's limits are for applications; the move's one transaction may run long and wait between statements. */
const noTimeouts = ['statement_timeout = 0', 'lock_timeout = 0', 'idle_in_transaction_session_timeout = 0'].map((s) => `SET LOCAL ${s};`).join(' ');

/** Base tables of the public schema with their columns (generated ones left to the target), but the migrations' own table. */
const columnsQuery = `
  SELECT c.relname AS table, a.attname AS column FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
     AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
   ORDER BY c.relname, a.attnum`;

const primaryKeyQuery = `
  SELECT c.relname AS table, a.attname AS column FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
   WHERE i.indisprimary AND n.nspname = 'public'
   ORDER BY c.relname, k.position`;

const foreignKeyQuery = `
  SELECT con.conname AS name, c.relname AS table, r.relname AS references, pg_get_constraintdef(con.oid) AS definition
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE con.contype = 'f' AND n.nspname = 'public'
   ORDER BY c.relname, con.conname`;

/** Columns that take their values from a sequence (serial, identity), with the sequence's name. */
const sequencesQuery = `
  SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS sequence
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
     AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL`;

type Row = Record<string, unknown>;
/** A query on the source's snapshot: its rows, or for a COPY TO '/dev/blob' the blob and the rows in it. */
type SourceQuery = <R extends Row = Row>(sql: string) => Promise<{ rows: R[]; blob?: Blob; affectedRows?: number }>;

/** One line saying why, with no password in it. */
const reasonFrom = (error: unknown) => (error instanceof TargetRefused ? String(error.params.reason ?? error.key) : redactText(reasonOf(error)));

/** `rows` of (table, column) grouped by table, in order. */
function byTable(rows: Array<{ table: string; column: string }>): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const { table: name, column } of rows) tables.set(name, [...(tables.get(name) ?? []), column]);
  return tables;
}

/** Runs `work` on the source in one read-only snapshot. */
async function readSnapshot<T>(source: PGlite, work: (query: SourceQuery) => Promise<T>): Promise<T> {
  await source.exec(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${sameText}`);
  try {
    return await work((sql) => source.query(sql));
  } finally {
    await source.exec('ROLLBACK');
  }
}

/** Copies the rows of COPY text in `blob` into `sql` (a COPY … FROM STDIN) on the target; the rows the server took. */
async function copyIn(client: pg.Client, sql: string, blob: Blob): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.fromWeb(blob.stream() as WebReadableStream<Uint8Array>), stream);
  return stream.rowCount;
}

/**
 * Copies one table in chunks of `chunkRows` along its primary key (one COPY when it has none). A
 * chunk ends at a row found by its physical address (ctid), which holds still in the snapshot, so
 * the key may be of any type and any number of columns.
 */
async function copyTable(
  query: SourceQuery,
  client: pg.Client,
  name: string,
  columns: string[],
  key: string[],
  chunkRows: number,
  progress: (rows: number) => void,
): Promise<number> {
  const list = columns.map(ident).join(', ');
  const order = key.map(ident).join(', ');
  /** The key compared with the key of the row at `ctid`. */
  const keyVersus = (op: '>' | '<=', ctid: string) => `(${order}) ${op} (SELECT ${order} FROM ${table(name)} WHERE ctid = ${literal(ctid)}::tid)`;
  const whereOf = (conditions: string[]) => (conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '');
  /** The row that ends the chunk starting after `conditions` (its ctid); null when the rest fits in one. */
  const chunkEnd = async (conditions: string[]): Promise<string | null> =>
    (await query<{ at: string }>(`SELECT ctid::text AS at FROM ${table(name)}${whereOf(conditions)} ORDER BY ${order} OFFSET ${chunkRows - 1} LIMIT 1`)).rows[0]?.at ?? null;
  let after: string | null = null;
  let rows = 0;
  for (;;) {
    const rest: string[] = after ? [keyVersus('>', after)] : [];
    const last: string | null = key.length > 0 ? await chunkEnd(rest) : null;
    const chunk: string[] = last ? [...rest, keyVersus('<=', last)] : rest;
    const out = await query(`COPY (SELECT ${list} FROM ${table(name)}${whereOf(chunk)}${key.length > 0 ? ` ORDER BY ${order}` : ''}) TO '/dev/blob'`);
    const read = out.affectedRows ?? 0;
    const written = out.blob && out.blob.size > 0 ? await copyIn(client, `COPY ${table(name)} (${list}) FROM STDIN`, out.blob) : 0;
    if (written !== read) throw new Error(`${read} rows read, ${written} written`);
    rows += written;
    if (!last) return rows;
    progress(rows);
    after = last;
  }
}

/** The copy itself, in one transaction on `client`; throws MoveFailed (the transaction rolled back) when anything differs. */
async function copyAll(source: PGlite, client: pg.Client, chunkRows: number, onProgress: (progress: MoveProgress) => void): Promise<Moved['tables']> {
  return readSnapshot(source, async (query) => {
    const columns = byTable((await query<{ table: string; column: string }>(columnsQuery)).rows);
    const keys = byTable((await query<{ table: string; column: string }>(primaryKeyQuery)).rows);
    const counts = new Map<string, number>();
    for (const name of columns.keys()) counts.set(name, Number((await query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table(name)}`)).rows[0]!.n));

    await client.query(`BEGIN; ${sameText} ${noTimeouts}`);
    try {
      const targetColumns = byTable((await client.query<{ table: string; column: string }>(columnsQuery)).rows);
      for (const [name, list] of columns) {
        const there = targetColumns.get(name);
        if (!there) throw new MoveFailed('missingTable', { table: name });
        const missing = list.filter((c) => !there.includes(c));
        if (missing.length > 0) throw new MoveFailed('missingColumns', { table: name, columns: missing.join(', ') });
      }
      const foreignKeys = (await client.query<ForeignKey & { definition: string }>(foreignKeyQuery)).rows;
      const plan = copyOrder([...columns.keys()], foreignKeys);
      const setAside = foreignKeys.filter((fk) => plan.setAside.some((s) => s.name === fk.name && s.table === fk.table));
      for (const fk of setAside) await client.query(`ALTER TABLE ${table(fk.table)} DROP CONSTRAINT ${ident(fk.name)}`);

      onProgress({ step: 'copying', tables: plan.tables.length });
      const copied: Moved['tables'] = [];
      for (const name of plan.tables) {
        let rows: number;
        try {
          rows = await copyTable(query, client, name, columns.get(name)!, keys.get(name) ?? [], chunkRows, (so) => onProgress({ step: 'table', table: name, rows: so, done: false }));
        } catch (error) {
          throw new MoveFailed('copy', { table: name, reason: reasonFrom(error) });
        }
        copied.push({ table: name, rows });
        onProgress({ step: 'table', table: name, rows, done: true });
      }
      // Put back, each checks every row it covers.
      for (const fk of setAside) {
        try {
          await client.query(`ALTER TABLE ${table(fk.table)} ADD CONSTRAINT ${ident(fk.name)} ${fk.definition}`);
        } catch (error) {
          throw new MoveFailed('copy', { table: fk.table, reason: reasonFrom(error) });
        }
      }
      await setSequences(query, client);
      for (const name of columns.keys()) {
        const there = Number((await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table(name)}`)).rows[0]!.n);
        if (there !== counts.get(name)) throw new MoveFailed('countDiffers', { table: name, source: counts.get(name)!, target: there });
      }
      await client.query('COMMIT');
      return copied;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

/**
 * Sets each sequence of the target as far as the source's went, and at least to its column's
 * largest value: a new row never takes an id a moved row has.
 */
async function setSequences(query: SourceQuery, client: pg.Client): Promise<void> {
  const source = new Map<string, { last: string; called: boolean }>();
  for (const s of (await query<{ table: string; column: string; sequence: string }>(sequencesQuery)).rows) {
    const state = (await query<{ last: string; called: boolean }>(`SELECT last_value::text AS last, is_called AS called FROM ${s.sequence}`)).rows[0]!;
    source.set(`${s.table}.${s.column}`, state);
  }
  for (const s of (await client.query<{ table: string; column: string; sequence: string }>(sequencesQuery)).rows) {
    const state = source.get(`${s.table}.${s.column}`);
    const reached = state?.called ? state.last : '0';
    await client.query(
      `SELECT setval($1::regclass, v, true) FROM (SELECT greatest($2::bigint, coalesce(max(${ident(s.column)})::bigint, 0)) AS v FROM ${table(s.table)}) AS highest WHERE v > 0`,
      [s.sequence, reached],
    );
  }
}

/**
 * Moves every row of `source` (the embedded database, opened by the caller and left to it) into
 * the empty database `target`. Throws TargetRefused when the target is not empty (nothing
 * written), MoveFailed when the move failed after its schema was made (the target emptied again,
 * or `leftBehind` saying why not).
 */
export async function moveInto(source: PGlite, target: Target, { onProgress = () => {}, chunkRows = 20_000, migrate }: MoveOptions = {}): Promise<Moved> {
  const first = await connectTarget(target);
  try {
    await checkEmpty(first, target);
  } finally {
    await first.end().catch(() => {});
  }
  const failed = async (failure: MoveFailed): Promise<never> => {
    try {
      await emptyAgain(target);
    } catch (error) {
      failure.leftBehind = reasonFrom(error);
    }
    throw failure;
  };
  let migrations: string[];
  try {
    migrations = await (migrate ?? (async (t: Target) => (await migrateApart({ kind: 'postgres', url: t.url })).applied))(target);
  } catch (error) {
    return failed(new MoveFailed('migrations', { reason: reasonFrom(error) }));
  }
  let client: pg.Client | undefined;
  try {
    onProgress({ step: 'schema', migrations: migrations.length });
    client = await connectTarget(target);
    return { tables: await copyAll(source, client, chunkRows, onProgress), migrations };
  } catch (error) {
    // The connection ends first: nothing of the copy's may hold a lock on what is removed next.
    await client?.end().catch(() => {});
    client = undefined;
    return failed(error instanceof MoveFailed ? error : new MoveFailed('other', { reason: reasonFrom(error) }));
  } finally {
    await client?.end().catch(() => {});
  }
}
