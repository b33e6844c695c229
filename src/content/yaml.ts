/**
 * Reads YAML content files and validates them with a zod schema. Every problem is reported
 * as "file:line: what is wrong", so the Women's Union can fix content without reading code.
 *
 * `npm install` keeps what each shipped text parses to (dist/content-snapshot.json, by its SHA-256):
 * a text found there is not parsed again at start (the YAML parser's first run over the content was
 * about 0.2 s of a start); a text edited since is parsed as it is. Either way the data is checked
 * against its schema here, and a problem's line comes from the text itself. The snapshot also keeps
 * which checks beyond the schema the build found right, over which exact data (`checkedByBuild`): the
 * safety examples, tried against every pattern, were about 0.2 s of a start.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { projectRoot } from '../core/paths.ts';
import { onFirstUse } from '../core/first-use.ts';

type Yaml = typeof import('yaml');
/** The YAML library, loaded the first time a text is not in the snapshot (or a file is edited: directory-files.ts), not at start. */
export const yaml = onFirstUse<Yaml>('yaml');

/** Where `npm install` writes what the shipped content parses to (scripts/build.mjs). */
export const contentSnapshotFile = path.join(projectRoot, 'dist', 'content-snapshot.json');

export interface Snapshot {
  /** Who parsed the texts (`parser()`): a snapshot another parser made is not used. */
  parser: string;
  /** SHA-256 (base64) of a text → what it parses to. */
  texts: Record<string, unknown>;
  /** The checks the build found right, each as the digest of its name and the data it checked (`checkedByBuild`). */
  checked?: string[];
}

let parserId: string | undefined;

/**
 * The YAML library's version and this module's own file: a new version of either (another parse,
 * other options) leaves the snapshot unused. Built, this is dist/content/yaml.js, which the same
 * build wrote the snapshot with; run from the sources (tests, an edited checkout), it is this file,
 * and the snapshot is not used.
 */
function parser(): string {
  if (parserId === undefined) {
    const entry = createRequire(import.meta.url).resolve('yaml');
    const { version } = JSON.parse(readFileSync(path.join(entry, '..', '..', 'package.json'), 'utf8')) as { version: string };
    parserId = `yaml ${version}, ${digest(readFileSync(fileURLToPath(import.meta.url), 'utf8'))}`;
  }
  return parserId;
}

/** A text's key in the snapshot. */
export const digest = (text: string) => createHash('sha256').update(text).digest('base64');

let snapshot: Map<string, unknown> | undefined;
let checkedBefore = new Set<string>();
/** Set while `parsedAfresh` runs. */
let afresh = false;

/** Reads texts from `read` from now on (null: none); one another parser made is not used. Read from `contentSnapshotFile` otherwise. */
export function useContentSnapshot(read: Snapshot | null): void {
  const usable = read !== null && read.parser === parser();
  snapshot = usable ? new Map(Object.entries(read.texts)) : new Map();
  checkedBefore = new Set(usable ? read.checked ?? [] : []);
}

/** The snapshot as read from `contentSnapshotFile` the first time it is needed (a missing or unreadable one is none). */
function loadedSnapshot(): Map<string, unknown> {
  if (!snapshot) {
    try {
      useContentSnapshot(JSON.parse(readFileSync(contentSnapshotFile, 'utf8')) as Snapshot);
    } catch {
      useContentSnapshot(null);
    }
  }
  return snapshot!;
}

/** Runs `read` parsing every text, the snapshot aside (`loaban content validate`: the files themselves are checked). */
export function parsedAfresh<T>(read: () => T): T {
  afresh = true;
  try {
    return read();
  } finally {
    afresh = false;
  }
}

/** What `text` parses to according to the snapshot (a copy), or undefined. A missing or unreadable snapshot is no snapshot. */
function fromSnapshot(text: string): unknown {
  if (afresh) return undefined;
  const held = loadedSnapshot();
  if (held.size === 0) return undefined;
  const data = held.get(digest(text));
  return data === undefined ? undefined : structuredClone(data);
}

/**
 * The key of a check over `data` (JSON: a Map or a Set must be given as a list), and Node's version:
 * its Unicode tables and regular expressions read the data too.
 */
const checkKey = (check: string, data: unknown) => digest(`${check}\nnode ${process.versions.node}\n${JSON.stringify(data)}`);

/**
 * Whether the build ran `check` over exactly `data` with this same code and found it right — then it
 * need not run again. False when the snapshot is not in use (run from the sources, other code) and
 * while `parsedAfresh` runs: `loaban content validate` runs every check.
 */
export function checkedByBuild(check: string, data: unknown): boolean {
  if (afresh) return false;
  loadedSnapshot();
  return checkedBefore.size > 0 && checkedBefore.has(checkKey(check, data));
}

let recorded: Map<string, unknown> | undefined;
let recordedChecks: Set<string> | undefined;

/** Starts keeping what each text parsed here parses to, and the checks found right (the build, over the shipped content). */
export function recordParsedTexts(): void {
  recorded = new Map();
  recordedChecks = new Set();
}

/** While the build records: `check` ran over `data` and found it right (see `checkedByBuild`). */
export function recordCheckPassed(check: string, data: unknown): void {
  recordedChecks?.add(checkKey(check, data));
}

/** The snapshot of the texts parsed since `recordParsedTexts`, those that JSON keeps as they are, and the checks passed; ends the recording. */
export function parsedTextsSnapshot(): Snapshot {
  const texts: Record<string, unknown> = {};
  for (const [key, data] of recorded ?? []) if (isDeepStrictEqual(JSON.parse(JSON.stringify(data) ?? 'null'), data)) texts[key] = data;
  const checked = [...(recordedChecks ?? [])];
  recorded = undefined;
  recordedChecks = undefined;
  return { parser: parser(), texts, checked };
}

/** A text parsed with the line of each node: once, when first asked. */
function documentOf(text: string): () => { doc: Document; lines: LineCounter } {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  return () => {
    if (!parsed) {
      const lines = new (yaml().LineCounter)();
      parsed = { doc: yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false }), lines };
    }
    return parsed;
  };
}

/** One problem in one content file. */
export interface ContentProblem {
  file: string;
  line: number;
  message: string;
}

/** Content that cannot be used; `problems` lists each one with file and line. */
export class ContentError extends Error {
  override name = 'ContentError';
  constructor(readonly problems: ContentProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  }
}

/** The line of the YAML node at `path`, or of its nearest existing parent. */
function lineOf(doc: Document, lines: LineCounter, path: PropertyKey[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (yaml().isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/** The line of the key `key` in the mapping at `path` (an unknown key is reported where it is written). */
function keyLineOf(doc: Document, lines: LineCounter, path: PropertyKey[], key: string): number {
  const map = path.length > 0 ? doc.getIn(path as unknown[], true) : doc.contents;
  const { isMap, isNode, isScalar } = yaml();
  if (isMap(map)) {
    const pair = map.items.find((p) => (isScalar(p.key) ? p.key.value === key : p.key === key));
    if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
  }
  return lineOf(doc, lines, path);
}

/** Parses YAML `text` (from `file`, `lineOffset` lines into it) and validates it against `schema`. */
export function parseYaml<S extends z.ZodType>(file: string, text: string, schema: S, lineOffset = 0): z.infer<S> {
  return parseYamlWithLines(file, text, schema, lineOffset).data;
}

/** A validated YAML file and the line of any value in it, for checks that need more than the schema. */
export interface YamlWithLines<T> {
  data: T;
  /** The line of the value at `path` (or of its nearest parent): `lineAt(['examples', 3])`. */
  lineAt(path: PropertyKey[]): number;
}

/** Like `parseYaml`, keeping the lines of the values. */
export function parseYamlWithLines<S extends z.ZodType>(file: string, text: string, schema: S, lineOffset = 0): YamlWithLines<z.infer<S>> {
  const document = documentOf(text);
  let data = fromSnapshot(text);
  if (data === undefined) {
    const { doc } = document();
    if (doc.errors.length > 0) {
      throw new ContentError(
        doc.errors.map((e) => ({ file, line: (e.linePos?.[0]?.line ?? 1) + lineOffset, message: e.message.split('\n')[0]! })),
      );
    }
    data = doc.toJS();
    recorded?.set(digest(text), structuredClone(data));
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return { data: parsed.data, lineAt: (path) => lineOf(document().doc, document().lines, path) + lineOffset };
  const { doc, lines } = document();
  const where = (path: PropertyKey[]) => (path.length > 0 ? `${path.join('.')}: ` : '');
  throw new ContentError(
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ file, line: keyLineOf(doc, lines, issue.path, key) + lineOffset, message: `${where(issue.path)}unknown key "${key}"` }))
        : [{ file, line: lineOf(doc, lines, issue.path) + lineOffset, message: `${where(issue.path)}${issue.message}` }],
    ),
  );
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return parseYaml(file, readFileSync(file, 'utf8'), schema);
}

export function readYamlFileWithLines<S extends z.ZodType>(file: string, schema: S): YamlWithLines<z.infer<S>> {
  return parseYamlWithLines(file, readFileSync(file, 'utf8'), schema);
}

/** Runs `read`, moving the problems of a ContentError into `problems` (undefined then); other errors pass. */
export function collectProblems<T>(problems: ContentProblem[], read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}
