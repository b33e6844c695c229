/** The word lists of the locale files (greetings, stop words), folded once per language for matching. */
import { describe, expect, it } from 'vitest';
import { foldedWords, translator } from '../../src/core/i18n.ts';
import { foldText } from '../../src/core/text/fold.ts';

describe('foldedWords', () => {
  it('is the locale\'s list, folded as what people type is folded', () => {
    const stop = translator('vi')('subscription.stopWords', { returnObjects: true }) as string[];
    expect(stop).toContain('dừng lại');
    expect(foldedWords('vi', 'subscription.stopWords')).toEqual(stop.map(foldText));
    expect(foldedWords('vi', 'subscription.stopWords')).toContain(foldText('DUNG LAI'));
  });

  it('follows the language, and falls back to Vietnamese for one without locale files', () => {
    const en = translator('en')('triggers.greeting', { returnObjects: true }) as string[];
    expect(foldedWords('en', 'triggers.greeting')).toEqual(en.map(foldText));
    expect(foldedWords('hmn', 'triggers.greeting')).toEqual(foldedWords('vi', 'triggers.greeting'));
  });

  it('is empty for a key that is not a list, rather than matching its letters', () => {
    expect(foldedWords('vi', 'help')).toEqual([]);
    expect(foldedWords('vi', 'no.such.key')).toEqual([]);
  });
});
