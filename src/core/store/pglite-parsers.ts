/**
 * PGlite merges the type parsers a query brings into a copy of its own for every such query: a new
 * object of about 320 entries, ~0.1 ms and garbage each time. Prisma's PGlite adapter brings the
 * same two dozen parsers to every query, so each query of an inbound message or a send paid it (a
 * sixth of a broadcast's CPU, measured). Here they are set on the instance's own parsers instead
 * (again at every query, ~1.5 µs, so nothing PGlite rebuilds later can undo them) and the query
 * goes without them: the same parsers apply, nothing is copied.
 *
 * Only for an instance Prisma alone queries (the store's): what another caller read through it
 * would be parsed the adapter's way.
 */
import type { PGlite, Transaction } from '@electric-sql/pglite';

type Query = PGlite['query'];

function parsingInPlace(query: Query, parsers: PGlite['parsers']): Query {
  return (sql, params, options) => {
    if (!options?.parsers) return query(sql, params, options);
    const { parsers: given, ...rest } = options;
    Object.assign(parsers, given);
    return query(sql, params, rest);
  };
}

/** `pglite`, with its queries and its transactions' queries parsed as above. */
export function parsersOnce(pglite: PGlite): PGlite {
  pglite.query = parsingInPlace(pglite.query.bind(pglite), pglite.parsers);
  const transaction = pglite.transaction.bind(pglite);
  pglite.transaction = (work) =>
    transaction((tx: Transaction) => {
      tx.query = parsingInPlace(tx.query, pglite.parsers);
      return work(tx);
    });
  return pglite;
}
