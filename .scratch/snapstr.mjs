import fs from 'node:fs';
const s = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const f = s.snapshot.meta.node_fields, n = f.length, types = s.snapshot.meta.node_types[0];
const iT = f.indexOf('type'), iN = f.indexOf('name'), iS = f.indexOf('self_size');
const xs = [];
for (let i = 0; i < s.nodes.length; i += n) { const t = types[s.nodes[i + iT]]; if (t === 'string') xs.push([s.nodes[i + iS], s.strings[s.nodes[i + iN]]]); }
xs.sort((a, b) => b[0] - a[0]);
for (const [sz, v] of xs.slice(0, 25)) console.log((sz / 1048576).toFixed(2), JSON.stringify(String(v).slice(0, 120)));
