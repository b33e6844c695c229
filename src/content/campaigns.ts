/**
 * The campaign library: the messages of content/campaigns/ and the yearly calendar of
 * content/calendar/calendar.yaml (see calendar.ts), read and validated at start. Every mistake,
 * in every file, is reported as "file:line: what is wrong" in one ContentError.
 *
 * A message is the file `<id>.md`: YAML front matter between two `---` lines, then the
 * Vietnamese text (paragraphs separated by blank lines):
 *
 *   ---
 *   id: womens-day-8-3          the file name without .md (a-z, 0-9 and -)
 *   title: Ngày Quốc tế Phụ nữ  for the staff who choose what to send
 *   topics: [gender-roles]      at least one id of content/topics.yaml
 *   languages: [vi]             vi, plus the language of every translation file — no more, no less
 *   image: null                 optional: null, a file under content/campaigns/ (images/8-3.jpg) or an https:// address
 *   suggestedDates: ["03-08"]   optional: days of the year, "MM-DD" (not "02-29")
 *   source: "plans/… § II.4"    where the message comes from
 *   ---
 *   The text…
 *
 * A translation is the sibling file `<id>.<lang>.md` (lang: 2–3 lower-case letters, e.g. hmn,
 * tay; not vi) with a reduced front matter — only `id` (the message's id) and `source` (who
 * translated it, from what) — then the translated text. Topics, image and dates are the
 * message's, shared by all its languages. Every text must be cuttable into chat messages of at
 * most `campaignTextLimit` characters (it is cut between paragraphs, lines, sentences or words).
 * README.md in the folder is ignored.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { splitText } from '../channels/text.ts';
import { readTopics } from './topics.ts';
import { monthDaySchema, parseCalendar, type CalendarEvent } from './calendar.ts';
import { collectProblems, ContentError, parseYaml, type ContentProblem } from './yaml.ts';

/**
 * The longest text one chat message may carry on every platform: Zalo's sendMessage takes
 * 1–2000 characters (docs/PLATFORM-NOTES.md), Telegram 4096. Longer texts are cut by
 * `splitText`; a campaign text must be cuttable under this limit.
 */
export const campaignTextLimit = 2000;

export interface CampaignMessage {
  id: string;
  title: string;
  topics: string[];
  /** Null, a path under content/campaigns/, or an https:// address. */
  image: string | null;
  /** Days of the year, "MM-DD". */
  suggestedDates: string[];
  source: string;
  /** The `<id>.md` file. */
  file: string;
  /** sha256 (hex) over the text of the message's files, translations included: any edit changes it. */
  hash: string;
  /** Language → text; 'vi' always present. */
  variants: Record<string, string>;
}

export interface CampaignLibrary {
  /** By id, in file-name order. */
  messages: Map<string, CampaignMessage>;
  calendar: CalendarEvent[];
}

const idPattern = /^[a-z0-9][a-z0-9-]*$/;
const languagePattern = /^[a-z]{2,3}$/;
const text = z.string().trim().min(1);

/** What a message file's front matter is checked against, besides its own shape. */
interface MessageContext {
  file: string;
  /** The file name without .md. */
  stem: string;
  campaignsDir: string;
  /** Ids of content/topics.yaml (empty when that file is broken: it is reported on its own). */
  topicIds: Set<string>;
  /** Languages of the translation files present for this message. */
  translations: Set<string>;
  /** Stems of every `<id>.md` file. */
  stems: Set<string>;
  /** Ids declared by files named otherwise → that file's name (shared across files). */
  claimed: Map<string, string>;
}

/** Why `image` cannot be used, or null. */
function imageProblem(image: string, campaignsDir: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(image)) {
    return image.startsWith('https://') && URL.canParse(image) ? null : `"${image}": an image address must start with https://`;
  }
  const resolved = path.resolve(campaignsDir, image);
  if (path.isAbsolute(image) || path.relative(campaignsDir, resolved).startsWith('..')) {
    return `"${image}": an image is a file inside content/campaigns/ (e.g. images/8-3.jpg) or an https:// address`;
  }
  if (!existsSync(resolved) || !statSync(resolved).isFile()) return `"${image}": there is no such file in content/campaigns/`;
  return null;
}

function messageSchema(c: MessageContext) {
  return z
    .strictObject({
      id: z.string().regex(idPattern, 'a-z, 0-9 and -'),
      title: text,
      topics: z.array(z.string()).min(1),
      languages: z.array(z.string().regex(languagePattern, '2–3 lower-case letters, e.g. vi, hmn, tay')).min(1),
      image: z.string().trim().min(1).nullable().default(null),
      suggestedDates: z.array(monthDaySchema).default([]),
      source: text,
    })
    .superRefine((data, ctx) => {
      const issue = (at: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: at, message });
      if (idPattern.test(data.id) && idPattern.test(c.stem) && data.id !== c.stem) {
        const owner = c.stems.has(data.id) ? `${data.id}.md` : c.claimed.get(data.id);
        issue(['id'], owner ? `"${data.id}" is already the id of ${owner}; this file's id must be its name, "${c.stem}"` : `"${data.id}" must be the file name, "${c.stem}" (or rename the file ${data.id}.md)`);
        if (!owner) c.claimed.set(data.id, path.basename(c.file));
      }
      data.topics.forEach((topic, i) => {
        if (c.topicIds.size > 0 && !c.topicIds.has(topic)) issue(['topics', i], `"${topic}" is not a topic of topics.yaml`);
      });
      const listed = new Set(data.languages);
      if (listed.size < data.languages.length) issue(['languages'], 'a language is listed twice');
      if (!listed.has('vi')) issue(['languages'], `vi must be listed: ${c.stem}.md is the Vietnamese text`);
      for (const lang of c.translations) {
        if (!listed.has(lang)) issue(['languages'], `${lang} must be listed: ${c.stem}.${lang}.md is its translation`);
      }
      data.languages.forEach((lang, i) => {
        if (lang !== 'vi' && languagePattern.test(lang) && !c.translations.has(lang)) issue(['languages', i], `${lang} is listed but there is no ${c.stem}.${lang}.md`);
      });
      const problem = data.image === null ? null : imageProblem(data.image, c.campaignsDir);
      if (problem) issue(['image'], problem);
    });
}

/** A translation's front matter: the id of the message it translates, and its source. */
function translationSchema(messageId: string) {
  return z.strictObject({ id: z.string(), source: text }).superRefine((data, ctx) => {
    if (data.id !== messageId) ctx.addIssue({ code: 'custom', path: ['id'], message: `"${data.id}" must be "${messageId}", the id of the message this file translates` });
  });
}

/** A message file cut into its front matter (starting on file line 2) and its text lines. */
interface MessageFile {
  file: string;
  /** The YAML between the `---` lines. */
  frontMatter: string;
  lines: string[];
  /** Index in `lines` of the first line after the closing `---` (its file line is index + 1). */
  bodyStart: number;
}

function splitFile(file: string, raw: string, problems: ContentProblem[]): MessageFile | null {
  const lines = raw.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') {
    problems.push({ file, line: 1, message: 'a message file starts with a line "---", then the front matter (id, title …), then "---" and the text' });
    return null;
  }
  const closing = lines.findIndex((line, i) => i > 0 && line.trimEnd() === '---');
  if (closing < 0) {
    problems.push({ file, line: 1, message: 'the front matter opened here is not closed: add a line "---" between it and the text' });
    return null;
  }
  return { file, frontMatter: lines.slice(1, closing).join('\n'), lines, bodyStart: closing + 1 };
}

/** The longest run of characters without whitespace in `text`. */
const longestWord = (text: string) => text.split(/\s+/u).reduce((a, b) => (b.length > a.length ? b : a), '');

/** The trimmed text after the front matter, or null (and a problem) when it is empty; checks each paragraph can be cut. */
function readBody({ file, lines, bodyStart }: MessageFile, problems: ContentProblem[]): string | null {
  const body = lines.slice(bodyStart).join('\n').trim();
  if (!body) {
    problems.push({ file, line: bodyStart, message: 'the message text is missing: write it below this "---" line' });
    return null;
  }
  let start = -1;
  for (let i = bodyStart; i <= lines.length; i++) {
    const blank = i === lines.length || lines[i]!.trim() === '';
    if (!blank && start < 0) start = i;
    if (!blank || start < 0) continue;
    const paragraph = lines.slice(start, i).join('\n');
    if (splitText(paragraph, campaignTextLimit) === null) {
      problems.push({
        file,
        line: start + 1,
        message: `this paragraph cannot be cut into chat messages of at most ${campaignTextLimit} characters: it has ${longestWord(paragraph).length} characters without a space or line break`,
      });
    }
    start = -1;
  }
  return body;
}

/** sha256 over the files' names and texts, in name order. */
function hashOf(files: Array<[name: string, raw: string]>): string {
  const hash = createHash('sha256');
  for (const [name, raw] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${name}\0${raw}\0`);
  return hash.digest('hex');
}

/** The `.md` file names of the folder, sorted; null when the folder is missing. */
function markdownFiles(dir: string): string[] | null {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.md') && d.name !== 'README.md')
    .map((d) => d.name)
    .sort();
}

function topicIdsOf(contentDir: string, problems: ContentProblem[]): Set<string> {
  const file = path.join(contentDir, 'topics.yaml');
  if (!existsSync(file)) {
    problems.push({ file, line: 0, message: 'missing: the topics of messages, questions and reports are listed here' });
    return new Set();
  }
  return new Set((collectProblems(problems, () => readTopics(contentDir)) ?? []).map((t) => t.id));
}

function readMessages(contentDir: string, problems: ContentProblem[]): { messages: Map<string, CampaignMessage>; stems: Set<string> } {
  const campaignsDir = path.join(contentDir, 'campaigns');
  const messages = new Map<string, CampaignMessage>();
  const names = markdownFiles(campaignsDir);
  if (!names || names.length === 0) {
    problems.push({ file: campaignsDir, line: 0, message: 'no campaign messages (<id>.md files)' });
    return { messages, stems: new Set() };
  }
  const stems = new Set<string>();
  /** Message id → language → translation file. */
  const translations = new Map<string, Map<string, string>>();
  for (const name of names) {
    const file = path.join(campaignsDir, name);
    const stem = name.slice(0, -'.md'.length);
    const [base, lang, ...rest] = stem.split('.');
    if (lang === undefined) {
      stems.add(stem);
      if (!idPattern.test(stem)) problems.push({ file, line: 1, message: 'the file name is the message id: a-z, 0-9 and -, then .md' });
    } else if (rest.length > 0 || !languagePattern.test(lang)) {
      problems.push({ file, line: 1, message: 'the file name must be <id>.md, or <id>.<language>.md for a translation (language: 2–3 lower-case letters, e.g. hmn)' });
    } else if (lang === 'vi') {
      problems.push({ file, line: 1, message: `the Vietnamese text is ${base}.md itself: remove or rename ${name}` });
    } else {
      if (!translations.has(base!)) translations.set(base!, new Map());
      translations.get(base!)!.set(lang, file);
    }
  }
  for (const [base, files] of translations) {
    if (stems.has(base)) continue;
    for (const file of files.values()) problems.push({ file, line: 1, message: `a translation of "${base}", but there is no ${base}.md` });
  }

  const topicIds = topicIdsOf(contentDir, problems);
  const claimed = new Map<string, string>();
  for (const stem of stems) {
    const file = path.join(campaignsDir, `${stem}.md`);
    const raw = readFileSync(file, 'utf8');
    const mine = translations.get(stem) ?? new Map<string, string>();
    const texts: Array<[string, string]> = [[path.basename(file), raw]];
    const split = splitFile(file, raw, problems);
    const context: MessageContext = { file, stem, campaignsDir, topicIds, translations: new Set(mine.keys()), stems, claimed };
    const data = split ? collectProblems(problems, () => parseYaml(file, split.frontMatter, messageSchema(context), 1)) : undefined;
    const vi = split ? readBody(split, problems) : null;
    const variants: Record<string, string> = {};
    if (vi !== null) variants.vi = vi;
    for (const [lang, translationFile] of mine) {
      const translationRaw = readFileSync(translationFile, 'utf8');
      texts.push([path.basename(translationFile), translationRaw]);
      const translation = splitFile(translationFile, translationRaw, problems);
      if (!translation) continue;
      collectProblems(problems, () => parseYaml(translationFile, translation.frontMatter, translationSchema(stem), 1));
      const body = readBody(translation, problems);
      if (body !== null) variants[lang] = body;
    }
    if (!data || vi === null) continue;
    const { id, title, topics, image, suggestedDates, source } = data;
    messages.set(id, { id, title, topics, image, suggestedDates, source, file, hash: hashOf(texts), variants });
  }
  return { messages, stems };
}

/**
 * Loads and checks the campaign messages and the calendar under `contentDir`. Throws one
 * ContentError listing every problem of every file.
 */
export function loadCampaigns(contentDir: string): CampaignLibrary {
  const problems: ContentProblem[] = [];
  const { messages, stems } = readMessages(contentDir, problems);
  const calendarFile = path.join(contentDir, 'calendar', 'calendar.yaml');
  let calendar: CalendarEvent[] = [];
  if (existsSync(calendarFile)) {
    // Calendar messages are checked against the files present, so a message with a mistake is not also "unknown".
    calendar = collectProblems(problems, () => parseCalendar(calendarFile, readFileSync(calendarFile, 'utf8'), stems)) ?? [];
  } else {
    problems.push({ file: calendarFile, line: 0, message: 'missing: the yearly calendar (events: [] when there is none)' });
  }
  if (problems.length > 0) throw new ContentError(problems);
  return { messages, calendar };
}
