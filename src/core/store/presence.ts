/**
 * This process as the other processes on the same PostgreSQL server see it, for several `loaban
 * start` and `loaban dispatch` processes on one database. Each holds one connection of its own,
 * open while it runs and named after its worker name (`application_name`, set once connected so
 * that a DATABASE_URL naming another cannot hide it):
 * - the others tell a live worker from a dead one by that connection (`aliveWorkers`), so the
 *   deliveries a killed process held are taken back within seconds, not when their leases run out;
 * - on it the process takes session locks (`lead`, `tryLock`): work only one process may do at a
 *   time, such as long polling, which PostgreSQL hands to another process when this one's
 *   connection ends — at once when the process dies, within about half a minute when its machine
 *   or network does (TCP keepalives every 10 s on the server's side; a query every 5 s on ours,
 *   which gives the locks up when it gets no answer).
 * The embedded database has one process only and needs none of this.
 * Session locks need the connection itself: a pooler in transaction mode (PgBouncer) between
 * loaban and the server breaks them; point DATABASE_URL at the server or a session-mode pool.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.ts';
import type { Db } from './store.ts';

/** What `application_name` starts with; PostgreSQL keeps 63 bytes of it. */
const prefix = 'loaban ';
/** The first key of this module's advisory locks (the two-key form: apart from `withLock`'s one-key locks). */
const lockSpace = 7_140_001;
/** How often the connection is asked for an answer, and how long an answer may take. */
const heartbeatMs = 5000;

/**
 * This process's name in leases and in `application_name`: host, pid and a few random letters (two
 * containers may both be pid 1 on hosts of the same name). At most 7 + 40 + 1 + 7 + 1 + 6 bytes.
 */
export const workerName = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(3).toString('hex')}`;

/** The worker names of every process holding a presence connection to this database now. */
export async function aliveWorkers(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT substr(application_name, ${prefix.length + 1}) AS name FROM pg_stat_activity
     WHERE datname = current_database() AND application_name LIKE ${`${prefix}%`}`;
  return rows.map((r) => r.name);
}

/**
 * The workers alive now as `worker` sees them, or null when it cannot tell: it does not see itself
 * among them (its own connection is being opened again, or something between it and the server
 * hides the names, such as a pooler) — then none of the others' leases may be judged by it.
 */
export async function aliveWorkersSeenBy(db: Db, worker: string, log: Logger): Promise<string[] | null> {
  const alive = await aliveWorkers(db);
  if (alive.includes(worker)) return alive;
  log.warn({ worker }, 'this process does not see itself among the processes on the database; only expired leases are taken back');
  return null;
}

/** A session lock held on the presence connection. */
export interface Lead {
  /** Resolves when the connection, and so the lock, is lost. */
  lost: Promise<void>;
  /** Gives the lock up (nothing when it was lost already). */
  release(): Promise<void>;
}

export interface Presence {
  readonly worker: string;
  /**
   * Resolves once this process holds the lock `name`, trying again every `retryMs` while another
   * process holds it or the server cannot be reached; never resolves after `close()`.
   */
  lead(name: string, retryMs?: number): Promise<Lead>;
  /** The lock `name` if no other process holds it now, else null (also when the server does not answer). */
  tryLock(name: string): Promise<Lead | null>;
  close(): Promise<void>;
}

interface Connection {
  client: import('pg').Client;
  lost: Promise<void>;
  gone: boolean;
  lose(): void;
}

/**
 * Opens this process's presence connection to `databaseUrl`. A lost connection is opened again
 * (every `retryMs`, while the server is away; one attempt at a time): the process is seen alive
 * again, and its locks are to be taken again — by whoever asks first.
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
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    let markLost = () => {};
    const connection: Connection = {
      client,
      lost: new Promise<void>((resolve) => (markLost = resolve)),
      gone: false,
      lose() {
        if (connection.gone) return;
        connection.gone = true;
        markLost();
        void client.end().catch(() => {});
      },
    };
    client.on('error', (err) => {
      if (!closed && !connection.gone) log.error({ err }, 'the presence connection to PostgreSQL was lost; opening it again');
      connection.lose();
    });
    client.on('end', () => connection.lose());
    try {
      await client.connect();
      // After connecting: an application_name in DATABASE_URL would otherwise win. The keepalives
      // let the server end this session (and free its locks) soon after this machine goes silent.
      await client.query(`SELECT set_config('application_name', $1, false), set_config('tcp_keepalives_idle', '10', false), set_config('tcp_keepalives_interval', '5', false), set_config('tcp_keepalives_count', '3', false)`, [
        `${prefix}${worker}`,
      ]);
    } catch (error) {
      connection.lose();
      throw error;
    }
    return connection;
  }

  let current: Promise<Connection> = connect();
  /** The one loop that opens the connection again, while it is lost and until it is closed. */
  let reopening: Promise<void> | null = null;
  function reopen(): void {
    reopening ??= (async () => {
      while (!closed) {
        await sleep(retryMs);
        if (closed) break;
        const attempt = connect();
        current = attempt;
        const opened = await attempt.catch(() => null);
        if (opened) {
          watch(opened);
          break;
        }
      }
      reopening = null;
    })();
  }
  const watch = (connection: Connection) => void connection.lost.then(() => reopen());
  watch(await current);

  /** Asks the connection for an answer every few seconds; no answer in time counts as lost. */
  const heartbeat = setInterval(() => {
    void current.then(
      async (connection) => {
        if (connection.gone || closed) return;
        const answered = await Promise.race([connection.client.query('SELECT 1').then(() => true, () => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), heartbeatMs).unref())]);
        if (!answered && !connection.gone && !closed) {
          log.error('the presence connection to PostgreSQL did not answer; giving its locks up and opening it again');
          connection.lose();
        }
      },
      () => {},
    );
  }, heartbeatMs);
  heartbeat.unref();

  /** The live connection; waits while it is being opened again. */
  async function connection(): Promise<Connection> {
    for (;;) {
      const settled = await current.catch(() => null);
      if (settled && !settled.gone) return settled;
      if (closed) throw new Error('presence closed');
      reopen();
      await sleep(Math.min(retryMs, 500));
    }
  }

  async function tryLock(name: string): Promise<Lead | null> {
    try {
      const held = await connection();
      const { rows } = await held.client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS held', [lockSpace, name]);
      if (!rows[0]?.held) return null;
      return {
        lost: held.lost,
        release: async () => {
          if (held.gone) return;
          await held.client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [lockSpace, name]).catch(() => {});
        },
      };
    } catch (err) {
      if (!closed) log.warn({ err, lock: name }, 'could not ask for a lock; trying again');
      return null;
    }
  }

  return {
    worker,
    tryLock,
    async lead(name, wait = retryMs) {
      for (;;) {
        if (closed) return new Promise<Lead>(() => {});
        const lead = await tryLock(name);
        if (lead) return lead;
        await sleep(wait);
      }
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      for (const wake of [...sleepers]) wake();
      await reopening;
      const settled = await current.catch(() => null);
      settled?.lose();
    },
  };
}
