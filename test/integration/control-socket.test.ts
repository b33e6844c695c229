/**
 * The control socket of a running bot on the embedded database (core/store/control.ts): a command's
 * Prisma client works through it as on the database itself — results, errors, transactions — and a
 * command that goes away or holds a transaction too long cannot keep the bot waiting.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { connectControl, serveControl, type ControlServer } from '../../src/core/store/control.ts';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { openStore, type Store } from '../../src/core/store/store.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';

describe('the control socket', () => {
  let dataDir: string;
  let store: Store;
  let server: ControlServer;
  const clients: Array<{ prisma: PrismaClient; close(): void }> = [];

  async function command() {
    const control = (await connectControl(dataDir))!;
    expect(control).not.toBeNull();
    const prisma = new PrismaClient({ adapter: control.factory });
    const client = { prisma, close: () => control.close() };
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'loaban-control-'));
    store = await openStore({ databaseUrl: null, dataDir });
    await applyMigrations(store.adapterFactory);
    server = (await serveControl(dataDir, store.adapterFactory, createLogger('silent', false), { transactionMaxMs: 500 }))!;
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server.close();
    await store.close();
  });

  it('reads and writes the bot\'s database, with its errors as Prisma gives them', async () => {
    const { prisma } = await command();
    await store.prisma.area.create({ data: { code: 'a', name: 'Bản Á', level: 'village', path: '/1/' } });
    expect(await prisma.area.findMany({ select: { code: true, name: true } })).toEqual([{ code: 'a', name: 'Bản Á' }]);
    await prisma.area.create({ data: { code: 'b', name: 'Bản Bê', level: 'village', path: '/2/' } });
    expect(await store.prisma.area.count()).toBe(2);
    await expect(prisma.area.create({ data: { code: 'a', name: 'again', level: 'village', path: '/3/' } })).rejects.toMatchObject({ code: 'P2002' });
    // bigint and bytes survive the trip
    expect(await prisma.$queryRawUnsafe('SELECT 9007199254740993::bigint AS big, decode(\'00ff\', \'hex\') AS bytes')).toEqual([{ big: 9007199254740993n, bytes: new Uint8Array([0, 255]) }]);
  });

  it('runs a transaction as one: committed whole, or rolled back whole', async () => {
    const { prisma } = await command();
    await prisma.$transaction(async (tx) => {
      await tx.area.create({ data: { code: 'x', name: 'X', level: 'village', path: '/1/' } });
      await tx.area.create({ data: { code: 'y', name: 'Y', level: 'village', path: '/2/' } });
    });
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.area.create({ data: { code: 'z', name: 'Z', level: 'village', path: '/3/' } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await store.prisma.area.findMany({ orderBy: { code: 'asc' } })).map((a) => a.code)).toEqual(['x', 'y']);
  });

  it('a script a command sends runs whole, and one that fails is said to have failed and leaves nothing', async () => {
    const control = (await connectControl(dataDir))!;
    const adapter = await control.factory.connect();
    try {
      await adapter.executeScript('CREATE TABLE "Kept" (a int); INSERT INTO "Kept" VALUES (1);');
      await expect(adapter.executeScript('CREATE TABLE "Half" (a int); SELECT no_such_function();')).rejects.toThrow(/no_such_function/);
      expect(await store.prisma.$queryRawUnsafe('SELECT count(*)::int AS n FROM "Kept"')).toEqual([{ n: 1 }]);
      expect(await store.prisma.$queryRawUnsafe(`SELECT to_regclass('"Half"') IS NULL AS gone`)).toEqual([{ gone: true }]);
    } finally {
      await adapter.dispose();
      control.close();
    }
  });

  it('a command that goes away, or holds a transaction too long, has it rolled back: the bot goes on', async () => {
    const gone = await command();
    const open = gone.prisma.$transaction(async (tx) => {
      await tx.area.create({ data: { code: 'gone', name: 'G', level: 'village', path: '/1/' } });
      gone.close(); // the command is killed mid-transaction
      await new Promise((r) => setTimeout(r, 100));
    }, { timeout: 60_000 });
    await expect(open).rejects.toThrow();
    expect(await store.prisma.area.count()).toBe(0); // answered, not blocked; nothing kept

    const slow = await command();
    const started = Date.now();
    const held = slow.prisma.$transaction(async (tx) => {
      await tx.area.create({ data: { code: 'slow', name: 'S', level: 'village', path: '/1/' } });
      await new Promise((r) => setTimeout(r, 2_000)); // stopped (Ctrl+Z) with the transaction open
      await tx.area.count();
    }, { timeout: 60_000 });
    await expect(held).rejects.toThrow();
    expect(await store.prisma.area.count()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
  });
});
