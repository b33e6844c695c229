/**
 * Vietnamese text → the syllables and terms the FAQ matches on. Vietnamese writes each syllable
 * as a word and most meanings live in two-syllable compounds ("bạo lực", "tảo hôn"), so a term is
 * a content syllable or a pair of neighbouring syllables. Chat spellings ("ko", "sdt", "ck") are
 * expanded first; fillers ("cho em hỏi", "với ạ") count only inside pairs.
 */
import type { ChatSpelling } from './spelling.ts';
import { foldText } from '../../core/text/fold.ts';

/** Longest text looked at for matching: a question is short; a pasted essay is cut, not slow. */
export const maxMatchedChars = 1000;

/** The folded syllables of `text` with chat spellings expanded: "Ck e đánh e" → chong em danh em. */
export function syllables(text: string, spelling: ChatSpelling, maxChars = maxMatchedChars): string[] {
  const folded = foldText(text.length > maxChars ? text.slice(0, maxChars) : text);
  if (folded === '') return [];
  const out: string[] = [];
  for (const word of folded.split(' ')) {
    const full = spelling.abbreviations.get(word);
    if (full) out.push(...full.split(' '));
    else out.push(word);
  }
  return out;
}

/** Marks a pair of syllables; MiniSearch indexes it as one term. */
export const pairOf = (a: string, b: string) => `${a}_${b}`;
export const isPair = (term: string) => term.includes('_');

/** The terms of a syllable sequence: content syllables, and neighbouring pairs that are not both fillers. */
export function termsOf(words: string[], fillers: Set<string>): string[] {
  const terms: string[] = [];
  words.forEach((word, i) => {
    if (!fillers.has(word)) terms.push(word);
    const next = words[i + 1];
    if (next !== undefined && !(fillers.has(word) && fillers.has(next))) terms.push(pairOf(word, next));
  });
  return terms;
}

/** The distinct content syllables of a sequence: what a question is about. */
export function contentWords(words: string[], fillers: Set<string>): string[] {
  return [...new Set(words.filter((w) => !fillers.has(w)))];
}
