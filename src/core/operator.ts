/**
 * What is read before the configuration, and even when it cannot be read: the `.env` file, and the
 * operator's language and wish for stack traces (to word that very error). Kept apart from
 * config.ts, and its validation library, so that `loaban --help` loads neither.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The operator's language (OPERATOR_LANG) and whether LOG_LEVEL asks for stack traces. */
export function operatorSettings(env: NodeJS.ProcessEnv = process.env): { language: 'vi' | 'en'; debug: boolean } {
  return { language: env.OPERATOR_LANG === 'en' ? 'en' : 'vi', debug: env.LOG_LEVEL === 'debug' };
}

/** Loads `.env` from the working directory into `env` when the file exists (variables already set win). */
export function loadDotEnv(cwd = process.cwd()): void {
  const file = path.join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
