import fs from 'node:fs';
const s = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const f = s.snapshot.meta.node_fields, n = f.length, types = s.snapshot.meta.node_types[0];
const iT = f.indexOf('type'), iN = f.indexOf('name'), iS = f.indexOf('self_size');
const agg = new Map(); let total = 0;
for (let i = 0; i < s.nodes.length; i += n) {
  const t = types[s.nodes[i + iT]]; let name = s.strings[s.nodes[i + iN]];
  if (t === 'string' || t === 'concatenated string' || t === 'sliced string') name = '(strings)';
  if (t === 'code') name = '(code)';
  const k = t + ' ' + String(name).slice(0, 60); const sz = s.nodes[i + iS]; total += sz;
  const a = agg.get(k) ?? [0, 0]; a[0] += sz; a[1]++; agg.set(k, a);
}
console.log('total MB', (total / 1048576).toFixed(1));
for (const [k, [sz, c]] of [...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 40)) console.log((sz / 1048576).toFixed(2).padStart(7), String(c).padStart(8), k);
