/**
 * cron-parser's parser, loaded when a cron expression is first read: the commands that never read one
 * (`loaban groups`, `invite`) load neither it nor the Luxon it brings.
 */
import { createRequire } from 'node:module';
import type { CronExpressionParser as Parser } from 'cron-parser';

let loaded: typeof Parser | undefined;

export const cronParser = (): typeof Parser => (loaded ??= (createRequire(import.meta.url)('cron-parser') as { CronExpressionParser: typeof Parser }).CronExpressionParser);
