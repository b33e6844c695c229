// The V8 settings `loaban` runs with, for a small server's memory (issue 17). V8 takes these after
// start (--max-semi-space-size and --max-old-space-size it does not). Measured with
// `npm run bench:inbound` on a 2-core machine with 24 GB of memory; V8 sizes its heap by the memory it
// sees, so on a small server it is already more careful and these settings change less.
import v8 from 'node:v8';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** The young generation kept at its first size: see v8Flags. */
const keptSmall = '--semi-space-growth-factor=1';

/** Whether applyV8Flags kept the young generation small (the operator did not size it). */
let keptSmallApplied = false;

/** Node's own options as written in NODE_OPTIONS (quotes as Node accepts them removed). */
function nodeOptionsOf(nodeOptions) {
  return nodeOptions.split(/\s+/).map((option) => option.replace(/^(["'])(.*)\1$/, '$2'));
}

/** The V8 option `name` (dashes or underscores) among `options`. */
const given = (options, name) => {
  const spelled = new RegExp(`^--${name.replace(/-/g, '[-_]')}(=|$)`);
  return options.some((option) => spelled.test(option));
};

/**
 * The flags for `v8.setFlagsFromString`, in order. What the operator gave node itself (`execArgv`,
 * node's arguments, or `nodeOptions`, NODE_OPTIONS as the launcher read it) is left as given.
 */
export function v8Flags({ execArgv, nodeOptions, heapLimitBytes = v8.getHeapStatistics().heap_size_limit }) {
  const options = [...execArgv, ...nodeOptionsOf(nodeOptions)];
  const flags = [];
  // WebAssembly (the embedded database, Prisma's query compiler) compiled by V8's baseline
  // compiler only: 60-100 MB less resident memory for about 6 % fewer messages a second. Set
  // before any is compiled.
  if (!given(options, 'liftoff-only')) flags.push('--liftoff-only');
  // A regular expression compiled to native code once it has run a thousand times, not after its
  // first run: the start's check of the safety patterns against their examples ran every one and
  // left their native code (about 6 MB) for patterns most messages never reach; those every message
  // tries are compiled within its first thousand messages. 2-5 MB less at rest (PostgreSQL 117-119
  // against 120-121 MB, two starts each).
  if (!['regexp-tier-up-ticks', 'regexp-tier-up', 'no-regexp-tier-up', 'regexp-interpret-all'].some((name) => given(options, name))) flags.push('--regexp-tier-up-ticks=1000');
  // The young generation kept at its first size (2 MB) while starting instead of growing to 32 MB
  // (8 MB where V8 sees 1 GB of memory): 25-30 MB less at rest here. Once `loaban start` serves it
  // may grow to 8 MB: see youngGenerationWhileServing. An operator who sized it
  // (NODE_OPTIONS=--max-semi-space-size=N) gets what they said, from the start.
  if (!given(options, 'max-semi-space-size') && !given(options, 'semi-space-growth-factor')) flags.push(keptSmall);
  // The old generation may grow to 1.5 times what a full collection left. Where V8 may use 1 GB or
  // more of heap (a machine with about 4 GB of memory or more) it lets it grow up to 4 times: after
  // 3,000 messages here, embedded 333 → 244 MB and on PostgreSQL 313 → 170 MB (about 45 MB live),
  // no measurable change in CPU. With less, V8 already keeps to 1.3-2 times and shrinks further
  // under memory pressure, which this setting would override: it is left to V8 there.
  if (heapLimitBytes >= 2 ** 30 && !given(options, 'heap-growing-percent')) flags.push('--heap-growing-percent=50');
  return flags;
}

/** Sets the flags v8Flags gives (src/bin/loaban.js, before anything is compiled or allocated). */
export function applyV8Flags(options) {
  const flags = v8Flags(options);
  for (const flag of flags) v8.setFlagsFromString(flag);
  keptSmallApplied = flags.includes(keptSmall);
}

/** Half the young generation while serving (V8's semi-space), in bytes: see youngGenerationWhileServing. */
const servingSemiSpace = 4 * 2 ** 20;

/**
 * Called once `loaban start` serves: the young generation v8Flags kept at 2 MB while starting (what a
 * start allocates would have grown it for good) may now grow to 8 MB (halves of 4 MB, as
 * `--max-semi-space-size=4` would set). A message allocates a few hundred kilobytes that die young:
 * at 2 MB a collection came every few messages. Measured with bench:inbound, three runs each in turns:
 * embedded 4.0-5.6 -> 3.9-4.4 ms of CPU a message, PostgreSQL 2.9-3.8 -> 2.7-3.7, 8 MB more after the
 * burst, the same at rest; halves of 8 MB bought no more speed for 6-8 MB more.
 * V8 takes the maximum only at start but reads the growth factor whenever it grows the young
 * generation: after each young collection the factor is set to double while under 8 MB, to stay once
 * there. The observer runs between two turns of the event loop, so one long stretch of work without a
 * pause can grow it past 8 MB, to V8's own maximum (32 MB here, 8 MB where V8 sees 1 GB of memory),
 * where it stays: the bot's work comes in turns, message by message; an operator who wants a hard
 * bound sets NODE_OPTIONS=--max-semi-space-size=4. Nothing unless applyV8Flags kept it small.
 * Not for `loaban dispatch`: with the dispatcher's young generation at 8 MB (`--max-semi-space-size=4`)
 * a broadcast at 300 a second took 3.84 ms of CPU a send on average against 3.93 (fourteen runs each,
 * 3.41-4.14 against 3.55-4.33), for 8-13 MB more.
 */
export function youngGenerationWhileServing() {
  if (!keptSmallApplied) return;
  let factor;
  const follow = () => {
    const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    const wanted = young && young.space_size < 2 * servingSemiSpace ? 2 : 1;
    if (wanted !== factor) v8.setFlagsFromString(`--semi-space-growth-factor=${(factor = wanted)}`);
  };
  follow();
  new PerformanceObserver((list) => {
    if (list.getEntries().some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)) follow();
  }).observe({ entryTypes: ['gc'] });
}
