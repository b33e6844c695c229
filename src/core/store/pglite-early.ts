/**
 * The embedded database's WebAssembly (9 MB) and file bundle (6 MB), read and compiled early: V8
 * compiles WebAssembly on its own threads, so begun as soon as a command knows its database is
 * embedded (cli/common.ts), before it loads the rest of its modules and the database's, the
 * compilation is done by the time PGlite starts instead of after (about 0.1 s of a command).
 * PGlite reads and compiles them itself when they are not given (another layout of the package).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface PgliteArtifacts {
  pgliteWasmModule?: WebAssembly.Module;
  fsBundle?: Blob;
}

let early: Promise<PgliteArtifacts> | undefined;

/** Begins reading and compiling PGlite's artifacts (once; cheap to call again). */
export function prepareEmbedded(): void {
  early ??= (async () => {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    const [wasm, data] = await Promise.all([readFile(path.join(dir, 'pglite.wasm')), readFile(path.join(dir, 'pglite.data'))]);
    // PGlite (0.5.16, pinned) asks the bundle only for its bytes: handed over as read, not copied into a
    // Blob and out again. Should a later PGlite ask more of it, pglite-early.test.ts fails to start one.
    const bytes = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return { pgliteWasmModule: await WebAssembly.compile(wasm), fsBundle: { arrayBuffer: async () => bytes } as Blob };
  })().catch(() => ({}));
}

/**
 * What `prepareEmbedded` made, for one PGlite to start with; empty when it was not asked for. Taken
 * once: the 6 MB bundle is not kept after the database has it.
 */
export async function takeEmbedded(): Promise<PgliteArtifacts> {
  const artifacts = early;
  early = undefined;
  return (await artifacts) ?? {};
}
