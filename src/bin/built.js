// Whether `loaban` may run the compiled dist/: the sources under src/ are exactly those it was built
// from (dist/.built lists every file with its size and modification time; see scripts/build.mjs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('..', import.meta.url));
const stamp = fileURLToPath(new URL('../../dist/.built', import.meta.url));

/** True when dist/ is built from the sources as they are now. */
export function builtFromSources() {
  let files;
  try {
    files = JSON.parse(readFileSync(stamp, 'utf8')).files;
  } catch {
    return false; // not built, or built by an older version
  }
  let seen = 0;
  const same = (dir) =>
    readdirSync(dir, { withFileTypes: true }).every((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return same(full);
      seen++;
      const was = files[path.relative(src, full)];
      const now = statSync(full);
      return was !== undefined && was[0] === now.size && was[1] === now.mtimeMs;
    });
  return same(src) && seen === Object.keys(files).length;
}
