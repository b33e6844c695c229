// The V8 settings `loaban` runs with, chosen for a small server's memory (issue 17). Each was
// measured with `npm run bench:start` and `npm run bench:inbound` on a 2-core machine; V8 takes
// these after start (--max-semi-space-size and --max-old-space-size it does not).

/** Whether the operator sized the young generation: NODE_OPTIONS (node's own setting, read here before
 * anything starts; loaban's settings are read by core/config.ts) or node's arguments. */
function youngGenerationSized(execArgv, nodeOptions) {
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((flag) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(flag));
}

/** The flags for `v8.setFlagsFromString`, in order, for a process started with these arguments. */
export function v8Flags({ execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '' } = {}) {
  return [
    // WebAssembly (the embedded database, Prisma's query compiler) compiled by V8's baseline
    // compiler only: 60-100 MB less resident memory for about 6 % fewer messages a second. Set
    // before any is compiled.
    '--liftoff-only',
    // The young generation kept at its first size (2 MB) instead of growing to 32 MB: 25-30 MB less
    // at rest and 30-40 MB less after a burst, for about a quarter more CPU per message (on
    // PostgreSQL 7.9-8.7 ms against 5.1-5.5). A server with memory to spare chooses the speed with
    // NODE_OPTIONS=--max-semi-space-size=16: then the young generation grows to what it says.
    ...(youngGenerationSized(execArgv, nodeOptions) ? [] : ['--semi-space-growth-factor=1']),
    // The old generation may grow to 1.5 times what a full collection left, instead of the 1.1-4
    // times V8 chooses by its speed: after 3,000 messages, embedded 387-395 → 238 MB and on
    // PostgreSQL 294-316 → 172 MB (about 45 MB live either way), no measurable change in CPU per
    // message (25 % cost 5-10 % more CPU on PostgreSQL, 10 % more still).
    '--heap-growing-percent=50',
  ];
}
