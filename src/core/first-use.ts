/**
 * A CommonJS library loaded the first time it is needed, not with the module that uses it: a command
 * that never needs it (`loaban groups`, `--help`) does not pay for loading it.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `specifier`'s exports, required on the first call and kept. */
export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
