/**
 * What the shipped content parses to, kept by `npm install` (dist/content-snapshot.json): a text found
 * there is not parsed again at start; an edited one is parsed as it stands, and its problems keep
 * their lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { validateContent } from '../../src/cli/validate-content.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { ContentError, digest, parsedTextsSnapshot, parseYaml, parseYamlWithLines, recordParsedTexts, useContentSnapshot } from '../../src/content/yaml.ts';

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));

/** This parser's name, as a snapshot it made says it. */
const parser = () => parsedTextsSnapshot().parser;

describe('the content snapshot', () => {
  afterEach(() => useContentSnapshot(null));

  it('keeps, for every shipped text, what the YAML parser makes of it', () => {
    useContentSnapshot(null);
    recordParsedTexts();
    expect(validateContent(defaultContentDir).problems).toEqual([]);
    const { texts } = parsedTextsSnapshot();
    const files = yamlFiles(defaultContentDir);
    expect(files.length).toBeGreaterThan(20);
    // Every YAML file, and the campaigns' front matter besides.
    expect(Object.keys(texts).length).toBeGreaterThan(files.length);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(texts[digest(text)], file).toEqual(parse(text));
    }
  });

  it('gives a text it holds as it holds it, and parses a text it does not hold', () => {
    const schema = z.object({ hotline: z.string() });
    // A snapshot that says something else than the text: shows which was read.
    useContentSnapshot({ parser: parser(), texts: { [digest('hotline: "111"\n')]: { hotline: 'from the snapshot' } } });
    expect(parseYaml('f.yaml', 'hotline: "111"\n', schema)).toEqual({ hotline: 'from the snapshot' });
    expect(parseYaml('f.yaml', 'hotline: "1900 969680"\n', schema)).toEqual({ hotline: '1900 969680' });
    // Another parser's snapshot (another YAML library, other code) is not used.
    useContentSnapshot({ parser: 'yaml 0.0.1, another', texts: { [digest('hotline: "111"\n')]: { hotline: 'from the snapshot' } } });
    expect(parseYaml('f.yaml', 'hotline: "111"\n', schema)).toEqual({ hotline: '111' });
  });

  it('a text from the snapshot that its schema refuses is reported at its line, as a parsed one is', () => {
    // The text itself is right: only the snapshot's data can be refused.
    const text = 'name: Bản Mù\nphone: "111"\n';
    const schema = z.object({ name: z.string(), phone: z.string() });
    expect(parseYaml('directory/ban-mu.yaml', text, schema)).toEqual({ name: 'Bản Mù', phone: '111' });
    useContentSnapshot({ parser: parser(), texts: { [digest(text)]: { name: 'Bản Mù', phone: 111 } } });
    expect(() => parseYaml('directory/ban-mu.yaml', text, schema)).toThrow(ContentError);
    expect(() => parseYaml('directory/ban-mu.yaml', text, schema)).toThrow(/^directory\/ban-mu\.yaml:2: phone: /);
    // The line of a value, for the checks beyond the schema (a safety example not recognised).
    const held = 'a: 1\nlist:\n  - x\n  - y\n';
    useContentSnapshot({ parser: parser(), texts: { [digest(held)]: { a: 1, list: ['x', 'y'] } } });
    const read = parseYamlWithLines('f.yaml', held, z.object({ a: z.number(), list: z.array(z.string()) }));
    expect(read.data).toEqual({ a: 1, list: ['x', 'y'] });
    expect(read.lineAt(['list', 1])).toBe(4);
  });

  it('`loaban content validate` checks the files themselves, not what the snapshot says of them', () => {
    const topics = readFileSync(path.join(defaultContentDir, 'topics.yaml'), 'utf8');
    useContentSnapshot({ parser: parser(), texts: { [digest(topics)]: { topics: 'not a list' } } });
    expect(() => parseYaml('topics.yaml', topics, z.object({ topics: z.array(z.unknown()) }))).toThrow(/^topics\.yaml:\d+: topics: /);
    expect(validateContent(defaultContentDir).problems).toEqual([]);
  });
});
