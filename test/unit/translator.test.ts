/** The translate functions every message asks a dozen texts of: one per language, its texts kept, the same answers as i18next's. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/core/i18n.ts';

describe('translator', () => {
  it('is one function per language, an unknown language being Vietnamese', () => {
    expect(translator('vi')).toBe(translator('vi'));
    expect(translator('hmn')).toBe(translator('vi'));
    expect(translator('en')).not.toBe(translator('vi'));
  });

  it('gives each key its language\'s text, again and again, and fills in what the options say', () => {
    const vi = translator('vi');
    const en = translator('en');
    for (let i = 0; i < 3; i++) {
      expect(vi('menu.faq')).toBe(vi('menu.faq', {}));
      expect(en('menu.faq')).not.toBe(vi('menu.faq'));
      expect(vi('greeting', { name: 'Lan' })).toMatch(/^Xin chào Lan!/);
      expect(vi('greeting', { name: 'Mai' })).toMatch(/^Xin chào Mai!/);
      expect(en('greeting', { name: 'Mai' })).toMatch(/^Hello Mai!/);
    }
    expect(vi('subscription.stopWords', { returnObjects: true })).toContain('dừng lại');
    // A key no locale holds is shown as itself, as i18next does.
    expect(vi('no.such.key')).toBe('no.such.key');
    expect(vi('no.such.key')).toBe('no.such.key');
  });
});
