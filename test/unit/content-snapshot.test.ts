/**
 * What the shipped content parses to, kept by `npm install` (dist/content-snapshot.json): a text found
 * there is not parsed again at start; an edited one is parsed as it stands, and its problems keep
 * their lines.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { validateContent } from '../../src/cli/validate-content.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { checkedByBuild, ContentError, digest, parsedAfresh, parsedTextsSnapshot, recordCheckPassed, parseYaml, parseYamlWithLines, recordParsedTexts, useContentSnapshot } from '../../src/content/yaml.ts';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';

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
  it('keeps that the build read every safety example right; an example edited since is tried at start', () => {
    useContentSnapshot(null);
    recordParsedTexts();
    expect(validateContent(defaultContentDir).problems).toEqual([]);
    const built = parsedTextsSnapshot();
    expect(built.checked).toHaveLength(1);

    // A counter-example the detector reads as violence: the start that tries it says so, at its line.
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-content-'));
    cpSync(defaultContentDir, dir, { recursive: true });
    const file = path.join(dir, 'safety', 'violence.yaml');
    const shipped = readFileSync(file, 'utf8');
    const edited = shipped.replace(/^counterExamples:\n/m, 'counterExamples:\n  - "chồng em đánh em"\n');
    expect(edited).not.toBe(shipped);
    writeFileSync(file, edited);
    useContentSnapshot(built);
    expect(() => loadKnowledge(dir)).toThrow(/violence\.yaml:\d+: counter-example "chồng em đánh em" is read as "violence"/);
  });

  it('believes a check the build passed only for the same data, with this parser, and not for `content validate`', () => {
    useContentSnapshot(null);
    recordParsedTexts();
    recordCheckPassed('safety examples', { examples: ['cứu em'] });
    const built = parsedTextsSnapshot();
    useContentSnapshot(built);
    expect(checkedByBuild('safety examples', { examples: ['cứu em'] })).toBe(true);
    expect(checkedByBuild('safety examples', { examples: ['cứu em', 'nó dọa giết cả nhà'] })).toBe(false);
    expect(checkedByBuild('another check', { examples: ['cứu em'] })).toBe(false);
    expect(parsedAfresh(() => checkedByBuild('safety examples', { examples: ['cứu em'] }))).toBe(false);
    useContentSnapshot({ ...built, parser: 'yaml 0.0.1, another' });
    expect(checkedByBuild('safety examples', { examples: ['cứu em'] })).toBe(false);
    // Outside a recording, a check that passed is not kept.
    recordCheckPassed('safety examples', { examples: ['x'] });
    recordParsedTexts();
    expect(parsedTextsSnapshot().checked).toEqual([]);
  });
});
