/**
 * The FAQ's knowledge, read from content/: the entries (content/faq/*.yaml), hotlines and
 * trusted addresses per area (content/directory/*.yaml), topics, the chat spellings of
 * Vietnamese (content/language/<lang>.yaml) and the signs of danger (content/safety/).
 * Everything is validated; a mistake is reported as "file:line: what is wrong".
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ContentError, readYamlFile, type ContentProblem } from '../../content/yaml.ts';
import { foldText } from '../../core/text/fold.ts';
import { readTopics, type Topic } from '../../content/topics.ts';
import { readSafety, type SafetyContent } from './safety-content.ts';

export { readTopics, type Topic } from '../../content/topics.ts';
import { readSpelling, type ChatSpelling } from './spelling.ts';

export type { ChatSpelling } from './spelling.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a-z, 0-9 and -');
const text = z.string().trim().min(1);

/** What a phone shows at once: an answer's first screen says the answer; details go to `more`. */
export const firstScreenChars = 500;
/** The most a "Xem thêm" part may hold (a second screen and a half). */
export const moreChars = 900;

const language = z.string().regex(/^[a-z]{2,3}$/);
const entrySchema = z.strictObject({
  id,
  topic: id,
  questions: z.array(text).min(2),
  answer: z.record(language, text.max(firstScreenChars, `the first screen of an answer is at most ${firstScreenChars} characters: move the details to \`more\``)).refine((a) => 'vi' in a, 'an answer in Vietnamese (vi) is required'),
  /** The rest of the answer, behind a "Xem thêm" button, per language. */
  more: z.record(language, text.max(moreChars, `"more" is at most ${moreChars} characters: shorten it or split the entry`)).optional(),
  source: text,
  directory: z.enum(['hotlines', 'trusted-addresses']).optional(),
  safety: z.boolean().optional(),
});
export type FaqEntry = z.infer<typeof entrySchema>;

/** A FAQ file's schema: topics must be known, ids unique across files (`seen`: id → file). */
function faqFileSchema(topicIds: Set<string>, seen: Map<string, string>, file: string) {
  return z.strictObject({ entries: z.array(entrySchema).min(1) }).superRefine((data, ctx) => {
    data.entries.forEach((entry, i) => {
      if (topicIds.size > 0 && !topicIds.has(entry.topic)) {
        ctx.addIssue({ code: 'custom', path: ['entries', i, 'topic'], message: `"${entry.topic}" is not a topic of topics.yaml (nor general, help)` });
      }
      for (const lang of Object.keys(entry.more ?? {})) {
        if (!(lang in entry.answer)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'more', lang], message: `"more" in ${lang} needs an answer in ${lang} too` });
      }
      const other = seen.get(entry.id);
      if (other) ctx.addIssue({ code: 'custom', path: ['entries', i, 'id'], message: `"${entry.id}" is already used${other === file ? '' : ` in ${other}`}` });
      else seen.set(entry.id, file);
    });
  });
}

const phone = z.union([z.string(), z.number()]).transform(String);
const hotlineSchema = z.strictObject({
  name: text,
  phone,
  hours: text.optional(),
  free: z.boolean().optional(),
  /** Shown on the first screen of every safety reply to people of this area (the police, the hotline). */
  emergency: z.boolean().optional(),
  /**
   * false: a number the plans announce but the province has not confirmed yet. Villagers never see
   * it; admins see it on the dashboard until `loaban directory confirm` (or this file) says true.
   */
  confirmed: z.boolean().optional(),
  note: text.optional(),
  source: text,
});
const trustedSchema = z.strictObject({
  name: text,
  place: text,
  phone: phone.optional(),
  note: text.optional(),
  /** As for a hotline: false keeps it from villagers until confirmed. */
  confirmed: z.boolean().optional(),
  source: text,
});
const directorySchema = z.strictObject({
  area: z.string().min(1),
  demo: z.boolean(),
  hotlines: z.array(hotlineSchema).default([]),
  trustedAddresses: z.array(trustedSchema).default([]),
});
export type Hotline = z.infer<typeof hotlineSchema>;
export type TrustedAddress = z.infer<typeof trustedSchema>;
export type DirectoryFile = z.infer<typeof directorySchema>;
/** The area code of the directory file for the whole country. */
export const nationalArea = 'national';


/** Topics that are not campaign topics but group FAQ entries: the first two open the topic menu, the others close it. */
export const extraTopics = ['general', 'help', 'legal', 'health'] as const;
/** The extra topics shown before the campaign topics in the menu. */
export const leadingTopics: readonly string[] = ['general', 'help'];

export interface Knowledge {
  entries: FaqEntry[];
  topics: Topic[];
  /** Directory files by area code (`national` for the country). */
  directory: Map<string, DirectoryFile>;
  spelling: ChatSpelling;
  safety: SafetyContent;
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads every file with `read`, collecting all problems before failing. */
function readAll<T>(files: string[], read: (file: string) => T, problems: ContentProblem[]): T[] {
  const out: T[] = [];
  for (const file of files) {
    try {
      out.push(read(file));
    } catch (error) {
      if (error instanceof ContentError) problems.push(...error.problems);
      else throw error;
    }
  }
  return out;
}

/** Loads and checks the FAQ knowledge under `contentDir`. Throws a ContentError listing every problem. */
export function loadKnowledge(contentDir: string, language = 'vi'): Knowledge {
  const problems: ContentProblem[] = [];
  const faqFiles = yamlFiles(path.join(contentDir, 'faq'));
  if (faqFiles.length === 0) problems.push({ file: path.join(contentDir, 'faq'), line: 0, message: 'no FAQ files (*.yaml)' });
  const [topics] = readAll([path.join(contentDir, 'topics.yaml')], () => readTopics(contentDir), problems);
  const topicIds = new Set<string>(topics ? [...topics.map((t) => t.id), ...extraTopics] : []);
  const seen = new Map<string, string>();
  const faq = readAll(faqFiles, (f) => readYamlFile(f, faqFileSchema(topicIds, seen, f)), problems);
  const directoryFiles = readAll(yamlFiles(path.join(contentDir, 'directory')), (f) => ({ file: f, data: readYamlFile(f, directorySchema) }), problems);
  const spelling = readSpelling(contentDir, language, problems);
  const safety = readSafety(contentDir, spelling, problems);

  const entries = faq.flatMap((file) => file.entries);
  const directory = new Map<string, DirectoryFile>();
  for (const { file, data } of directoryFiles) {
    if (directory.has(data.area)) problems.push({ file, line: 1, message: `area: "${data.area}" has another directory file` });
    directory.set(data.area, data);
  }
  if (problems.length > 0) throw new ContentError(problems);
  return {
    entries,
    topics: topics!,
    directory,
    spelling,
    safety: safety!,
  };
}
