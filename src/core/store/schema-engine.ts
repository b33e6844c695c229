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
import { wholeScripts } from './whole-scripts.ts';

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
