import v8 from 'node:v8';
v8.setFlagsFromString('--liftoff-only');
const mb = (x) => (x / 1048576).toFixed(1);
const rssA = () => Number(require('fs').readFileSync('/proc/self/status','utf8').match(/RssAnon:\s+(\d+)/)[1]) / 1024;
import { createRequire } from 'node:module'; globalThis.require = createRequire(import.meta.url);
let last = { h: process.memoryUsage().heapUsed, a: rssA() };
function step(label) { global.gc?.(); global.gc?.(); const h = process.memoryUsage().heapUsed, a = rssA(); console.log(label.padEnd(30), 'heap +', mb(h - last.h), 'anon +', (a - last.a).toFixed(1), 'total heap', mb(h), 'anon', a.toFixed(0)); last = { h, a }; }
step('base');
for (const m of (process.env.MODS || '').split(',')) { await import(m); step(m); }
