/**
 * The embedded database's WebAssembly compiled early (src/core/store/pglite-early.ts): a command
 * prepares it while it loads, and the database opened after starts with it — the same database, its
 * bundle's bytes as shipped — and the 6 MB bundle is not kept once taken.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { prepareEmbedded, takeEmbedded } from '../../src/core/store/pglite-early.ts';
import { openEmbedded } from '../../src/core/store/store.ts';

const packageDir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));

describe('PGlite prepared early', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'loaban-early-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives nothing when nothing was prepared: PGlite then reads its own files', async () => {
    expect(await takeEmbedded()).toEqual({});
  });

  it('compiles PGlite\'s module and reads its bundle as shipped, taken once', async () => {
    prepareEmbedded();
    prepareEmbedded(); // once, however often asked
    const artifacts = await takeEmbedded();
    expect(artifacts.pgliteWasmModule).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(artifacts.pgliteWasmModule!).length).toBeGreaterThan(100);
    const bytes = new Uint8Array(await artifacts.fsBundle!.arrayBuffer());
    expect(Buffer.from(bytes).equals(readFileSync(path.join(packageDir, 'pglite.data')))).toBe(true);
    expect(await takeEmbedded()).toEqual({});
  });

  it('an embedded database opened after a prepare starts with it, compiling nothing again, and answers', async () => {
    const pgliteWasmBytes = statSync(path.join(packageDir, 'pglite.wasm')).size;
    const compiled = vi.spyOn(WebAssembly, 'compile');
    const instantiated = vi.spyOn(WebAssembly, 'instantiate');
    prepareEmbedded();
    const pglite = await openEmbedded(path.join(dir, 'db'));
    try {
      expect(await takeEmbedded()).toEqual({}); // openEmbedded took it
      // PGlite's module compiled once, by the prepare; PGlite instantiated that module, not its bytes again.
      expect(compiled.mock.calls.filter(([bytes]) => (bytes as ArrayBufferView).byteLength === pgliteWasmBytes)).toHaveLength(1);
      expect(instantiated.mock.calls.some(([source]) => (source as ArrayBufferView).byteLength === pgliteWasmBytes)).toBe(false);
      expect(instantiated.mock.calls.some(([source]) => source instanceof WebAssembly.Module && WebAssembly.Module.exports(source).length > 100)).toBe(true);
      const { rows } = await pglite.query<{ answer: string }>("SELECT 'Loa Bản' AS answer");
      expect(rows).toEqual([{ answer: 'Loa Bản' }]);
    } finally {
      vi.restoreAllMocks();
      await pglite.close();
    }
  });
});
