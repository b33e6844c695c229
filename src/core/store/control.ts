/**
 * The embedded database is one process's: while `loaban start` runs, a `loaban` data command
 * (groups, invite, export, …) reaches it through a local control socket in DATA_DIR instead of
 * being refused. The command itself runs in its own process as always — same code, same output —
 * and only its SQL travels: the socket carries Prisma's driver-adapter calls (query, execute,
 * transactions) to the running process, which runs them on its database.
 *
 * The socket is DATA_DIR/loaban.sock, owner only (0600): whoever may read DATA_DIR may already read
 * the database. One JSON message a line; values JSON cannot carry (bigint, bytes) are tagged.
 */
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  DriverAdapterError,
  type IsolationLevel,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { translator } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { StoreError } from './errors.ts';
import { wholeScripts } from './whole-scripts.ts';

export const controlSocketName = 'loaban.sock';
/**
 * The longest a command's transaction may hold the embedded database (one connection: the bot waits
 * meanwhile). A command stopped mid-transaction (Ctrl+Z) loses it and its connection instead.
 */
const defaultTransactionMaxMs = 5_000;
/** The longest path a Unix socket may have (108 bytes on Linux, with the final NUL). */
const maxSocketPath = 107;

export const controlSocketPath = (dataDir: string) => path.join(path.resolve(dataDir), controlSocketName);

type Request =
  | { id: number; op: 'query' | 'execute'; tx?: number; query: SqlQuery }
  | { id: number; op: 'script'; script: string }
  | { id: number; op: 'begin'; isolationLevel?: IsolationLevel }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'backup' };
/** A request before its id is given. */
type Call = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { message: string; cause?: unknown } };

/** JSON with bigint and bytes kept: the driver adapters pass both. */
function encode(message: Request | Reply): string {
  return JSON.stringify(message, (_key, value: unknown) => {
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
    return value;
  });
}

function decode<T>(line: string): T {
  return JSON.parse(line, (_key, value: unknown) => {
    if (value && typeof value === 'object') {
      const v = value as { $bigint?: string; $bytes?: string };
      if (typeof v.$bigint === 'string' && Object.keys(v).length === 1) return BigInt(v.$bigint);
      if (typeof v.$bytes === 'string' && Object.keys(v).length === 1) return new Uint8Array(Buffer.from(v.$bytes, 'base64'));
    }
    return value;
  }) as T;
}

export interface ControlServer {
  close(): Promise<void>;
}

/**
 * Serves the database behind `factory` on DATA_DIR/loaban.sock until closed. Returns null (and
 * says why) when the socket cannot be made; the data commands are then refused as before.
 */
export async function serveControl(
  dataDir: string,
  factory: SqlDriverAdapterFactory,
  log: Logger,
  { transactionMaxMs = defaultTransactionMaxMs, backupImage }: { transactionMaxMs?: number; backupImage?: () => Promise<Uint8Array> } = {},
): Promise<ControlServer | null> {
  const socketPath = controlSocketPath(dataDir);
  if (Buffer.byteLength(socketPath) > maxSocketPath) {
    log.warn({ socketPath }, 'DATA_DIR is too deep for a control socket: the command line cannot reach the running bot');
    return null;
  }
  // A socket left by a process that died: this process holds DATA_DIR's lock, so it is nobody's.
  if (existsSync(socketPath)) rmSync(socketPath, { force: true });
  // A script runs whole and is waited for, as a migration's (the embedded database's adapter did not wait).
  const adapter = wholeScripts(await factory.connect());
  const clients = new Set<Socket>();
  const server: Server = createServer((socket) => {
    clients.add(socket);
    const transactions = new Map<number, Transaction>();
    const deadlines = new Map<number, NodeJS.Timeout>();
    let nextTx = 1;
    let closed = false;
    /** Ends a transaction this command opened, if still open: rolled back. */
    const abandon = (txId: number) => {
      const tx = transactions.get(txId);
      transactions.delete(txId);
      clearTimeout(deadlines.get(txId));
      deadlines.delete(txId);
      if (tx) void tx.rollback().catch(() => {});
    };
    const reply = (message: Reply) => socket.writable && socket.write(`${encode(message)}\n`);
    const handle = async (request: Request): Promise<unknown> => {
      switch (request.op) {
        case 'query':
        case 'execute': {
          const on = request.tx === undefined ? adapter : transactions.get(request.tx);
          if (!on) throw new Error(`no transaction ${request.tx}`);
          return request.op === 'query' ? on.queryRaw(request.query) : on.executeRaw(request.query);
        }
        case 'script':
          return adapter.executeScript(request.script);
        case 'begin': {
          const tx = await adapter.startTransaction(request.isolationLevel);
          const txId = nextTx++;
          transactions.set(txId, tx);
          // The command went away while its transaction waited for the database: nobody will end it.
          if (closed) {
            abandon(txId);
            throw new Error('the command went away');
          }
          const deadline = setTimeout(() => {
            log.warn({ socketPath }, 'a command held a transaction too long: rolled back, its connection closed');
            abandon(txId);
            socket.destroy();
          }, transactionMaxMs);
          deadline.unref();
          deadlines.set(txId, deadline);
          return { tx: txId, options: tx.options };
        }
        case 'backup':
          if (!backupImage) throw new Error('this process cannot take a backup');
          return backupImage();
        case 'commit':
        case 'rollback': {
          const tx = transactions.get(request.tx);
          if (!tx) throw new Error(`no transaction ${request.tx}`);
          transactions.delete(request.tx);
          clearTimeout(deadlines.get(request.tx));
          deadlines.delete(request.tx);
          return request.op === 'commit' ? tx.commit() : tx.rollback();
        }
      }
    };
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      let request: Request;
      try {
        request = decode<Request>(line);
      } catch {
        socket.destroy();
        return;
      }
      // Each request as it comes (a command awaits what it depends on): a query outside the command's
      // open transaction waits for the database, not behind the transaction's own next step.
      void (async () => {
        try {
          reply({ id: request.id, ok: true, result: (await handle(request)) ?? null });
        } catch (error) {
          const e = error as Error & { cause?: unknown };
          // The adapter's own error (a unique constraint, say) keeps its kind, for Prisma to map as it would here.
          // By name: the adapter may carry its own copy of the class.
          const mapped = e?.name === 'DriverAdapterError' && typeof e.cause === 'object' ? e.cause : undefined;
          reply({ id: request.id, ok: false, error: { message: e?.message ?? String(error), cause: mapped } });
        }
      })();
    });
    // A command that went away mid-transaction: its transaction is rolled back, the database freed.
    socket.on('close', () => {
      clients.delete(socket);
      closed = true;
      for (const txId of [...transactions.keys()]) abandon(txId);
    });
    socket.on('error', () => socket.destroy());
  });
  // Owner only from the start (umask), and said again (chmod): the socket opens the whole database.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(socketPath, 0o600);
  } catch (error) {
    // A file system without sockets (some shared or mounted folders): the bot runs, commands wait for it.
    log.warn({ err: error, socketPath }, 'no control socket: the command line cannot reach the running bot');
    server.close();
    rmSync(socketPath, { force: true });
    await adapter.dispose();
    return null;
  } finally {
    process.umask(umask);
  }
  log.info({ socketPath }, 'control socket ready: loaban commands reach this process');
  return {
    close: async () => {
      for (const socket of clients) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
      await adapter.dispose();
    },
  };
}

/** Whether a running `loaban start` answers on DATA_DIR's control socket (connected to, then left at once). */
export async function controlAnswers(dataDir: string): Promise<boolean> {
  const socketPath = controlSocketPath(dataDir);
  if (!existsSync(socketPath)) return false;
  return new Promise<boolean>((resolve) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => (socket.end(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A connection to a running process's control socket, as Prisma's driver adapter. */
class RemoteConnection {
  private nextId = 1;
  private closed = false;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly socket: Socket,
    /** What the operator is told when the running process goes away mid-command. */
    private readonly closedMessage: string,
  ) {
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      const message = decode<Reply>(line);
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(message.error.cause ? new DriverAdapterError(message.error.cause as ConstructorParameters<typeof DriverAdapterError>[0]) : new Error(message.error.message));
    });
    socket.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiting.values()) waiter.reject(new StoreError(this.closedMessage));
      this.waiting.clear();
    });
  }

  call<T>(request: Call): Promise<T> {
    const id = this.nextId++;
    if (this.closed || this.socket.destroyed || !this.socket.writable) return Promise.reject(new StoreError(this.closedMessage));
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(`${encode({ ...request, id } as Request)}\n`);
    });
  }

  close(): void {
    this.socket.end();
  }
}

const adapterInfo = { provider: 'postgres', adapterName: 'pglite-prisma-adapter' } as const;

function remoteQueryable(connection: RemoteConnection, tx?: number) {
  return {
    ...adapterInfo,
    queryRaw: (query: SqlQuery) => connection.call<SqlResultSet>({ op: 'query', tx, query }),
    executeRaw: (query: SqlQuery) => connection.call<number>({ op: 'execute', tx, query }),
  };
}

/**
 * Connects to the control socket of the process running on `dataDir`; null when none answers
 * there (no bot running, or one too old to have the socket).
 */
export async function connectControl(
  dataDir: string,
  language?: string,
): Promise<{ factory: SqlDriverAdapterFactory; backupImage(): Promise<Uint8Array>; close(): void } | null> {
  const socketPath = controlSocketPath(dataDir);
  if (!existsSync(socketPath)) return null;
  const socket = await new Promise<Socket | null>((resolve) => {
    const s = createConnection(socketPath);
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
  });
  if (!socket) return null;
  const connection = new RemoteConnection(socket, translator(language)('ops:store.controlClosed'));
  const adapter: SqlDriverAdapter = {
    ...remoteQueryable(connection),
    executeScript: (script) => connection.call<void>({ op: 'script', script }),
    startTransaction: async (isolationLevel) => {
      const begun = await connection.call<{ tx: number; options: Transaction['options'] }>({ op: 'begin', isolationLevel });
      return {
        ...remoteQueryable(connection, begun.tx),
        options: begun.options,
        commit: () => connection.call<void>({ op: 'commit', tx: begun.tx }),
        rollback: () => connection.call<void>({ op: 'rollback', tx: begun.tx }),
      };
    },
    getConnectionInfo: () => ({ supportsRelationJoins: true }),
    dispose: async () => {},
  };
  return {
    factory: { ...adapterInfo, connect: async () => adapter },
    backupImage: () => connection.call<Uint8Array>({ op: 'backup' }),
    close: () => connection.close(),
  };
}
