/**
 * The PostgreSQL database a move from the embedded database goes into (move.ts): its address read
 * from what the operator typed, a look at it before anything is written — it answers, it stores
 * UTF8, nothing is in its public schema — and the way back to that empty state when a move fails
 * after its schema was made. Every refusal is a TargetRefused naming its reason; the words are the
 * command line's.
 */
import pg from 'pg';
import { redactText } from '../redact.ts';
import { databaseAddress, reasonOf } from './store.ts';

/** Why a target is refused, as a key of the operator's messages (ops:move.*), with what the message names. */
export class TargetRefused extends Error {
  override name = 'TargetRefused';
  constructor(
    readonly key: 'badUrl' | 'noDatabaseName' | 'unreachable' | 'notUtf8' | 'notEmpty',
    readonly params: Record<string, string | number>,
  ) {
    super(`${key}: ${JSON.stringify(params)}`);
  }
}

export interface Target {
  /** The address as the operator gave it: what DATABASE_URL is set to afterwards. */
  url: string;
  /** host:port/database, for messages (no user, no password). */
  address: string;
  /** The password in the address ('' when none), to be hidden wherever it might appear. */
  password: string;
}

/** Reads a postgres:// or postgresql:// address naming a database; refuses anything else. */
export function readTarget(text: string): Target {
  const shown = { url: redactText(text) };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefused('badUrl', shown);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new TargetRefused('badUrl', shown);
  if (url.pathname.replace(/^\//, '') === '') throw new TargetRefused('noDatabaseName', shown);
  return { url: text, address: databaseAddress(text), password: decodeURIComponent(url.password) };
}

/** A connection to the target; refused with the driver's reason when it does not answer. */
export async function connectTarget(target: Target): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 5_000 });
  // A connection lost between two queries fails the next query; the event itself must not end the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new TargetRefused('unreachable', { where: target.address, reason: redactText(reasonOf(error)) });
  }
  return client;
}

/** What is in the public schema: relations and types, except what belongs to an extension. */
const publicObjects = `
  SELECT c.relname::text AS name, c.relkind::text AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  UNION ALL
  SELECT t.typname::text, 'type:' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
   WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm')
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  UNION ALL
  -- As text, not name: a function's signature is often longer than a name's 63 bytes.
  SELECT p.oid::regprocedure::text, 'routine' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`;

/** Refuses a target that does not store UTF8 or has anything in its public schema. */
export async function checkEmpty(client: pg.Client, target: Target): Promise<void> {
  const { rows: database } = await client.query<{ encoding: string }>('SELECT pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = current_database()');
  const encoding = database[0]?.encoding ?? '?';
  if (encoding !== 'UTF8') throw new TargetRefused('notUtf8', { where: target.address, encoding });
  const { rows } = await client.query<{ name: string }>(publicObjects);
  if (rows.length > 0) {
    const names = rows.map((r) => r.name).sort();
    const shown = names.length > 10 ? [...names.slice(0, 10), '…'] : names;
    throw new TargetRefused('notEmpty', { where: target.address, count: names.length, names: shown.join(', ') });
  }
}

/** Connects to the target, checks it is empty, and leaves it: nothing is written. */
export async function inspectTarget(target: Target): Promise<void> {
  const client = await connectTarget(target);
  try {
    await checkEmpty(client, target);
  } finally {
    await client.end().catch(() => {});
  }
}

const quoted = (name: string) => `"public"."${name.replace(/"/g, '""')}"`;
/** A function's name as listed (regprocedure: quoted where needed, with its argument types) is dropped as it is. */
const dropped = (name: string, kind: string) => (kind === 'routine' ? name : quoted(name));
const dropOf: Record<string, string> = { routine: 'ROUTINE', r: 'TABLE', p: 'TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW', S: 'SEQUENCE', f: 'FOREIGN TABLE', 'type:e': 'TYPE', 'type:r': 'TYPE', 'type:m': 'TYPE', 'type:d': 'DOMAIN' };

/**
 * Removes everything in the target's public schema, in one transaction: only after a move that
 * found it empty (checkEmpty) and made what is there now, so what goes is the move's own.
 */
export async function emptyAgain(target: Target): Promise<void> {
  const client = await connectTarget(target);
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ name: string; kind: string }>(publicObjects);
    // Tables first: their own sequences and row types go with them.
    const ordered = [...rows.filter((r) => dropOf[r.kind] === 'TABLE'), ...rows.filter((r) => dropOf[r.kind] !== 'TABLE')];
    for (const { name, kind } of ordered) await client.query(`DROP ${dropOf[kind]} IF EXISTS ${dropped(name, kind)} CASCADE`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}
