/**
 * Reads YAML content files and validates them with a zod schema. Every problem is reported
 * as "file:line: what is wrong", so the Women's Union can fix content without reading code.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';

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
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/** The line of the key `key` in the mapping at `path` (an unknown key is reported where it is written). */
function keyLineOf(doc: Document, lines: LineCounter, path: PropertyKey[], key: string): number {
  const map = path.length > 0 ? doc.getIn(path as unknown[], true) : doc.contents;
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ContentError(
      doc.errors.map((e) => ({ file, line: (e.linePos?.[0]?.line ?? 1) + lineOffset, message: e.message.split('\n')[0]! })),
    );
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { data: parsed.data, lineAt: (path) => lineOf(doc, lines, path) + lineOffset };
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
