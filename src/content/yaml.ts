/**
 * Reads YAML content files and validates them with a zod schema. Every problem is reported
 * as "file:line: what is wrong", so the Women's Union can fix content without reading code.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
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

/** Parses YAML `text` (from `file`, `lineOffset` lines into it) and validates it against `schema`. */
export function parseYaml<S extends z.ZodType>(file: string, text: string, schema: S, lineOffset = 0): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ContentError(
      doc.errors.map((e) => ({ file, line: (e.linePos?.[0]?.line ?? 1) + lineOffset, message: e.message.split('\n')[0]! })),
    );
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new ContentError(
    parsed.error.issues.map((issue) => ({
      file,
      line: lineOf(doc, lines, issue.path) + lineOffset,
      message: issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    })),
  );
}

export function readYamlFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return parseYaml(file, readFileSync(file, 'utf8'), schema);
}
