/**
 * Reads content/safety/: common.yaml (look-alikes for every category, the phrases that tell who
 * is at risk, the replies a category may share) and one file per category (its urgency, signals,
 * look-alikes, replies, examples and counter-examples). Every pattern is compiled and every
 * example is run through the detector, so a mistake is reported as "file:line: what is wrong"
 * by `loaban content validate` and at start, never found by a person in danger. A start skips the
 * examples only when the build (`npm install`) found exactly these patterns and examples right.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { checkedByBuild, readYamlFileWithLines, recordCheckPassed, type ContentProblem, type YamlWithLines } from '../../content/yaml.ts';
import type { ChatSpelling } from './spelling.ts';
import { safetyDetector, type AtRisk, type SafetyDetector, type SafetyPatterns } from './safety.ts';
import { compilePattern, normalizePattern, PatternError } from './safety-patterns.ts';

/**
 * A safety reply must leave room on one phone screen (600 characters) for the area's emergency
 * lines and the call-back offer.
 */
export const maxSafetyReplyChars = 340;

const text = z.string().trim().min(1);
const pattern = text;
/** A text per language; Vietnamese is required. */
const localText = z
  .record(z.string().regex(/^[a-z]{2,3}$/), text.max(maxSafetyReplyChars, `at most ${maxSafetyReplyChars} characters, to fit one phone screen with the area's numbers`))
  .refine((t) => 'vi' in t, 'a text in Vietnamese (vi) is required');
export type LocalText = z.infer<typeof localText>;

const commonSchema = z.strictObject({
  lookalikes: z.array(pattern).default([]),
  atRisk: z.strictObject({
    nobody: z.array(pattern).default([]),
    withChild: z.array(pattern).default([]),
    minorAge: z.array(pattern).default([]),
    child: z.array(pattern).min(1),
    other: z.array(pattern).min(1),
    self: z.array(pattern).min(1),
  }),
  questions: z.array(pattern).default([]),
  replies: z.strictObject({ child: localText, childSelf: localText, other: localText, group: localText }),
});

const categorySchema = z.strictObject({
  urgency: z.number().int().min(1),
  beforeAnswers: z.boolean().default(false),
  signals: z.array(z.union([pattern, z.array(pattern).min(2)])).min(1),
  lookalikes: z.array(pattern).default([]),
  replies: z.strictObject({ self: localText, child: localText.optional(), childSelf: localText.optional(), other: localText.optional(), group: localText.optional() }),
  examples: z.array(text).min(3),
  counterExamples: z.array(text).min(1),
});

export interface SafetyReplies {
  /** To the person at risk, in a private chat. */
  self: LocalText;
  /** When a child is at risk, to the adult who writes: 111 first. */
  child: LocalText;
  /** When the writer is the child at risk: 111 first, spoken to her. */
  childSelf: LocalText;
  /** To a bystander who writes about another adult. */
  other: LocalText;
  /** In a group chat: short, discreet, repeating nothing. */
  group: LocalText;
}

export interface SafetyContent {
  detect: SafetyDetector;
  /** The patterns `detect` reads with, normalized. */
  patterns: SafetyPatterns;
  /** Categories whose reply is given even when the message also asks what a FAQ entry answers. */
  beforeAnswers: Set<string>;
  /** Replies by category id, the shared ones filled in. */
  replies: Map<string, SafetyReplies>;
}

/** The reply for `category` and who is at risk (or the group's), in `language` or else Vietnamese. */
export function safetyReplyText(content: SafetyContent, category: string, audience: AtRisk | 'childSelf' | 'group', language: string): string {
  const replies = content.replies.get(category);
  if (!replies) throw new Error(`no safety replies for the category "${category}"`);
  const reply = replies[audience];
  return reply[language] ?? reply.vi!;
}

/** The name under which the build keeps that the safety examples were read right (content/yaml.ts). */
const examplesCheck = 'safety examples';

const idOf = (file: string) => path.basename(file).replace(/\.ya?ml$/, '');

/** Normalizes every pattern at `key`, reporting each that does not compile at its line. */
function checkedPatterns(
  read: YamlWithLines<unknown>,
  file: string,
  key: PropertyKey[],
  patterns: string[],
  numbers: ReadonlyMap<string, number>,
  problems: ContentProblem[],
): string[] {
  return patterns.map((p, i) => {
    const normalized = normalizePattern(p);
    try {
      compilePattern(normalized, numbers);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      problems.push({ file, line: read.lineAt([...key, i]), message: error.message });
    }
    return normalized;
  });
}

/** Loads and checks content/safety/ under `contentDir`; problems are added to `problems` (null when unusable). */
export function readSafety(contentDir: string, spelling: ChatSpelling, problems: ContentProblem[]): SafetyContent | null {
  const dir = path.join(contentDir, 'safety');
  const commonFile = path.join(dir, 'common.yaml');
  if (!existsSync(commonFile)) {
    problems.push({ file: commonFile, line: 0, message: 'missing: the safety replies need it (it ships with Loa Bản)' });
    return null;
  }
  const before = problems.length;
  const read = <S extends z.ZodType>(file: string, schema: S): YamlWithLines<z.infer<S>> | null => {
    try {
      return readYamlFileWithLines(file, schema);
    } catch (error) {
      const listed = (error as { problems?: ContentProblem[] }).problems;
      if (!listed) throw error;
      problems.push(...listed);
      return null;
    }
  };
  const common = read(commonFile, commonSchema);
  const categoryFiles = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && idOf(f) !== 'common')
    .sort()
    .map((f) => path.join(dir, f));
  if (categoryFiles.length === 0) problems.push({ file: dir, line: 0, message: 'no category files (such as violence.yaml)' });
  const categories = categoryFiles.map((file) => ({ file, id: idOf(file), read: read(file, categorySchema) }));
  for (const { file, id } of categories) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) problems.push({ file, line: 0, message: `the file name "${id}" must be a-z, 0-9 and -` });
  }
  if (!common || categories.some((c) => !c.read) || problems.length > before) return null;

  const { numbers } = spelling;
  const patterns: SafetyPatterns = {
    lookalikes: checkedPatterns(common, commonFile, ['lookalikes'], common.data.lookalikes, numbers, problems),
    questions: checkedPatterns(common, commonFile, ['questions'], common.data.questions, numbers, problems),
    atRisk: {
      nobody: checkedPatterns(common, commonFile, ['atRisk', 'nobody'], common.data.atRisk.nobody, numbers, problems),
      withChild: checkedPatterns(common, commonFile, ['atRisk', 'withChild'], common.data.atRisk.withChild, numbers, problems),
      minorAge: checkedPatterns(common, commonFile, ['atRisk', 'minorAge'], common.data.atRisk.minorAge, numbers, problems),
      child: checkedPatterns(common, commonFile, ['atRisk', 'child'], common.data.atRisk.child, numbers, problems),
      other: checkedPatterns(common, commonFile, ['atRisk', 'other'], common.data.atRisk.other, numbers, problems),
      self: checkedPatterns(common, commonFile, ['atRisk', 'self'], common.data.atRisk.self, numbers, problems),
    },
    categories: categories.map(({ file, id, read: r }) => ({
      id,
      urgency: r!.data.urgency,
      signals: r!.data.signals.map((signal, i) => checkedPatterns(r!, file, ['signals', i], typeof signal === 'string' ? [signal] : signal, numbers, problems)),
      lookalikes: checkedPatterns(r!, file, ['lookalikes'], r!.data.lookalikes, numbers, problems),
    })),
  };
  if (problems.length > before) return null;

  const detect = safetyDetector(patterns, spelling);
  const replies = new Map<string, SafetyReplies>();
  for (const { id, read: r } of categories) {
    const own = r!.data.replies;
    replies.set(id, { ...common.data.replies, ...Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)) } as SafetyReplies);
  }
  // Every example read as its category and no counter-example read at all: tried unless the build
  // found exactly these patterns, spellings and examples right (each pattern's first use compiles it,
  // about 0.2 s for all of them, which a start then leaves to the messages that need them).
  const examined = {
    patterns,
    abbreviations: [...spelling.abbreviations],
    numbers: [...spelling.numbers],
    examples: categories.map(({ id, read: r }) => [id, r!.data.examples, r!.data.counterExamples]),
  };
  if (!checkedByBuild(examplesCheck, examined)) {
    const before = problems.length;
    for (const { file, id, read: r } of categories) {
      const { examples, counterExamples } = r!.data;
      examples.forEach((example, i) => {
        const found = detect(example);
        if (found?.category !== id) {
          problems.push({ file, line: r!.lineAt(['examples', i]), message: `example "${example}" is read as ${found ? `"${found.category}"` : 'no danger'}, not "${id}"` });
        }
      });
      counterExamples.forEach((example, i) => {
        const found = detect(example);
        if (found) problems.push({ file, line: r!.lineAt(['counterExamples', i]), message: `counter-example "${example}" is read as "${found.category}": add a look-alike or narrow a signal` });
      });
    }
    if (problems.length === before) recordCheckPassed(examplesCheck, examined);
  }
  // Returned even when examples fail, so that a check of the content can try messages against it.
  return { detect, patterns, replies, beforeAnswers: new Set(categories.filter((c) => c.read!.data.beforeAnswers).map((c) => c.id)) };
}
