/**
 * Luxon as cron-parser loads it (CommonJS), so that one copy of it is in memory: imported as ESM it
 * is a second copy of the same library beside cron-parser's.
 */
import { createRequire } from 'node:module';
import type * as Luxon from 'luxon';

const luxon = createRequire(import.meta.url)('luxon') as typeof Luxon;

export const DateTime = luxon.DateTime;
export type DateTime = Luxon.DateTime;
