/**
 * This process as the other processes on the same PostgreSQL server see it, for several `loaban
 * start` and `loaban dispatch` processes on one database. Each holds one connection of its own,
 * open while it runs and named after its worker name (`application_name`):
 * - the others tell a live worker from a dead one by that connection (`aliveWorkers`), so the
 *   deliveries a killed process held are taken back within seconds, not when their leases run out;
 * - on it the process takes session locks (`lead`): a job only one process may run at a time,
 *   such as long polling, which PostgreSQL hands to another process the moment this one dies,
 *   however it dies.
 * The embedded database has one process only and needs none of this.
 * Session locks need the connection itself: a pooler in transaction mode (PgBouncer) between
 * loaban and the server breaks them; point DATABASE_URL at the server or a session-mode pool.
 */
import { hostname } from 'node:os';
import type { Logger } from '../log.ts';
import type { Db } from './store.ts';

/** What `application_name` starts with; PostgreSQL keeps 63 bytes of it. */
const prefix = 'loaban ';

/** This process's name in leases and in `application_name`: host and pid, short enough to fit. */
export const workerName = `${hostname().slice(0, 40)}:${process.pid}`;

/** The worker names of every process holding a presence connection to this database now. */
export async function aliveWorkers(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT substr(application_name, ${prefix.length + 1}) AS name FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE ${`${prefix}%`}`;
  return rows.map((r) => r.name);
}

/** A session lock held on the presence connection; `lost` resolves when that connection (and so the lock) is lost. */
export interface Lead {
  lost: Promise<void>;
}

export interface Presence {
  readonly worker: string;
  /**
   * Resolves once this process holds the lock `name`, trying again every `retryMs` while another
   * process holds it or the server cannot be reached; never resolves after `close()`.
   */
  lead(name: string, retryMs?: number): Promise<Lead>;
  close(): Promise<void>;
}

interface Connection {
  client: import('pg').Client;
  lost: Promise<void>;
  gone: boolean;
}

/**
 * Opens this process's presence connection to `databaseUrl`. A lost connection is opened again
 * (every few seconds, while the server is away): the process is seen alive again, and its locks
 * are to be taken again — by whoever asks first.
 */
export async function openPresence(databaseUrl: string, log: Logger, { retryMs = 2000, worker = workerName } = {}): Promise<Presence> {
  const { default: pg } = await import('pg');
  let closed = false;
  const sleepers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => (sleepers.delete(wake), resolve()), ms);
      const wake = () => (clearTimeout(timer), sleepers.delete(wake), resolve());
      sleepers.add(wake);
    });
  async function connect(): Promise<Connection> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: `${prefix}${worker}`, connectionTimeoutMillis: 5000, keepAlive: true });
    let markLost = () => {};
    const connection: Connection = { client, lost: new Promise<void>((resolve) => (markLost = resolve)), gone: false };
    const lose = () => {
      if (connection.gone) return;
      connection.gone = true;
      markLost();
      void client.end().catch(() => {});
      reopen();
    };
    client.on('error', (err) => {
      if (!closed) log.error({ err }, 'the presence connection to PostgreSQL was lost; opening it again');
      lose();
    });
    client.on('end', lose);
    await client.connect();
    return connection;
  }
  /** Opens the connection again after `retryMs`, and again while the server does not answer. */
  function reopen(): void {
    void sleep(retryMs).then(() => {
      if (closed) return;
      current = connect();
      current.catch(() => reopen());
    });
  }
  let current: Promise<Connection> = connect();
  await current;
  /** The live connection; waits while it is being opened again. */
  async function connection(): Promise<Connection> {
    for (;;) {
      const settled = await current.catch(() => null);
      if (settled && !settled.gone) return settled;
      if (closed) throw new Error('presence closed');
      await sleep(retryMs);
    }
  }
  return {
    worker,
    async lead(name, wait = retryMs) {
      for (;;) {
        if (closed) return new Promise<Lead>(() => {});
        try {
          const { client, lost } = await connection();
          const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS held', [`loaban:${name}`]);
          if (rows[0]?.held) return { lost };
        } catch (err) {
          if (!closed) log.warn({ err, lock: name }, 'could not ask for a lock; trying again');
        }
        await sleep(wait);
      }
    },
    async close() {
      closed = true;
      for (const wake of [...sleepers]) wake();
      const settled = await current.catch(() => null);
      await settled?.client.end().catch(() => {});
    },
  };
}
