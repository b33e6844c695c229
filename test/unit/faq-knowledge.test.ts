/** The shipped FAQ content, and what the Women's Union sees when a content file is wrong. */
import { mkdirSync, mkdtempSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/content/yaml.ts';
import { loadKnowledge, nationalArea } from '../../src/features/faq/knowledge.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

describe('the shipped knowledge', () => {
  const k = loadKnowledge(defaultContentDir);
  const topicCount = (topic: string) => k.entries.filter((e) => e.topic === topic).length;

  it('has at least 40 entries, each with a source and a Vietnamese answer', () => {
    expect(k.entries.length).toBeGreaterThanOrEqual(40);
    for (const e of k.entries) {
      expect(e.source.length, e.id).toBeGreaterThan(0);
      expect(e.answer.vi, e.id).toBeTruthy();
    }
  });

  it('covers what the issue lists', () => {
    expect(topicCount('safe-motherhood')).toBeGreaterThanOrEqual(4);
    for (const topic of ['help', 'domestic-violence', 'child-marriage', 'consanguineous-marriage', 'trafficking', 'savings-loans', 'leaders-of-change', 'general', 'equal-housework', 'sex-selection']) {
      expect(topicCount(topic), topic).toBeGreaterThan(0);
    }
    expect(k.entries.some((e) => e.directory === 'hotlines')).toBe(true);
    expect(k.entries.some((e) => e.directory === 'trusted-addresses')).toBe(true);
  });

  it('has national hotlines, and marks every demo directory entry as demo', () => {
    const national = k.directory.get(nationalArea)!;
    expect(national.demo).toBe(false);
    expect(national.hotlines.map((h) => h.phone)).toEqual(expect.arrayContaining(['113', '111']));
    const demo = [...k.directory.values()].filter((d) => d.demo);
    expect(demo.length).toBeGreaterThan(0);
    for (const file of demo) for (const h of [...file.hotlines, ...file.trustedAddresses]) expect(h.name).toContain('DEMO');
  });
});

describe('a content mistake is named with its file and line', () => {
  function contentWith(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-content-'));
    cpSync(defaultContentDir, dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }
  const problems = (dir: string) => {
    try {
      loadKnowledge(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ContentError);
      return (error as Error).message;
    }
    throw new Error('no problem found');
  };

  it('an unknown topic, a repeated id, a missing Vietnamese answer', () => {
    const dir = contentWith({
      'faq/zz-new.yaml': [
        'entries:',
        '  - id: new-one',
        '    topic: no-such-topic',
        '    questions: [a, b]',
        '    answer: { vi: x }',
        '    source: test',
        '  - id: help-111',
        '    topic: help',
        '    questions: [a, b]',
        '    answer: { en: only english }',
        '    source: test',
        '',
      ].join('\n'),
    });
    const message = problems(dir);
    expect(message).toMatch(/zz-new\.yaml:3: entries\.0\.topic: "no-such-topic" is not a topic/);
    expect(message).toMatch(/zz-new\.yaml:7: entries\.1\.id: "help-111" is already used in .*hotlines\.yaml/);
    expect(message).toMatch(/zz-new\.yaml:10: entries\.1\.answer: an answer in Vietnamese \(vi\) is required/);
  });

  it('broken YAML, and a directory entry without a phone', () => {
    const dir = contentWith({
      'faq/zz-broken.yaml': 'entries:\n  - id: x\n    questions: [a, b\n',
      'directory/zz-area.yaml': 'area: zz\ndemo: true\nhotlines:\n  - { name: X, source: demo }\n',
    });
    const message = problems(dir);
    expect(message).toMatch(/zz-broken\.yaml:\d+: /);
    expect(message).toMatch(/zz-area\.yaml:4: hotlines\.0\.phone/);
  });

  it('an answer longer than one phone screen, and a "Xem thêm" part in a language the answer lacks', () => {
    const dir = contentWith({
      'faq/zz-long.yaml': [
        'entries:',
        '  - id: long-one',
        '    topic: help',
        '    questions: [a, b]',
        `    answer: { vi: "${'Một câu rất dài. '.repeat(40)}" }`,
        '    source: test',
        '  - id: more-one',
        '    topic: help',
        '    questions: [a, b]',
        '    answer: { vi: ngắn }',
        '    more: { en: longer }',
        '    source: test',
        '',
      ].join('\n'),
    });
    const message = problems(dir);
    expect(message).toMatch(/zz-long\.yaml:5: entries\.0\.answer\.vi: the first screen of an answer is at most 500 characters: move the details to `more`/);
    expect(message).toMatch(/zz-long\.yaml:11: entries\.1\.more\.en: "more" in en needs an answer in en too/);
  });
});
