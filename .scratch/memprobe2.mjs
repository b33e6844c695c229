import v8 from 'node:v8'; import vm from 'node:vm'; import fs from 'node:fs';
v8.setFlagsFromString('--liftoff-only'); v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc');
process.argv = [process.argv[0], 'loaban', 'start'];
const show = (l) => { const m = process.memoryUsage(); console.error(l, Math.round(m.rss/1048576), 'ext', Math.round(m.external/1048576), 'heap', Math.round(m.heapUsed/1048576)); };
setTimeout(() => { show('before'); gc(); setTimeout(() => { show('after'); process.kill(process.pid, 'SIGTERM'); }, 1000); }, 8000);
await import('../dist/cli/index.js');
