#!/usr/bin/env node
// The `loaban` command. It runs the compiled JavaScript in dist/ (built by `npm install`, see
// scripts/build.mjs) while the sources are exactly those it was built from (every file, its size and
// modification time, as dist/.built lists them); otherwise — a checkout being edited, a file added or
// deleted — the TypeScript sources through tsx, so a stale build never runs.
import v8 from 'node:v8';
import { builtFromSources } from './built.js';

// WebAssembly (the embedded database, Prisma's query compiler) compiled by V8's baseline compiler
// only, for a small server's memory: measured with `npm run bench:start` and `bench:inbound`,
// 60-100 MB less resident memory for about 6 % fewer messages a second. Set before any is compiled.
v8.setFlagsFromString('--liftoff-only');
// The young generation kept at its first size instead of growing to 32 MB: 25-30 MB less at rest,
// no change in messages a second measured with `npm run bench:inbound`. One of the few heap
// settings V8 takes after start (--max-semi-space-size is not).
v8.setFlagsFromString('--semi-space-growth-factor=1');
// The old generation allowed to grow to 1.5 times what a full collection left, instead of V8's
// 1.1-4 times chosen by its speed: after 3,000 messages (`npm run bench:inbound`) 387-395 → 238 MB
// embedded and 294-316 → 172 MB on PostgreSQL, live data being about 45 MB either way, for no
// measurable change in CPU per message (25 % cost 5-10 % more CPU on PostgreSQL; 10 % more still).
v8.setFlagsFromString('--heap-growing-percent=50');

if (builtFromSources()) {
  await import('../../dist/cli/index.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/index.ts');
}
