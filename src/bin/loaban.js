#!/usr/bin/env node
// The `loaban` command. It runs the compiled JavaScript in dist/ (built by `npm install`, see
// scripts/build.mjs) while the sources are exactly those it was built from (every file, its size and
// modification time, as dist/.built lists them); otherwise — a checkout being edited, a file added or
// deleted — the TypeScript sources through tsx, so a stale build never runs.
import { builtFromSources } from './built.js';
import { applyV8Flags } from './v8-flags.js';

// Memory for a small server: see v8-flags.js. Set before anything is compiled or allocated, so read
// here, before the configuration (core/config.ts) is loaded: NODE_OPTIONS is Node's own setting.
applyV8Flags({ execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? '' });

if (builtFromSources()) {
  await import('../../dist/cli/index.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/index.ts');
}
