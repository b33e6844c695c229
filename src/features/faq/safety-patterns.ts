/**
 * The language of the safety patterns (content/safety/, syntax in safety.ts): a pattern compiled to a
 * regular expression over the " "-padded words of a message, each letter accepting the marks the
 * writer may have left out. Pure: no I/O.
 */
import { foldText } from '../../core/text/fold.ts';

/** A pattern that cannot be compiled; `message` says what is wrong, for the content file's reader. */
export class PatternError extends Error {
  override name = 'PatternError';
}

/** A letter's base and its marks: "ấ" → a + {circumflex, acute}; "đ" → d + {stroke}. */
function marksOf(letter: string): { base: string; marks: string[] } {
  if (letter === 'đ') return { base: 'd', marks: ['stroke'] };
  const [base = letter, ...marks] = [...letter.normalize('NFD')];
  return { base, marks };
}

/** Every lower-case Vietnamese letter, marked or not, by base letter. */
const lettersByBase: ReadonlyMap<string, string[]> = (() => {
  const byBase = new Map<string, string[]>([['d', ['d', 'đ']]]);
  for (const vowel of ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y']) {
    for (const tone of ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323']) {
      const letter = `${vowel}${tone}`.normalize('NFC');
      const { base } = marksOf(letter);
      byBase.set(base, [...(byBase.get(base) ?? []), letter]);
    }
  }
  return byBase;
})();

/**
 * The message's letters that a pattern's letter accepts: any marks for a word written without
 * them; for a marked word, the same marks or fewer (people leave marks out, but "đã" typed in
 * full is not "đá").
 */
function letterClass(letter: string, anyMarks: boolean): string {
  return remembered(letterClasses, `${letter}${anyMarks ? '*' : ''}`, () => letterClassOf(letter, anyMarks));
}

/**
 * Pattern pieces already made, by letter, number limit and pattern: a few hundred patterns repeat
 * the same letters and number ranges, and each is compiled twice at start (checked, then used).
 * Number ranges and patterns depend on the number words too: kept per words map.
 */
const letterClasses = new Map<string, string>();
const numberPatterns = new WeakMap<ReadonlyMap<string, number>, Map<number, string>>();
const parsedPatterns = new WeakMap<ReadonlyMap<string, number>, Map<string, Part>>();

/** `cache`'s value for `key`, made by `make` the first time. */
function remembered<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = make()));
  return value;
}

/** The cache of `numbers` in `caches`, made the first time. */
function cacheOf<K, V>(caches: WeakMap<ReadonlyMap<string, number>, Map<K, V>>, numbers: ReadonlyMap<string, number>): Map<K, V> {
  let cache = caches.get(numbers);
  if (!cache) caches.set(numbers, (cache = new Map()));
  return cache;
}

function letterClassOf(letter: string, anyMarks: boolean): string {
  const { base, marks } = marksOf(letter);
  const forms = lettersByBase.get(base);
  if (!forms) return escape(letter);
  const accepted = anyMarks ? forms : forms.filter((form) => marksOf(form).marks.every((m) => marks.includes(m)));
  return accepted.length === 1 ? accepted[0]! : `[${accepted.join('')}]`;
}

/** Regular expression of one word of a pattern (see letterClass). */
function wordPattern(word: string): string {
  const anyMarks = word === foldText(word);
  return [...word].map((letter) => letterClass(letter, anyMarks)).join('');
}

/** Regular expression of the numbers below `limit`: digits, and the number words of the language. */
function numberPattern(limit: number, numbers: ReadonlyMap<string, number>): string {
  return remembered(cacheOf(numberPatterns, numbers), limit, () => numberPatternOf(limit, numbers));
}

function numberPatternOf(limit: number, numbers: ReadonlyMap<string, number>): string {
  const forms: string[] = [];
  for (let n = 0; n < limit; n++) forms.push(String(n), ...(n < 10 ? [`0${n}`] : []));
  for (const [words, value] of numbers) if (value < limit) forms.push(words);
  // Longest first, so "muoi bon" wins over "muoi".
  const sorted = [...new Set(forms)].sort((a, b) => b.length - a.length);
  return `(?:${sorted.map((form) => form.split(' ').map(wordPattern).join(' ')).join('|')})`;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lower case, Unicode NFC, letters and digits only, single spaces: "Chồng  ĐÁNH!" → "chồng đánh". */
export function wordsOf(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A pattern as it is compiled: lower case, marks and syntax kept: "(Chồng|CK) đánh *" → "(chồng|ck) đánh *". */
export function normalizePattern(pattern: string): string {
  return pattern
    .split(/(\(|\)|\||\*|=|\{[^}]*\})/)
    .map((part) => {
      if (/^(\(|\)|\||\*|=|\{[^}]*\})$/.test(part)) return part;
      // Spaces around a run of words are kept, and only they: "{d<18}t" stays one word.
      const words = wordsOf(part);
      return words === '' ? (part === '' ? '' : ' ') : `${/^\s/.test(part) ? ' ' : ''}${words}${/\s$/.test(part) ? ' ' : ''}`;
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * One part of a pattern as a regular expression that ends with the space after it; `empty` when it
 * may match nothing; `words`: the words (folded) one of which every match of it holds, or null when
 * that cannot be said (a gap, a number, an optional choice).
 */
interface Part {
  re: string;
  empty: boolean;
  words: readonly string[] | null;
}

/** A pattern's tokens: "(", ")", "|", "*", "**", and words (a number pattern such as {n<18} is one word). */
const tokenize = (pattern: string) => pattern.split(/(\*\*|\(|\)|\||\*|\s+)/).filter((t) => t.trim() !== '');

/** Parses tokens from `at` up to a ")" or "|" (or the end): a sequence of words, gaps and choices. */
function parseSequence(tokens: string[], at: { i: number }, numbers: ReadonlyMap<string, number>, pattern: string): Part {
  const parts: Part[] = [];
  while (at.i < tokens.length && tokens[at.i] !== ')' && tokens[at.i] !== '|') {
    const token = tokens[at.i++]!;
    if (token === '*') parts.push({ re: '\\S+ (?:\\S+ ){0,2}', empty: false, words: null });
    else if (token === '**') parts.push({ re: '\\S+ (?:\\S+ ){0,5}', empty: false, words: null });
    else if (token === '(') {
      const choices: Part[] = [parseSequence(tokens, at, numbers, pattern)];
      while (tokens[at.i] === '|') {
        at.i++;
        choices.push(parseSequence(tokens, at, numbers, pattern));
      }
      if (tokens[at.i] !== ')') throw new PatternError(`"(" without its ")" in "${pattern}"`);
      at.i++;
      const filled = choices.filter((c) => c.re !== '');
      if (filled.length === 0) throw new PatternError(`"( )" with no choice in "${pattern}"`);
      const empty = filled.length < choices.length || filled.some((c) => c.empty);
      const words = empty || filled.some((c) => c.words === null) ? null : [...new Set(filled.flatMap((c) => c.words!))];
      parts.push({ re: `(?:${filled.map((c) => c.re).join('|')})${filled.length < choices.length ? '?' : ''}`, empty, words });
    } else {
      // {n<18}: digits or number words; {d<18}: digits only; letters after it ("{d<18}t" finds "15t") want digits.
      const number = /^\{([nd])<(\d{1,3})\}([a-z]*)$/.exec(token);
      if (number) {
        const words = number[1] === 'n' && number[3] === '' ? numbers : new Map<string, number>();
        parts.push({ re: `${numberPattern(Number(number[2]), words)}${number[3]} `, empty: false, words: null });
      } else if (/[{}<>]/.test(token)) throw new PatternError(`"${token}" is not a number pattern: write {n<18} or {d<18}`);
      else if (token.startsWith('=') && token.length > 1) parts.push({ re: `${escape(token.slice(1))} `, empty: false, words: [foldText(token.slice(1))] });
      else parts.push({ re: `${wordPattern(token)} `, empty: false, words: [foldText(token)] });
    }
  }
  // Of the parts every match holds, the one with the fewest words to look for.
  const pinned = parts.filter((p) => !p.empty && p.words !== null).sort((a, b) => a.words!.length - b.words!.length)[0];
  return { re: parts.map((p) => p.re).join(''), empty: parts.every((p) => p.empty), words: pinned?.words ?? null };
}

/**
 * Compiles a normalized pattern to a regular expression over " "-padded words of a message. Throws
 * PatternError. A match starts after a space: a pattern that is cut out (flag "g") looks behind for
 * it, so that the next cut may start at the space the last one ended with; one that is only tested
 * takes the space itself, which finds the same messages and which V8 runs faster (0.7–0.8 µs a test
 * against 1.0–1.1, a few hundred tests a message). So without "g", use it with `test()` only: a
 * match it returns begins with that space.
 */
export function compilePattern(pattern: string, numbers: ReadonlyMap<string, number>, flags = ''): RegExp {
  const start = flags.includes('g') ? '(?<= )' : ' ';
  return new RegExp(start + parsed(pattern, numbers).re, flags);
}

/**
 * Words one of which every match of `pattern` holds, folded (foldText: no marks, "đ" as "d"), or
 * null when no such words can be named ("* bi {n<18}"). A message none of whose folded words is
 * among them cannot match: the detector leaves the pattern untested (most of a few hundred a message).
 * Why folding keeps this true: a pattern's letter accepts only letters of the same base ("a" any of
 * "aàáảãạăằ…", "d" also "đ"), so a word it matches folds to the pattern word folded.
 */
export function patternWords(pattern: string, numbers: ReadonlyMap<string, number>): readonly string[] | null {
  return parsed(pattern, numbers).words;
}

/** A normalized pattern parsed: its regular expression's source from its first word, and its words. Throws PatternError. */
function parsed(pattern: string, numbers: ReadonlyMap<string, number>): Part {
  return remembered(cacheOf(parsedPatterns, numbers), pattern, () => parse(pattern, numbers));
}

function parse(pattern: string, numbers: ReadonlyMap<string, number>): Part {
  const tokens = tokenize(pattern);
  const at = { i: 0 };
  const sequence = parseSequence(tokens, at, numbers, pattern);
  if (at.i < tokens.length) throw new PatternError(tokens[at.i] === ')' ? `")" without its "(" in "${pattern}"` : `"|" outside "( )" in "${pattern}"`);
  if (sequence.empty) throw new PatternError(`"${pattern}" would match every message: it needs a word that is not optional`);
  return sequence;
}
