// `npm run build` (run by `npm install`): compiles src/ to dist/ so `loaban` starts without
// transpiling TypeScript, copies the files beside the sources that are not TypeScript (the sandbox
// page), and stamps the build; src/bin/loaban.js runs dist/ only while that stamp is newer than
// every source file.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (!entry.name.endsWith('.ts') && path.relative(src, dir) !== 'bin') cpSync(from, path.join(dist, path.relative(src, from)));
  }
}
copyAssets(src);
writeFileSync(path.join(dist, '.built'), `${new Date().toISOString()}\n`);
