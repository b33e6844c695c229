/**
 * The compiled commands load zod as one module (scripts/build.mjs): its package is some 95 modules
 * (every locale, the JSON Schema conversions), about 0.1 s of every command, `--help` included.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleZod } from '../../scripts/build.mjs';

const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A compiled tree as tsc writes it: two modules importing zod, at two depths, one not. */
function compiledTree(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'loaban-dist-'));
  made.push(dist);
  mkdirSync(path.join(dist, 'core'));
  writeFileSync(path.join(dist, 'core', 'config.js'), "import { z } from 'zod';\nexport const port = z.coerce.number().int().min(1);\n");
  writeFileSync(path.join(dist, 'top.js'), "import { z } from 'zod';\nimport { port } from './core/config.js';\nexport const read = (v) => port.safeParse(v);\nexport { z };\n");
  writeFileSync(path.join(dist, 'plain.js'), "export const zod = 'zod';\n");
  return dist;
}

describe('zod in the compiled commands', () => {
  it('is one module beside them, which every module that imported zod imports instead', async () => {
    const dist = compiledTree();
    await bundleZod(dist);
    expect(readFileSync(path.join(dist, 'core', 'config.js'), 'utf8')).toContain("from '../vendor/zod.js'");
    expect(readFileSync(path.join(dist, 'top.js'), 'utf8')).toContain("from './vendor/zod.js'");
    expect(readFileSync(path.join(dist, 'plain.js'), 'utf8')).toBe("export const zod = 'zod';\n");
    const top = await import(pathToFileURL(path.join(dist, 'top.js')).href);
    expect(top.read('3000')).toMatchObject({ success: true, data: 3000 });
    expect(top.read('ba nghìn').success).toBe(false);
    const { z } = await import(pathToFileURL(path.join(dist, 'vendor', 'zod.js')).href);
    expect(top.z).toBe(z);
  });
});
