/**
 * How people write Vietnamese in chat (content/language/<lang>.yaml): abbreviations ("ko" →
 * "không"), filler words, and number words. Read by the FAQ matcher and the safety detector.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContentError, readYamlFile, type ContentProblem } from '../../content/yaml.ts';
import { foldText } from '../../core/text/fold.ts';

const languageSchema = z.strictObject({
  abbreviations: z.record(z.string(), z.string()).default({}),
  fillers: z.array(z.string()).default([]),
  numbers: z.record(z.string(), z.number().int().min(0)).default({}),
});
export interface ChatSpelling {
  /** Folded abbreviation → folded full form ("ko" → "khong"). */
  abbreviations: Map<string, string>;
  /** Folded words that say nothing about which question is asked. */
  fillers: Set<string>;
  /** Folded number words → their value ("muoi bon" → 14), read where a pattern wants a number. */
  numbers: Map<string, number>;
}

function foldMap(record: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(record).map(([k, v]) => [foldText(k), foldText(v)]));
}

/** The chat spellings for `language` (none when the file is missing: matching still works). */
export function readSpelling(contentDir: string, language: string, problems: ContentProblem[]): ChatSpelling {
  const file = path.join(contentDir, 'language', `${language}.yaml`);
  if (!existsSync(file)) return { abbreviations: new Map(), fillers: new Set(), numbers: new Map() };
  let data: z.infer<typeof languageSchema> | undefined;
  try {
    data = readYamlFile(file, languageSchema);
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    problems.push(...error.problems);
  }
  return {
    abbreviations: foldMap(data?.abbreviations ?? {}),
    fillers: new Set((data?.fillers ?? []).map(foldText)),
    numbers: new Map(Object.entries(data?.numbers ?? {}).map(([words, n]) => [foldText(words), n])),
  };
}

