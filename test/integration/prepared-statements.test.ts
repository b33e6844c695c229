/**
 * On PostgreSQL a statement the bot sends again and again (every update's arrival, the send clock,
 * the outbox's claims) is prepared once on each connection and then only bound and run: the server
 * does not parse and plan it for every message. One sent once (an export's list of a thousand ids)
 * is not kept on the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store/store.ts';
import { backends, freshStore } from '../support/stores.ts';

describe.runIf(backends.includes('postgres'))('statements on PostgreSQL', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore('postgres');
  });
  afterAll(async () => {
    await store.close();
  });

  it('one sent again is prepared once on its connection; one sent once is not kept', async () => {
    // A transaction holds one connection, so what it prepared is what its connection holds.
    const prepared = await store.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) {
        await tx.$queryRaw`SELECT * FROM loaban_arrival(${'telegram'}, ${String(i)}, ${new Date()}::timestamp(3), ${'10'}, ${'10'}, ${'private'})`;
        await tx.person.findMany({ where: { id: i } });
      }
      await tx.$queryRaw`SELECT ${'sent once'}::text AS what`;
      return tx.$queryRaw<Array<{ statement: string }>>`SELECT statement FROM pg_prepared_statements`;
    });
    const statements = prepared.map((p) => p.statement);
    expect(statements.filter((s) => s.includes('loaban_arrival'))).toHaveLength(1);
    expect(statements.filter((s) => /FROM "public"\."Person"/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => s.includes('AS what'))).toEqual([]);
  });

  it('a prepared statement answers with its own values each time, and a failing one says why each time', async () => {
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await store.prisma.$queryRaw<Array<{ n: number }>>`SELECT ${i}::int + 1 AS n`);
    expect(runs.map(([row]) => row!.n)).toEqual([1, 2, 3, 4]);
    for (let i = 0; i < 3; i++) {
      await expect(store.prisma.$queryRaw`SELECT 1 / ${0}::int AS n`).rejects.toThrow(/division by zero/);
    }
  });

  it('after a migration changes what a prepared statement returns, it fails once on the connection that held it (outside a transaction the connection is then closed), then answers in the new shape', async () => {
    await store.prisma.$executeRawUnsafe('CREATE TABLE probe (id int)');
    await store.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (1)');
    const read = () => store.prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM probe WHERE id = ${1}`;
    for (let i = 0; i < 3; i++) expect(await read()).toEqual([{ id: 1 }]);
    await store.prisma.$executeRawUnsafe(`ALTER TABLE probe ADD COLUMN note text DEFAULT 'x'`);
    const failures: string[] = [];
    let rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 4; i++) rows = await read().catch((error: Error) => (failures.push(error.message), []));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/cached plan must not change result type/);
    expect(rows).toEqual([{ id: 1, note: 'x' }]);
  });
});
