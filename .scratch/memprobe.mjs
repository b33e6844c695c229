import v8 from 'node:v8';
v8.setFlagsFromString('--liftoff-only'); if (process.env.SEMI) v8.setFlagsFromString(process.env.SEMI);
process.argv = [process.argv[0], 'loaban', 'start'];
setTimeout(() => {
  const m = process.memoryUsage();
  const mb = (x) => Math.round(x / 1048576);
  console.error('MEM', JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, mb(v)]))));
  console.error('SPACES', JSON.stringify(v8.getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.space_size), mb(s.space_used_size)])));
  const st = require('fs').readFileSync('/proc/self/status','utf8').match(/(VmRSS|RssAnon|RssFile).*/g);
  console.error(st.join(' | '));
  if (process.env.SNAP) v8.writeHeapSnapshot(process.env.SNAP);
  process.kill(process.pid, 'SIGTERM');
}, Number(process.env.WAIT ?? 6000)).unref?.();
import { createRequire } from 'node:module'; globalThis.require = createRequire(import.meta.url);
await import('../dist/cli/index.js');
