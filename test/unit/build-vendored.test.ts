/**
 * What the build (scripts/build.mjs) writes beside the compiled code: zod as one module (its package
 * is some 95 modules, about 0.1 s of every command, `--help` included), and the way the compiled
 * start reaches the V8 settings the launcher applied.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleZod, launcherSettings } from '../../scripts/build.mjs';
import * as launchers from '../../src/bin/v8-flags.js';

const made: string[] = [];
afterEach(() => made.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A compiled tree as tsc writes it: two modules importing zod, at two depths, one not. */
function compiledTree(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'loaban-dist-'));
  made.push(dist);
  mkdirSync(path.join(dist, 'core'));
  writeFileSync(path.join(dist, 'core', 'config.js'), "import { z } from 'zod';\nexport const port = z.coerce.number().int().min(1);\n");
  writeFileSync(path.join(dist, 'top.js'), "import { z } from 'zod';\nimport { port } from './core/config.js';\nexport const read = (v) => port.safeParse(v);\nexport { z };\n");
  writeFileSync(path.join(dist, 'plain.js'), "export const zod = 'zod';\nexport const other = () => import('zod-extra').catch(() => null);\n");
  return dist;
}

describe('zod in the compiled commands', () => {
  it('is one module beside them, which every module that imported zod imports instead', async () => {
    const dist = compiledTree();
    await bundleZod(dist);
    expect(readFileSync(path.join(dist, 'core', 'config.js'), 'utf8')).toContain("from '../vendor/zod.js'");
    expect(readFileSync(path.join(dist, 'top.js'), 'utf8')).toContain("from './vendor/zod.js'");
    expect(readFileSync(path.join(dist, 'plain.js'), 'utf8')).toBe("export const zod = 'zod';\nexport const other = () => import('zod-extra').catch(() => null);\n");
    const top = await import(pathToFileURL(path.join(dist, 'top.js')).href);
    expect(top.read('3000')).toMatchObject({ success: true, data: 3000 });
    expect(top.read('ba nghìn').success).toBe(false);
    const { z } = await import(pathToFileURL(path.join(dist, 'vendor', 'zod.js')).href);
    expect(top.z).toBe(z);
  });
});

describe("the V8 settings in the compiled code", () => {
  it("are the launcher's own module, not a copy (it knows what the launcher applied)", async () => {
    const dist = compiledTree();
    launcherSettings(dist);
    const compiled = await import(pathToFileURL(path.join(dist, 'bin', 'v8-flags.js')).href);
    expect(compiled.youngGenerationWhileServing).toBe(launchers.youngGenerationWhileServing);
    expect(compiled.applyV8Flags).toBe(launchers.applyV8Flags);
  });
});
