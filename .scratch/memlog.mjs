import fs from 'node:fs';
const mb = (x) => Math.round(x / 1048576);
const t0 = Date.now();
setInterval(() => { const m = process.memoryUsage(); fs.appendFileSync('/tmp/memlog.txt', `${process.pid} t=${Math.round((Date.now()-t0)/1000)} rss=${mb(m.rss)} heapTotal=${mb(m.heapTotal)} heapUsed=${mb(m.heapUsed)} ext=${mb(m.external)} ab=${mb(m.arrayBuffers)}\n`); }, 2000).unref();
import v8 from 'node:v8';
if (fs.existsSync('/tmp/snapat')) setTimeout(() => { v8.writeHeapSnapshot(`/tmp/load-${process.pid}.heapsnapshot`); fs.appendFileSync('/tmp/memlog.txt', 'snap\n'); }, Number(fs.readFileSync('/tmp/snapat','utf8')) * 1000).unref();
import vm from 'node:vm';
if (fs.existsSync('/tmp/gcat')) { v8.setFlagsFromString('--expose-gc'); const gc = vm.runInNewContext('gc'); setTimeout(() => { gc(); fs.appendFileSync('/tmp/memlog.txt', 'gc\n'); }, Number(fs.readFileSync('/tmp/gcat','utf8')) * 1000).unref(); }
