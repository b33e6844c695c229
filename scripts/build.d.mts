/** Every file under `dir` (src/ by default), relative to it, with its size and modification time (see build.mjs). */
export function sourceManifest(dir?: string): Record<string, [number, number]>;
/** zod bundled as one module in `into`/vendor/zod.js (dist/ by default), imported instead of the package (see build.mjs). */
export function bundleZod(into?: string): Promise<void>;
/** `into`/bin/v8-flags.js (dist/ by default): a re-export of the launcher's src/bin/v8-flags.js (see build.mjs). */
export function launcherSettings(into?: string): void;
