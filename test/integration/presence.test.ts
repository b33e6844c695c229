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
  /** Ends the worker's presence connection from the server's side, as a server restart or a network cut does. */
  const cut = async (worker: string) => {
    const admin = new pg.Client({ connectionString: made.url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`loaban ${worker}`]);
    await admin.end();
  };
  return { db: store.prisma, presence, cut };
}

/** A channel that only records when it was started and stopped. */
function recordingChannel(log: string[], name: string): Channel {
  return {
    platform: 'telegram',
    maxTextLength: 4096,
    start: async () => void log.push(`${name} start`),
    stop: async () => void log.push(`${name} stop`),
    send: async () => ({ ok: true, messageIds: ['1'] }),
    status: () => ({ ok: true, receiving: 'polling' }),
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
});
