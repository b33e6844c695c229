/**
 * The generated Prisma client reads its query compiler from a .wasm file (scripts/prisma-wasm-file.mjs,
 * run by `npm run generate`), not from the base64 module that stays in memory as text.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/core/paths.ts';

const internal = path.join(projectRoot, 'src/generated/prisma/internal');

describe('the query compiler of the generated client', () => {
  it('is read from query_compiler.wasm beside the client, a WebAssembly module', () => {
    const client = readFileSync(path.join(internal, 'class.ts'), 'utf8');
    expect(client).not.toMatch(/await import\("[^"]*wasm-base64/);
    expect(client).toContain("new URL('./query_compiler.wasm', import.meta.url)");
    const wasm = readFileSync(path.join(internal, 'query_compiler.wasm'));
    expect(WebAssembly.validate(wasm)).toBe(true);
  });

  it('is copied into dist/ with the compiled client', () => {
    expect(existsSync(path.join(projectRoot, 'dist/generated/prisma/internal/query_compiler.wasm'))).toBe(true);
  });
});
