/** Every file under `dir` (src/ by default), relative to it, with its size and modification time (see build.mjs). */
export function sourceManifest(dir?: string): Record<string, [number, number]>;
/** zod bundled as one module in `into`/vendor/zod.js (dist/ by default), imported instead of the package (see build.mjs). */
export function bundleZod(into?: string): Promise<void>;
