/**
 * A start does not try the safety examples again when the build (`npm install`) found exactly these
 * patterns and examples right: about 0.2 s of every start, each pattern compiled on its first use.
 * Counted here by wrapping the detector the content reader makes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultContentDir } from '../../src/core/paths.ts';
import { parsedTextsSnapshot, recordParsedTexts, useContentSnapshot } from '../../src/content/yaml.ts';
import { validateContent } from '../../src/cli/validate-content.ts';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';

const read: string[] = [];
vi.mock('../../src/features/faq/safety.ts', async (original) => {
  const safety = await original<typeof import('../../src/features/faq/safety.ts')>();
  return {
    ...safety,
    safetyDetector: (...args: Parameters<typeof safety.safetyDetector>) => {
      const detect = safety.safetyDetector(...args);
      return (text: string) => (read.push(text), detect(text));
    },
  };
});

describe('the safety examples at start', () => {
  afterEach(() => useContentSnapshot(null));

  it('are tried without the build\'s word for them, and by `content validate` always; not again with it', () => {
    useContentSnapshot(null);
    read.length = 0;
    const knowledge = loadKnowledge(defaultContentDir);
    const examples = read.length;
    expect(examples).toBeGreaterThan(50);
    expect(read).toContain('nó dọa giết cả nhà');

    recordParsedTexts();
    read.length = 0;
    expect(validateContent(defaultContentDir).problems).toEqual([]);
    expect(read.length).toBeGreaterThanOrEqual(examples);
    const built = parsedTextsSnapshot();

    useContentSnapshot(built);
    read.length = 0;
    const started = loadKnowledge(defaultContentDir);
    expect(read).toEqual([]);
    // The same readings, whether the examples were tried or not.
    expect(started.safety.detect('nó dọa giết cả nhà')).toEqual(knowledge.safety.detect('nó dọa giết cả nhà'));
    expect(started.safety.detect('chồng em đánh em')?.category).toBe('violence');
    read.length = 0;
    expect(validateContent(defaultContentDir).problems).toEqual([]);
    expect(read.length).toBeGreaterThanOrEqual(examples);
  });
});
