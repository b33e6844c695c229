/**
 * Processes on one PostgreSQL database seeing each other (core/store/presence.ts): who is alive,
 * a lock held by one at a time that passes to another when its holder's connection goes, and a
 * polling channel that stops when its lock is lost and polls again once it holds it
 * (channels/polling-turn.ts).
 */
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel, InboundHandler } from '../../src/channels/channel.ts';
import { pollingInTurn } from '../../src/channels/polling-turn.ts';
import { createLogger } from '../../src/core/log.ts';
import { aliveWorkers, openPresence, type Presence } from '../../src/core/store/presence.ts';
import { openStore } from '../../src/core/store/store.ts';
import { backends, createPostgresDatabase } from '../support/stores.ts';

const log = createLogger('silent', false);
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean().catch(() => {});
});

async function database() {
  const made = await createPostgresDatabase();
  cleanups.push(() => made.drop());
  const store = await openStore({ databaseUrl: made.url, dataDir: '' });
  cleanups.push(() => store.close());
  const presence = async (worker: string): Promise<Presence> => {
    const p = await openPresence(made.url, log, { worker, retryMs: 100 });
    cleanups.push(() => p.close());
    return p;
  };
  /** One statement on the server's maintenance database (not this one, which may refuse connections). */
  const name = new URL(made.url).pathname.slice(1);
  const admin = async (sql: string, params: unknown[] = []) => {
    const url = new URL(made.url);
    url.pathname = '/postgres';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Array<{ n?: number }>;
    } finally {
      await client.end();
    }
  };
  /** Ends the worker's presence connection from the server's side, as a server restart or a network cut does. */
  const cut = (worker: string) => admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`loaban ${worker}`]);
  return { db: store.prisma, presence, cut, admin, name };
}

async function connectionsOf(admin: (sql: string, params?: unknown[]) => Promise<Array<{ n?: number }>>, worker: string): Promise<number> {
  return (await admin(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [`loaban ${worker}`]))[0]!.n!;
}

/** A channel that only records when it was started and stopped (and, with `failing`, says it cannot poll). */
function recordingChannel(log: string[], name: string, failing = false): Channel {
  return {
    platform: 'telegram',
    maxTextLength: 4096,
    start: async () => void log.push(`${name} start`),
    stop: async () => void log.push(`${name} stop`),
    send: async () => ({ ok: true, messageIds: ['1'] }),
    status: () => (failing ? { ok: false, receiving: 'starting', problem: 'telegram is not reachable' } : { ok: true, receiving: 'polling' }),
  };
}

describe.runIf(backends.includes('postgres'))('presence on PostgreSQL', () => {
  it('lists the processes connected now, and forgets one that closed', async () => {
    const { db, presence } = await database();
    const a = await presence('host-a:1');
    await presence('host-b:2');
    expect((await aliveWorkers(db)).sort()).toEqual(['host-a:1', 'host-b:2']);
    await a.close();
    await vi.waitFor(async () => expect(await aliveWorkers(db)).toEqual(['host-b:2']));
  });

  it('a lock is held by one process; when its connection is cut the other takes it, and the first, back, waits', async () => {
    const { db, presence, cut } = await database();
    const a = await presence('host-a:1');
    const b = await presence('host-b:2');
    const leadA = await a.lead('telegram:polling', 100);
    let bLeads = false;
    const leadB = b.lead('telegram:polling', 100).then((lead) => ((bLeads = true), lead));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(bLeads).toBe(false);

    await cut('host-a:1');
    await leadA.lost;
    await leadB;
    expect(bLeads).toBe(true);
    // A comes back (it opens its connection again) and is seen alive, but the lock stays with B.
    await vi.waitFor(async () => expect((await aliveWorkers(db)).sort()).toEqual(['host-a:1', 'host-b:2']), { timeout: 5000 });
    let aLeads = false;
    void a.lead('telegram:polling', 100).then(() => (aLeads = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(aLeads).toBe(false);
  });

  it('a polling channel stands by, polls once it holds the lock, stops when the lock is lost, and a new one polls when it is back', async () => {
    const { presence, cut } = await database();
    const other = await presence('host-b:2');
    const held = await other.lead('telegram:polling', 100);
    const mine = await presence('host-a:1');
    const events: string[] = [];
    let made = 0;
    const channel = pollingInTurn(recordingChannel(events, 'first'), () => recordingChannel(events, `again${++made}`), (name) => mine.lead(name, 100), log);
    await channel.start((async () => {}) as InboundHandler);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(channel.status!()).toEqual({ ok: true, receiving: 'standby' });
    expect(events).toEqual([]);
    // Sending does not wait for the lock.
    expect((await channel.send({ chatId: '1' }, { text: 'x' })).ok).toBe(true);

    await other.close();
    await held.lost.catch(() => {});
    await vi.waitFor(() => expect(events).toEqual(['first start']));
    expect(channel.status!().receiving).toBe('polling');

    await cut('host-a:1');
    await vi.waitFor(() => expect(events).toEqual(['first start', 'first stop', 'again1 start']), { timeout: 5000 });
    await channel.stop();
    expect(events.at(-1)).toBe('again1 stop');
  });

  it('a poller that cannot poll gives the lock up for another process to try', async () => {
    const { presence } = await database();
    const mine = await presence('host-a:1');
    const events: string[] = [];
    const channel = pollingInTurn(recordingChannel(events, 'broken', true), () => recordingChannel(events, 'again', true), (name) => mine.lead(name, 100), log, { giveUpMs: 400, checkMs: 50 });
    await channel.start((async () => {}) as InboundHandler);
    await vi.waitFor(() => expect(events).toEqual(['broken start']));
    const other = await presence('host-b:2');
    expect(await other.tryLock('telegram:polling')).toBeNull();
    await vi.waitFor(() => expect(events).toEqual(['broken start', 'broken stop']), { timeout: 3000 });
    // The lock is released right after the poller stops (one more round trip): the other process gets it.
    await vi.waitFor(async () => expect(await other.tryLock('telegram:polling')).not.toBeNull(), { timeout: 1000 });
    expect(events).toEqual(['broken start', 'broken stop']);
    await channel.stop();
  });

  it('a database away for many times the retry: one connection when it is back, not a flood', async () => {
    const { presence, cut, admin, name } = await database();
    const a = await presence('host-a:1');
    // The database refuses new connections for 1.5 s (15 retries' worth), after cutting this one.
    await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await cut('host-a:1');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await connectionsOf(admin, 'host-a:1')).toBe(0);
    await admin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await vi.waitFor(async () => expect(await connectionsOf(admin, 'host-a:1')).toBe(1), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await connectionsOf(admin, 'host-a:1')).toBe(1);
    expect(await a.tryLock('x')).not.toBeNull();
    await a.close();
    await vi.waitFor(async () => expect(await connectionsOf(admin, 'host-a:1')).toBe(0));
  });
});
