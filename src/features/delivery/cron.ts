/**
 * cron-parser's parser, loaded when a cron expression is first read: the commands that never read one
 * (`loaban groups`, `invite`) load neither it nor the Luxon it brings.
 */
import type { CronExpressionParser as Parser } from 'cron-parser';
import { onFirstUse } from '../../core/first-use.ts';

const library = onFirstUse<{ CronExpressionParser: typeof Parser }>('cron-parser');

export const cronParser = (): typeof Parser => library().CronExpressionParser;
