/**
 * The V8 settings `loaban` starts with (src/bin/v8-flags.js): the young generation kept small for a
 * small server's memory unless the operator sized it (NODE_OPTIONS=--max-semi-space-size=16, for
 * speed), and what V8 does with them in a real process.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { v8Flags } from '../../src/bin/v8-flags.js';

const small = '--semi-space-growth-factor=1';

describe('the V8 settings loaban starts with', () => {
  it('keep the young generation small, compile WebAssembly once and bound the old generation', () => {
    expect(v8Flags({ execArgv: [], nodeOptions: '' })).toEqual(['--liftoff-only', small, '--heap-growing-percent=50']);
  });

  it.each([
    ['NODE_OPTIONS', { execArgv: [], nodeOptions: '--max-semi-space-size=16' }],
    ['NODE_OPTIONS among others', { execArgv: [], nodeOptions: '--enable-source-maps  --max-semi-space-size=8 --trace-warnings' }],
    ["node's arguments, V8's spelling", { execArgv: ['--max_semi_space_size=16'], nodeOptions: '' }],
  ])('leave the young generation to the operator who sized it (%s)', (_where, options) => {
    expect(v8Flags(options)).not.toContain(small);
    expect(v8Flags(options)).toContain('--heap-growing-percent=50');
  });

  it('are not fooled by a flag that only begins the same', () => {
    expect(v8Flags({ execArgv: ['--max-semi-space-size-x'], nodeOptions: '' })).toContain(small);
  });

  /** The young generation's size (MB) after a burst of short-lived objects, in a node started with `nodeArgs`. */
  function youngGenerationAfterBurst(nodeArgs: string[]): number {
    const script = `
      import v8 from 'node:v8';
      import { v8Flags } from ${JSON.stringify(new URL('../../src/bin/v8-flags.js', import.meta.url).href)};
      for (const flag of v8Flags()) v8.setFlagsFromString(flag);
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      process.stdout.write(String(young.space_size / 1048576));`;
    const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.stderr).toBe('');
    return Number(run.stdout);
  }

  it('hold in a real process: the young generation stays at 2 MB, or grows to what the operator set', () => {
    expect(youngGenerationAfterBurst([])).toBeLessThanOrEqual(2);
    expect(youngGenerationAfterBurst(['--max-semi-space-size=16'])).toBeGreaterThan(8);
  });
});
