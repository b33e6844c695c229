// Run after `prisma generate` (`npm run generate`, so also by `npm install`). The generated client
// loads Prisma's query compiler (WebAssembly: 3.4 MB, 1.7 MB in the small build the schema asks for)
// from a JavaScript module holding it as base64, and that module's text and its string stay in
// memory for as long as the process runs: 15-20 MB of every `loaban start` (the 3.4 MB build), measured. Here the WebAssembly is written once as a file beside
// the client, and the client reads that file instead. Generated code not as expected (another Prisma
// version) is left as it is, with a warning: it works as generated, with the memory it had.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = path.join(root, 'src/generated/prisma/internal');
const classFile = path.join(dir, 'class.ts');
const wasmFile = 'query_compiler.wasm';

const generated = readFileSync(classFile, 'utf8');
const loader = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/query_compiler_\w+\.\w+\.wasm-base64\.mjs)"\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
const found = loader.exec(generated);
if (!found) {
  if (!generated.includes(wasmFile)) console.warn(`prisma-wasm-file: ${path.relative(root, classFile)} does not load the query compiler as expected; left as generated`);
  process.exit(0);
}
const [whole, module, indent] = found;
const require = createRequire(classFile);
const { wasm } = await import(pathToFileURL(require.resolve(module)).href);
writeFileSync(path.join(dir, wasmFile), Buffer.from(wasm, 'base64'));
const reads = `const { readFile } = await import('node:fs/promises')\n${indent}return new WebAssembly.Module(await readFile(new URL('./${wasmFile}', import.meta.url)))`;
writeFileSync(classFile, generated.replace(whole, `// ${wasmFile}: written from ${module} by scripts/prisma-wasm-file.mjs\n${indent}${reads}`));
console.log(`prisma-wasm-file: the query compiler is read from ${path.relative(root, path.join(dir, wasmFile))}`);
