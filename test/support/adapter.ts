/** Watching what Prisma sends to the database, below the client: every SQL statement, transactions included. */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { Db } from '../../src/core/store/store.ts';

/** `factory`, calling `seen` with each statement before it goes (and waiting for it: a test may slow one down). */
export function watched(factory: SqlDriverAdapterFactory, seen: (sql: string) => void | Promise<void>): SqlDriverAdapterFactory {
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(on, prop, receiver) {
        const value = Reflect.get(on, prop, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'queryRaw' || prop === 'executeRaw')
          return async (query: SqlQuery) => {
            await seen(query.sql);
            return value.call(on, query);
          };
        if (prop === 'startTransaction') return async (...args: unknown[]) => wrap(await value.apply(on, args));
        return value.bind(on);
      },
    });
  return { provider: factory.provider, adapterName: factory.adapterName, connect: async () => wrap((await factory.connect()) as SqlDriverAdapter) };
}

/** `count` group chats on `platform`, one broadcast due now, and a queued delivery of it to each; the chats. */
export async function seedOutbox(db: Db, count: number, platform = 'sandbox') {
  const links = await db.chatLink.createManyAndReturn({
    data: Array.from({ length: count }, (_, i) => ({ platform, chatId: `group:${i}`, kind: 'group' })),
  });
  const broadcast = await db.broadcast.create({ data: { text: 'Tháng hành động', audience: {}, scheduledFor: new Date(), status: 'expanded' } });
  await db.delivery.createMany({ data: links.map((l) => ({ broadcastId: broadcast.id, chatLinkId: l.id, platform, nextAttemptAt: new Date(0) })) });
  return links;
}
