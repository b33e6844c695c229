/** Which FAQ entry a question gets: the entries that share its compounds come first. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { FaqMatcher } from '../../src/features/faq/matcher.ts';
import { loadKnowledge, type FaqEntry } from '../../src/features/faq/knowledge.ts';
import { defaultContentDir, projectRoot } from '../../src/core/paths.ts';
import { createFaq, readMessage } from '../../src/features/faq/faq.ts';

const shipped = loadKnowledge(defaultContentDir);
const { spelling } = shipped;
const entry = (id: string, questions: string[], answer: string): FaqEntry => ({ id, topic: 'general', questions, answer: { vi: answer }, source: 'test' });

// "loose" holds every syllable of the questions below, one at a time; "pens" holds the compound
// "chuồng trại" (and "nái" on its own), among many other words.
const matcher = new FaqMatcher({
  spelling,
  entries: [
    entry('loose', ['lợn à chuồng à trại à nái à sạch à sẽ à thức à ăn à'], 'Không rõ.'),
    entry('pens', ['giữ chuồng trại sạch sẽ thế nào trong mùa mưa bão lũ ở vùng núi cao'], 'Quét dọn hằng ngày, phun thuốc khử trùng định kỳ theo hướng dẫn của cán bộ thú y xã, cho cả nái.'),
    entry('loans', ['vay vốn ở đâu'], 'Hỏi hội phụ nữ xã.'),
  ],
});

describe('the FAQ matcher', () => {
  it('answers with an entry that shares a compound of the question, over one that shares only its loose syllables', () => {
    // Ranked among all entries, "loose" came first (every syllable, no compound): confidence 0.5, no answer.
    const best = matcher.best('lợn nái chuồng trại');
    expect(best?.entry.id).toBe('pens');
    expect(best!.confidence).toBeGreaterThanOrEqual(matcher.threshold);
  });

  it('still finds the nearest entry when no entry shares a compound of the question', () => {
    const best = matcher.best('ăn thức lợn');
    expect(best?.entry.id).toBe('loose');
    expect(best!.confidence).toBeLessThan(matcher.threshold);
  });

  it('knows every sample question of an entry, however many it has', () => {
    // Together past the thousand characters a single question is cut at.
    const many = Array.from({ length: 40 }, (_, i) => `câu hỏi thứ ${i + 1} về vay vốn của hội phụ nữ xã`);
    const long = new FaqMatcher({ spelling, entries: [entry('many', [...many, 'lợn nái đẻ mấy lứa một năm'], 'Hai lứa.'), entry('feed', ['lợn nái ăn gì'], 'Cám.'), entry('loans', ['vay vốn ở đâu'], 'Hỏi hội phụ nữ xã.')] });
    expect(many.join('\n').length).toBeGreaterThan(1000);
    expect(long.best('lợn nái đẻ mấy lứa một năm')).toMatchObject({ entry: { id: 'many' }, confidence: 1 });
  });

  it('answers a sample question itself, whole', () => {
    expect(matcher.best('Vay vốn ở đâu?')).toMatchObject({ entry: { id: 'loans' }, confidence: 1 });
  });

  it('gives every labelled question the entry it gave when all entries were ranked, whenever that one was sure', () => {
    const faq = createFaq(shipped);
    const questions = readFileSync(path.join(projectRoot, 'test/fixtures/faq/questions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { q: string }).q);
    let sure = 0;
    for (const q of questions) {
      const all = faq.matcher.best(q, { everyEntry: true });
      if (!all || all.confidence < faq.matcher.threshold) continue;
      sure++;
      expect(faq.matcher.best(q), q).toEqual(all);
    }
    expect(sure).toBeGreaterThan(200);
  });

  it('ranks every entry for a message that speaks of danger: whether an answer replaces the safety reply is decided as before', () => {
    const faq = createFaq(shipped);
    const best = vi.spyOn(faq.matcher, 'best');
    expect(readMessage(faq, 'phụ nữ bị bạo lực gia đình được hỗ trợ gì').kind).toBe('answer');
    expect(best.mock.calls.map(([, options]) => options)).toEqual([{ everyEntry: true }]);
    // One that names someone is a disclosure: the safety reply, whatever entry it resembles.
    expect(readMessage(faq, 'chồng em đang đánh em').kind).toBe('safety');
    expect(best).toHaveBeenCalledTimes(1);
    readMessage(faq, 'tảo hôn là gì');
    expect(best.mock.calls.at(-1)![1]).toEqual({ everyEntry: false });
  });
});
