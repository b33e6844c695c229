/**
 * Names for the statements sent to a PostgreSQL server again and again, so that each connection
 * prepares them once and then only binds and runs them (pg keeps a named statement per connection;
 * Prisma's pg adapter asks for a name through `statementNameGenerator`). Unnamed, every update's
 * arrival and every reservation of the send clock was parsed and planned anew. Named, a webhook on a
 * 2-core machine answered 6–8 % more messages a second (bench:inbound, seven runs in turns: 455
 * against 426 on average; `loaban`'s CPU 2.43 against 2.58 ms a message); a broadcast's sends were as
 * cheap as before. Prisma's own engine did the same with a cache of 100 statements a connection.
 *
 * Bounded, because pg cannot forget a prepared statement: a statement is named the second time its
 * text is sent (one sent once, as an export's list of a thousand ids, is never kept on the server),
 * and only the first `max` such texts are (those every message sends come first); the rest go
 * unnamed, as before. The empty name is PostgreSQL's unnamed statement.
 *
 * Needs a server connection of its own for each session, as Loa Bản's locks do already: a pooler in
 * session mode, not PgBouncer's transaction mode (README, "Several servers").
 */
export function statementNames(max = 100, rememberedOnce = 1000): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  let seenOnce = new Set<string>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined) return name;
    if (names.size >= max) return '';
    if (!seenOnce.has(sql)) {
      // Forgetting the texts seen once now and then keeps this small: a text sent again names later.
      if (seenOnce.size >= rememberedOnce) seenOnce = new Set();
      seenOnce.add(sql);
      return '';
    }
    seenOnce.delete(sql);
    const named = `loaban_${names.size + 1}`;
    names.set(sql, named);
    return named;
  };
}
