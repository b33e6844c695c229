/** The content folder itself: without it nothing could be said, so commands and start stop at once. */
import { existsSync, statSync } from 'node:fs';
import type { Config } from '../core/config.ts';
import { translator } from '../core/i18n.ts';
import { ContentError } from './yaml.ts';

/** Stops start-up when content/ is missing: nothing could be said without it. */
export function checkContentDir(config: Config): void {
  if (!existsSync(config.contentDir) || !statSync(config.contentDir).isDirectory()) {
    const line = translator(config.operatorLanguage)('ops:content.missing', { dir: config.contentDir });
    throw new ContentError([{ file: config.contentDir, line: 0, message: line }]);
  }
}
