/**
 * The V8 settings `loaban` starts with (src/bin/v8-flags.js): the young generation kept small while
 * starting, for a small server's memory, and let grow to 8 MB once serving, unless the operator sized
 * it (NODE_OPTIONS=--max-semi-space-size=N), the old generation held to 1.5 times its live data where V8 would allow 4, what the
 * operator gave node left alone — and what V8 does with them in a real process.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { v8Flags } from '../../src/bin/v8-flags.js';

const small = '--semi-space-growth-factor=1';
const bounded = '--heap-growing-percent=50';
const lateRegexps = '--regexp-tier-up-ticks=1000';
const big = 4 * 2 ** 30; // the heap V8 allows itself on a machine with 16 GB or more
const plain = { execArgv: [], nodeOptions: '', heapLimitBytes: big };

describe('the V8 settings loaban starts with', () => {
  it('keep the young generation small, compile WebAssembly once, regular expressions once they are used, and bound the old generation', () => {
    expect(v8Flags(plain)).toEqual(['--liftoff-only', lateRegexps, small, bounded]);
  });

  it('leave the old generation to V8 where it may use less than 1 GB of heap (it is careful there already)', () => {
    expect(v8Flags({ ...plain, heapLimitBytes: 300 * 2 ** 20 })).toEqual(['--liftoff-only', lateRegexps, small]);
  });

  it.each([
    ['NODE_OPTIONS', { nodeOptions: '--max-semi-space-size=16' }],
    ['NODE_OPTIONS among others', { nodeOptions: '--enable-source-maps  --max-semi-space-size=8 --trace-warnings' }],
    ['NODE_OPTIONS in quotes', { nodeOptions: '"--max-semi-space-size=16"' }],
    ["node's arguments, V8's spelling", { execArgv: ['--max_semi_space_size=16'] }],
    ["node's arguments, the growth itself", { execArgv: ['--semi-space-growth-factor=2'] }],
  ])('leave the young generation to the operator who sized it (%s)', (_where, given) => {
    const flags = v8Flags({ ...plain, ...given });
    expect(flags).not.toContain(small);
    expect(flags).toContain(bounded);
  });

  it("leave the old generation's growth, the WebAssembly compilers and the regular expressions' to the operator who set them", () => {
    expect(v8Flags({ ...plain, execArgv: ['--heap-growing-percent=20', '--liftoff-only', '--regexp-tier-up-ticks=1'] })).toEqual([small]);
    expect(v8Flags({ ...plain, nodeOptions: '--no-regexp-tier-up' })).not.toContain(lateRegexps);
  });

  it('are not fooled by a flag that only begins the same', () => {
    expect(v8Flags({ ...plain, execArgv: ['--max-semi-space-size-x'] })).toContain(small);
  });

  /** The young generation's size (bytes) after a burst of short-lived objects, in a node started with `nodeArgs`. */
  function youngGenerationAfterBurst(nodeArgs: string[]): number {
    const script = `
      import v8 from 'node:v8';
      import { v8Flags } from ${JSON.stringify(new URL('../../src/bin/v8-flags.js', import.meta.url).href)};
      for (const flag of v8Flags({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? '' })) v8.setFlagsFromString(flag);
      let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
      process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size));`;
    const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.stderr).toBe('');
    return Number(run.stdout);
  }

  it('hold in a real process: the young generation stays small, or grows to what the operator set', () => {
    const pinned = youngGenerationAfterBurst([]);
    const sized = youngGenerationAfterBurst(['--max-semi-space-size=16']);
    expect(pinned).toBeGreaterThan(0);
    expect(sized).toBeGreaterThanOrEqual(4 * pinned);
  });

  /**
   * The young generation's size (bytes) in a node started with `nodeArgs` and loaban's settings, after
   * a burst of work done as a server does it (in turns, a little at a time), once it serves; before
   * that, a burst as a start makes (unless not `started`).
   */
  function youngGenerationServing(nodeArgs: string[], { started = true } = {}): { starting: number; serving: number } {
    const script = `
      import v8 from 'node:v8';
      import { setImmediate as turn } from 'node:timers/promises';
      import { applyV8Flags, youngGenerationWhileServing } from ${JSON.stringify(new URL('../../src/bin/v8-flags.js', import.meta.url).href)};
      applyV8Flags({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? '' });
      const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let keep = [];
      const burst = async () => { for (let i = 0; i < 400; i++) { for (let j = 0; j < 5000; j++) { keep.push({ j, s: 'x' + j }); if (keep.length > 20000) keep = []; } await turn(); } };
      if (${started}) await burst();
      const starting = young();
      youngGenerationWhileServing();
      await burst();
      process.stdout.write(JSON.stringify({ starting, serving: young() }));`;
    const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as { starting: number; serving: number };
  }

  /**
   * The largest sizes of up to three such runs, until one reaches `serving`: V8 also shrinks the
   * young generation when a process allocates slowly, as on a machine busy with other work (a CI run
   * saw 1 MB where 2 were expected), and shrinking only ever lowers what a run shows.
   */
  function largestServing(nodeArgs: string[], serving: number, options?: { started?: boolean }) {
    let largest = { starting: 0, serving: 0 };
    for (let run = 0; run < 3 && largest.serving !== serving; run++) {
      const sizes = youngGenerationServing(nodeArgs, options);
      largest = { starting: Math.max(largest.starting, sizes.starting), serving: Math.max(largest.serving, sizes.serving) };
    }
    return largest;
  }

  it('let the young generation grow to 8 MB once serving, the work coming in turns (fewer collections a message); or leave it to the operator', () => {
    const mine = largestServing([], 8 * 2 ** 20);
    expect(mine.starting).toBeLessThanOrEqual(2 * 2 ** 20);
    expect(mine.serving).toBe(8 * 2 ** 20); // both halves of a 4 MB semi-space
    const sized = largestServing(['--max-semi-space-size=2'], 4 * 2 ** 20);
    expect(sized.starting).toBeLessThanOrEqual(4 * 2 ** 20);
    expect(sized.serving).toBe(4 * 2 ** 20); // what was set, neither more nor less once serving
    // Sized larger by the operator and not grown yet when serving begins: it grows to what they said.
    const larger = largestServing(['--max-semi-space-size=16'], 32 * 2 ** 20, { started: false });
    expect(larger.serving).toBe(32 * 2 ** 20);
  });

  it('hold in a real process: patterns run a few times each leave no native code behind, unless the operator wants it compiled at once', () => {
    /** Code space (bytes) taken by 400 patterns run five times each, in a node started with `nodeArgs`. */
    const codeAfterPatterns = (nodeArgs: string[]) => {
      const script = `
        import v8 from 'node:v8';
        import { v8Flags } from ${JSON.stringify(new URL('../../src/bin/v8-flags.js', import.meta.url).href)};
        for (const flag of v8Flags({ execArgv: process.execArgv, nodeOptions: '' })) v8.setFlagsFromString(flag);
        const code = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'code_space').space_used_size;
        const before = code();
        const patterns = Array.from({ length: 400 }, (_, i) => new RegExp('(?<= )(bi|bị) ?(danh|đánh)' + i + '(\\\\s|$)', 'u'));
        for (let round = 0; round < 5; round++) for (const p of patterns) p.test(' chong bi danh' + round + ' ');
        process.stdout.write(String(code() - before));`;
      const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
      expect(run.stderr).toBe('');
      return Number(run.stdout);
    };
    const late = codeAfterPatterns([]);
    const atOnce = codeAfterPatterns(['--regexp-tier-up-ticks=1']);
    expect(atOnce).toBeGreaterThan(500_000);
    expect(late).toBeLessThan(atOnce / 10);
  });
});
