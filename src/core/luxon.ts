/**
 * Luxon as cron-parser loads it (CommonJS), so that one copy of it is in memory: imported as ESM it
 * is a second copy of the same library beside cron-parser's. Loaded at its first use, not with the
 * modules that use it: a command that never reads a date in a time zone (`loaban groups`) does not load it.
 */
import type * as Luxon from 'luxon';
import { onFirstUse } from './first-use.ts';

const luxon = onFirstUse<typeof Luxon>('luxon');

/** The two ways in of Luxon's DateTime this project uses. */
export const DateTime = {
  fromJSDate: (...args: Parameters<typeof Luxon.DateTime.fromJSDate>): Luxon.DateTime => luxon().DateTime.fromJSDate(...args),
  fromObject: (...args: Parameters<typeof Luxon.DateTime.fromObject>): Luxon.DateTime => luxon().DateTime.fromObject(...args),
};
export type DateTime = Luxon.DateTime;
