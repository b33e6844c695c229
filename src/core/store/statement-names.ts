/**
 * Names for the statements sent to a PostgreSQL server again and again, so that each connection
 * prepares them once and then only binds and runs them (pg keeps a named statement per connection;
 * Prisma's pg adapter asks for a name through `statementNameGenerator`). Unnamed, every update's
 * arrival and every reservation of the send clock is parsed and planned anew by the server: named, the
 * server's CPU for an arrival and a Prisma read fell by a third (0.35–0.37 → 0.24–0.25 ms, a loop of
 * 3,000, 32 at once), `loaban`'s own stayed the same. Where the server shares the machine's two
 * cores with the bot, bench:inbound on PostgreSQL answered 454 messages a second against 426, seven
 * runs each in turns (within the drift of this machine: one pair of the seven went the other way).
 *
 * Bounded, because pg cannot forget a prepared statement: a statement is named the second time its
 * text is sent (one sent once, as an export's list of a thousand ids, is never kept on the server),
 * and only the first `max` such texts are (those every message sends come first); the rest go
 * unnamed, as before. The empty name is PostgreSQL's unnamed statement. A statement without
 * parameters is never named: a migration's script of several statements must go unnamed (PostgreSQL
 * prepares one statement at a time), and Prisma sends few others without (BEGIN, a ping).
 *
 * A name is made from the text itself, so that it means the same statement in every process: behind
 * a pooler that hands one server connection to several processes (PgBouncer's transaction mode,
 * which the README rules out for the locks' sake), a name another process prepared runs the same
 * text or fails, never another statement. A migration that changes what a prepared statement returns
 * makes it fail on the connections that hold it until they are closed — at once when it ran outside a
 * transaction (pg's pool closes a connection after an error), not when it ran inside one: restart the
 * processes after migrating, as the README's upgrade does (stop all, migrate with the first start,
 * start the others).
 */
import { createHash } from 'node:crypto';

export function statementNames(max = 100, rememberedOnce = 1000): (query: { sql: string; args: readonly unknown[] }) => string {
  const names = new Map<string, string>();
  // The names of texts sent once (not the texts: an export's list of ids is several KB).
  let seenOnce = new Set<string>();
  return ({ sql, args }) => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (args.length === 0 || names.size >= max) return '';
    const name = `loaban_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    if (!seenOnce.has(name)) {
      // Forgetting the texts seen once now and then keeps this small: a text sent again is named later.
      if (seenOnce.size >= rememberedOnce) seenOnce = new Set();
      seenOnce.add(name);
      return '';
    }
    seenOnce.delete(name);
    names.set(sql, name);
    return name;
  };
}
