/**
 * Finds the FAQ entry a question asks for. MiniSearch ranks (BM25+) over each entry's sample
 * questions (together) and its answer, on syllables and syllable pairs, forgiving one typo in
 * longer syllables. How sure the match is comes from coverage: the share of the question's
 * content syllables (weighted by rarity) and of its syllable pairs that the best entry knows.
 * A question about pig prices shares a loose syllable with the FAQ ("giá" of "gia đình"), not
 * its compounds. So when some entries share one of the question's pairs, only they are ranked:
 * an entry that shares none cannot be sure (half the confidence is pairs, and the threshold is
 * over a half), and scoring every entry that shares a loose syllable ("phụ", "nữ", "có") was most
 * of the time of a search (bench:faq). `best(q, { everyEntry: true })` ranks them all, as before.
 */
import MiniSearch from 'minisearch';
import type { FaqEntry, Knowledge } from './knowledge.ts';
import { contentWords, isPair, syllables, termsOf } from './tokens.ts';

export interface Match {
  entry: FaqEntry;
  /** 0–1: half the rarity-weighted share of the question's content syllables the entry knows, half its pairs' (see `confidence`). */
  confidence: number;
}

/** Below this confidence the bot says it does not know. Tuned on test/fixtures/faq (npm run bench:faq). */
export const defaultThreshold = 0.55;

/** One entry as indexed: its sample questions together, and its answers. */
interface Doc {
  id: string;
  questions: string;
  answers: string;
}

/** Sample questions say what is asked; answers only help. */
const fieldBoost = { questions: 1, answers: 0.4 };

/** One typo is forgiven in syllables of 6+ letters; short syllables and pairs must be exact (fuzzy pairs cost too much time). */
function fuzziness(term: string): number | false {
  return term.length >= 6 && !isPair(term) ? 1 : false;
}

export class FaqMatcher {
  private readonly index: MiniSearch<Doc>;
  private readonly entries = new Map<string, FaqEntry>();
  /** Content syllable → inverse entry frequency. */
  private readonly idf = new Map<string, number>();
  private readonly unknownIdf: number;
  /** Pair → the entry (or entries) whose indexed text holds it. */
  private readonly entriesWithPair = new Map<string, string | string[]>();

  constructor(
    private readonly knowledge: Pick<Knowledge, 'entries' | 'spelling'>,
    readonly threshold = defaultThreshold,
  ) {
    const { fillers } = knowledge.spelling;
    // Each entry's texts tokenized once, for the pair map below and for the index (read back while it is built).
    const tokenized = new Map<string, string[]>();
    const termsOfText = (text: string) => tokenized.get(text) ?? this.indexedTerms(text);
    this.index = new MiniSearch<Doc>({
      fields: ['questions', 'answers'],
      tokenize: termsOfText,
      processTerm: (term) => term,
      searchOptions: { combineWith: 'OR', fuzzy: fuzziness, weights: { fuzzy: 0.5, prefix: 0 }, boost: fieldBoost },
    });
    const df = new Map<string, number>();
    const docs: Doc[] = [];
    for (const entry of knowledge.entries) {
      this.entries.set(entry.id, entry);
      // The first screen only: what "Xem thêm" opens holds details (places, figures, other cases)
      // that drew unrelated questions when indexed (bench: off-topic 0.912 with it, 0.941 without).
      const answers = Object.values(entry.answer);
      const doc = { id: entry.id, questions: entry.questions.join('\n'), answers: answers.join('\n') };
      docs.push(doc);
      for (const text of [doc.questions, doc.answers]) tokenized.set(text, this.indexedTerms(text));
      for (const pair of new Set([doc.questions, doc.answers].flatMap((text) => termsOfText(text).filter(isPair)))) {
        const ids = this.entriesWithPair.get(pair);
        this.entriesWithPair.set(pair, ids === undefined ? entry.id : [ids, entry.id].flat());
      }
      const words = [...entry.questions, ...answers].map((t) => this.words(t));
      for (const word of contentWords(words.flat(), fillers)) df.set(word, (df.get(word) ?? 0) + 1);
    }
    this.index.addAll(docs);
    tokenized.clear();
    const n = knowledge.entries.length;
    for (const [word, count] of df) this.idf.set(word, Math.log(1 + n / count));
    this.unknownIdf = Math.log(1 + n);
  }

  private words(text: string): string[] {
    return syllables(text, this.knowledge.spelling);
  }

  /** An entry's text as indexed: all of it (a question is cut at `maxMatchedChars`; an entry's questions together may be longer). */
  private indexedTerms(text: string): string[] {
    return termsOf(syllables(text, this.knowledge.spelling, Infinity), this.knowledge.spelling.fillers);
  }

  /**
   * The best entry for `question` with its confidence, or null when nothing shares a term.
   * `everyEntry`: ranked among all entries, not only those sharing a pair when some do.
   */
  best(question: string, { everyEntry = false } = {}): Match | null {
    const words = this.words(question);
    const content = contentWords(words, this.knowledge.spelling.fillers);
    if (content.length === 0) return null;
    const terms = termsOf(words, this.knowledge.spelling.fillers);
    // Below a half, an entry sharing no pair could be sure: then every entry is ranked.
    const narrowed = !everyEntry && this.threshold > 0.5;
    const near = new Set(narrowed ? terms.filter(isPair).flatMap((pair) => this.entriesWithPair.get(pair) ?? []) : []);
    // MiniSearch skips an entry whose boost is 0 before scoring it (it still walks its postings).
    const only = near.size > 0 ? { boostDocument: (id: string) => (near.has(id) ? 1 : 0) } : {};
    // A pair no entry holds finds nothing: it is left out of the search (not of the confidence).
    const searched = terms.filter((term) => !isPair(term) || this.entriesWithPair.has(term));
    const [top] = this.index.search(question, { tokenize: () => searched, ...only });
    if (!top) return null;
    // Known to the entry: found in its indexed text, or with a typo forgiven (MiniSearch lists both).
    const known = (term: string) => top.queryTerms.includes(term);
    return { entry: this.entries.get(top.id as string)!, confidence: this.confidence(terms, content, known) };
  }

  /**
   * Half from the syllables (`coverage`), half from the pairs: a question that shares the entry's
   * compounds ("tảo hôn", "đường dây nóng") is about it; one that only shares loose syllables
   * ("giá lợn" and "gia đình", "lớn") is not. Half the question's pairs found counts as all.
   */
  private confidence(terms: string[], content: string[], known: (term: string) => boolean): number {
    const syllableShare = this.coverage(content, known);
    const pairs = terms.filter(isPair);
    if (pairs.length === 0) return syllableShare;
    const pairShare = Math.min(1, (2 * pairs.filter(known).length) / pairs.length);
    return (syllableShare + pairShare) / 2;
  }

  /** Rarity-weighted share of `content` that is `known`. */
  private coverage(content: string[], known: (term: string) => boolean): number {
    let total = 0;
    let found = 0;
    for (const word of content) {
      const weight = this.idf.get(word) ?? this.unknownIdf;
      total += weight;
      if (known(word)) found += weight;
    }
    return total === 0 ? 0 : found / total;
  }
}
