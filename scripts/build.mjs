// `npm run build` (run by `npm install`): compiles src/ to dist/ so `loaban` starts without
// transpiling TypeScript, copies the files beside the sources that are not TypeScript (the sandbox
// page), bundles zod as one module the compiled code imports (dist/vendor/zod.js), writes the
// template of a new embedded database (dist/embedded-database.tar.gz) and what the shipped content
// parses to (dist/content-snapshot.json), and writes dist/.built: every source file with its size
// and modification time.
// src/bin/loaban.js runs dist/ only while the sources are exactly those; otherwise the sources.
// Types are not checked here (`npm test` does): a production install without the type packages
// builds too, and a failed build only leaves `loaban` running the sources.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');

/** Every file under `dir`, relative to src/, with its size and modification time. */
export function sourceManifest(dir = src) {
  const files = {};
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const { size, mtimeMs } = statSync(full);
        files[path.relative(dir, full)] = [size, mtimeMs];
      }
    }
  };
  walk(dir);
  return files;
}

/** The files beside the sources that are not TypeScript (the sandbox page); src/bin runs from src/. */
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(from);
    else if (!entry.name.endsWith('.ts') && path.relative(src, dir) !== 'bin') cpSync(from, path.join(dist, path.relative(src, from)));
  }
}

/**
 * `into`/bin/v8-flags.js, which the compiled start imports: a re-export of the launcher's own module
 * (src/bin/v8-flags.js), which knows what the launcher applied — a copy would be another module
 * that applied nothing.
 */
export function launcherSettings(into = dist) {
  const bin = path.join(into, 'bin');
  mkdirSync(bin, { recursive: true });
  const settings = path.relative(bin, path.join(src, 'bin', 'v8-flags.js')).split(path.sep).join('/');
  writeFileSync(path.join(bin, 'v8-flags.js'), `export * from '${settings}';\n`);
}

/**
 * The template a first start unpacks as its new embedded database (src/core/store/template.ts): made
 * here once, by the compiled code, so a first start need not run initdb and the migrations. Without
 * it a first start still works, more slowly: a failure is said, not fatal.
 */
async function writeEmbeddedTemplate() {
  try {
    const { writeTemplate } = await import(pathToFileURL(path.join(dist, 'core', 'store', 'template.js')).href);
    await writeTemplate();
  } catch (error) {
    process.stderr.write(`loaban: no template for new embedded databases (${error.message.split('\n')[0]}); a first start makes its database itself, more slowly.\n`);
  }
}

/**
 * What each text of the shipped content parses to, read by the compiled code as `loaban content
 * validate` reads it (src/content/yaml.ts): a start then parses only the texts edited since. Without
 * it every text is parsed, as before: a failure is said, not fatal.
 */
async function writeContentSnapshot() {
  try {
    const yaml = await import(pathToFileURL(path.join(dist, 'content', 'yaml.js')).href);
    const { validateContent } = await import(pathToFileURL(path.join(dist, 'cli', 'validate-content.js')).href);
    const { defaultContentDir } = await import(pathToFileURL(path.join(dist, 'core', 'paths.js')).href);
    yaml.recordParsedTexts();
    validateContent(defaultContentDir);
    writeFileSync(yaml.contentSnapshotFile, JSON.stringify(yaml.parsedTextsSnapshot()));
  } catch (error) {
    process.stderr.write(`loaban: no snapshot of the content (${error.message.split('\n')[0]}); a start parses every content file.\n`);
  }
}

/** Every JavaScript file under `dir`. */
const scripts = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? scripts(full) : entry.name.endsWith('.js') ? [full] : [];
  });

/**
 * zod as one module (esbuild, minified) in `into`/vendor/zod.js, which every compiled module that
 * imported zod imports instead: the package is some 95 modules (every locale, the JSON Schema
 * conversions), 85-105 ms to load against 48-50 for the bundle — every command loads it, `--help`
 * too (the configuration). The sources and the tests keep importing the package.
 */
export async function bundleZod(into = dist) {
  const esbuild = await import('esbuild');
  const bundle = path.join(into, 'vendor', 'zod.js');
  await esbuild.build({ entryPoints: [fileURLToPath(import.meta.resolve('zod'))], outfile: bundle, bundle: true, minify: true, format: 'esm', platform: 'node', logLevel: 'warning' });
  for (const file of scripts(into)) {
    if (file === bundle) continue;
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(path.dirname(file), bundle).split(path.sep).join('/');
    const rewritten = text.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])zod\2/g, (_all, before, quote) => `${before}${quote}${relative.startsWith('.') ? relative : `./${relative}`}${quote}`);
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(dist, { recursive: true, force: true });
  const manifest = sourceManifest(); // before compiling: a file changed meanwhile makes the build stale
  try {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
    copyAssets(src);
    launcherSettings();
    await bundleZod().catch((error) => process.stderr.write(`loaban: zod not bundled (${error.message.split('\n')[0]}); the commands load the package as it is.\n`));
    await writeEmbeddedTemplate();
    await writeContentSnapshot();
    writeFileSync(path.join(dist, '.built'), JSON.stringify({ builtAt: new Date().toISOString(), files: manifest }));
  } catch (error) {
    rmSync(dist, { recursive: true, force: true });
    process.stderr.write(`loaban: the build to dist/ failed (${error.message.split('\n')[0]}); loaban will run the TypeScript sources instead.\n`);
  }
}
