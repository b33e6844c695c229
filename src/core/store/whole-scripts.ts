/**
 * A driver adapter whose `executeScript` runs a script whole and waits for it (a migration's, or one a
 * command sends through the control socket).
 */
import type { PGlite } from '@electric-sql/pglite';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

/**
 * `adapter` running a migration's script as one statement list, as Prisma's native engine does: the
 * pg adapter cuts a script at every ";" and sends each piece alone, which breaks a function's body
 * (its statements end with ";" inside $$ … $$) and leaves a migration half applied when a later piece
 * fails. PostgreSQL runs a query of several statements (the simple protocol: no parameters) as one
 * transaction. The embedded database's adapter sends the script whole but does not wait for it:
 * a script that failed was recorded as applied, its error thrown nowhere. Both now wait and fail.
 */
export function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
  if (adapter.adapterName === '@prisma/adapter-pg') {
    adapter.executeScript = async (script) => void (await adapter.executeRaw({ sql: script, args: [], argTypes: [] }));
  } else if (adapter.adapterName === 'pglite-prisma-adapter') {
    // Its own `client` and `onError` (the database's error as Prisma's, so the engine names it).
    const embedded = adapter as SqlDriverAdapter & { client?: Partial<Pick<PGlite, 'exec'>>; onError?(error: unknown): never };
    const { client, onError } = embedded;
    if (typeof client?.exec !== 'function' || typeof onError !== 'function') throw new Error('pglite-prisma-adapter changed: its adapter has no client.exec or onError to run a migration with');
    adapter.executeScript = async (script) => {
      await client.exec!(script).catch((error: unknown) => onError.call(embedded, error));
    };
  }
  return adapter;
}
