/**
 * Prisma's schema engine, run as WebAssembly so migrations work without downloading the
 * native engine (see PLATFORM-NOTES.md). Owns loading the module and opening an engine
 * over a driver adapter; migrations.ts decides what to ask of it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { PGlite } from '@electric-sql/pglite';

export type SchemaEngine = bindings.SchemaEngine;

let ready: Promise<void> | undefined;

/**
 * The engine arms 10-second timers it never clears; left as they are, each command would wait
 * for them before exiting. Unref'd, they still fire while the process lives but never hold it.
 */
function unrefTimeout(callback: () => void, ms: number) {
  const handle = setTimeout(callback, ms >>> 0);
  handle.unref();
  return handle;
}

function loadWasm(): Promise<void> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const jsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(jsPath), 'schema_engine_bg.wasm'));
    const imports = Object.fromEntries(
      Object.entries(bindings).map(([name, value]) => [name, name.startsWith('__wbg_setTimeout_') ? unrefTimeout : value]),
    );
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': imports as WebAssembly.ModuleImports });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return ready;
}

/**
 * `adapter` running a migration's script as one statement list, as Prisma's native engine does: the
 * pg adapter cuts a script at every ";" and sends each piece alone, which breaks a function's body
 * (its statements end with ";" inside $$ … $$) and leaves a migration half applied when a later piece
 * fails. PostgreSQL runs a query of several statements (the simple protocol: no parameters) as one
 * transaction. The embedded database's adapter sends the script whole but does not wait for it:
 * a script that failed was recorded as applied, its error thrown nowhere. Both now wait and fail.
 */
function wholeScripts(adapter: SqlDriverAdapter): SqlDriverAdapter {
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

/**
 * Opens a schema engine on the database behind `factory`, runs `work`, then frees the engine
 * and disposes the connections it opened (the engine does not: a pg pool left open would
 * keep the process alive for its idle timeout).
 */
export async function withSchemaEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schema: { fileName: string; text: string },
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const opened: SqlDriverAdapter[] = [];
  const track = (adapter: SqlDriverAdapter) => (opened.push(adapter), wholeScripts(adapter));
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  const engine = await bindings.SchemaEngine.new(
    { datamodels: [[schema.fileName, schema.text]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  }
}
