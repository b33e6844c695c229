#!/usr/bin/env node
// The `loaban` command. It runs the compiled JavaScript in dist/ (built by `npm install`, see the
// "build" script) when that build is newer than every source file; otherwise — a checkout being
// edited — the TypeScript sources through tsx, so a stale build never runs.
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

// WebAssembly (the embedded database, Prisma's query compiler) compiled by V8's baseline compiler
// only, for a small server's memory: measured with `npm run bench:start` and `bench:inbound`,
// 60-100 MB less resident memory for about 6 % fewer messages a second. Set before any is compiled.
v8.setFlagsFromString('--liftoff-only');

const src = fileURLToPath(new URL('..', import.meta.url));
const stamp = fileURLToPath(new URL('../../dist/.built', import.meta.url));

/** Whether some file under `dir` changed after `time` (ms). */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory() ? changedSince(full, time) : statSync(full).mtimeMs > time) return true;
  }
  return false;
}

let built = 0;
try {
  built = statSync(stamp).mtimeMs;
} catch {
  // Not built: run the sources.
}
if (built > 0 && !changedSince(src, built)) {
  await import('../../dist/cli/index.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/index.ts');
}
