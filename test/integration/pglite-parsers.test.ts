/**
 * Prisma's queries on the embedded database reach PGlite without type parsers of their own (PGlite
 * would copy its ~320 into a new object for each: see pglite-parsers.ts), in transactions too, and
 * still read back exactly what they wrote.
 */
import { PGlite, type QueryOptions, type Transaction } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../src/core/store/store.ts';
import { freshStore } from '../support/stores.ts';

describe('Prisma on the embedded database', () => {
  const given: Array<QueryOptions | undefined> = [];
  let store: Store;

  beforeAll(async () => {
    const query = PGlite.prototype.query;
    vi.spyOn(PGlite.prototype, 'query').mockImplementation(function (this: PGlite, sql, params, options) {
      given.push(options);
      return query.call(this, sql, params, options);
    } as PGlite['query']);
    const transaction = PGlite.prototype.transaction;
    vi.spyOn(PGlite.prototype, 'transaction').mockImplementation(function (this: PGlite, work) {
      return transaction.call(this, (tx: Transaction) => {
        const txQuery = tx.query;
        tx.query = (sql, params, options) => (given.push(options), txQuery(sql, params, options));
        return work(tx);
      });
    } as PGlite['transaction']);
    store = await freshStore('pglite');
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await store?.close();
  });

  it('gives PGlite no parsers per query, in a transaction or not, and reads back dates, days, JSON, big numbers and lists as written', async () => {
    const db = store.prisma;
    given.length = 0;
    const at = new Date('2026-12-03T07:08:09.123Z');
    const audit = await db.auditLog.create({ data: { at, actor: 'cli', action: 'test', entity: 'Thử', entityId: '1', after: { tên: 'Bản Nà Hìn', số: [1, 2.5], có: true, không: null } } });
    await db.rateClock.create({ data: { platform: 'telegram', nextAtUs: 9_007_199_254_740_993n } });
    const area = await db.area.create({ data: { code: 'p-1', name: 'Xã Thử', level: 'commune', path: '/' } });
    const group = await db.communicationGroup.create({ data: { name: 'Tổ thử', areaId: area.id } });
    const report = await db.$transaction(async (tx) => {
      const made = await tx.sessionReport.create({
        data: {
          groupId: group.id, quarter: '2026Q4', heldOn: new Date('2026-11-30'), format: 'meeting', topics: ['tảo hôn', 'bạo lực gia đình'],
          participantsTotal: 45, participantsWomen: 30, participantsEthnicMinority: 40, place: 'nhà văn hóa', photos: [], source: 'chat', idempotencyKey: 'thử-1',
        },
      });
      return tx.sessionReport.findUniqueOrThrow({ where: { id: made.id } });
    });

    expect(given.length).toBeGreaterThan(5);
    expect(given.filter((options) => options?.parsers !== undefined)).toEqual([]);

    const read = await db.auditLog.findUniqueOrThrow({ where: { id: audit.id } });
    expect(read.at).toEqual(at);
    expect(read.after).toEqual({ tên: 'Bản Nà Hìn', số: [1, 2.5], có: true, không: null });
    expect((await db.rateClock.findUniqueOrThrow({ where: { platform: 'telegram' } })).nextAtUs).toBe(9_007_199_254_740_993n);
    expect(report.heldOn).toEqual(new Date('2026-11-30T00:00:00.000Z'));
    expect(report.topics).toEqual(['tảo hôn', 'bạo lực gia đình']);
    expect(report.photos).toEqual([]);
    expect(report.createdAt).toBeInstanceOf(Date);
  });
});
