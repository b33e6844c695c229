/**
 * Finds the FAQ entry a question asks for. MiniSearch ranks (BM25+) over each entry's sample
 * questions (together) and its answer, on syllables and syllable pairs, forgiving one typo in
 * longer syllables. How sure the match is comes from coverage: the share of the question's
 * content syllables (weighted by rarity) and of its syllable pairs that the best entry knows.
 * A question about pig prices shares a loose syllable with the FAQ ("giá" of "gia đình"), not
 * its compounds.
 */
import MiniSearch, { type SearchResult } from 'minisearch';
import type { FaqEntry, Knowledge } from './knowledge.ts';
import { contentWords, isPair, syllables, termsOf } from './tokens.ts';

export interface Match {
  entry: FaqEntry;
  /** 0–1: the rarity-weighted share of the question's content syllables the entry knows. */
  confidence: number;
}

/** Below this confidence the bot says it does not know. Tuned on test/fixtures/faq (npm run bench:faq). */
export const defaultThreshold = 0.45;

/** An entry's sample questions together, or one of its answers. */
interface Doc {
  id: string;
  entryId: string;
  text: string;
  /** Sample questions say what is asked; answers only help. */
  weight: number;
}

const answerWeight = 0.4;

/** One typo is forgiven in syllables of 6+ letters; short syllables and pairs must be exact (fuzzy pairs cost too much time). */
function fuzziness(term: string): number | false {
  return term.length >= 6 && !isPair(term) ? 1 : false;
}

export class FaqMatcher {
  private readonly index: MiniSearch<Doc>;
  private readonly entries = new Map<string, FaqEntry>();
  /** Content syllable → inverse entry frequency. */
  private readonly idf = new Map<string, number>();
  /** Entry → its content syllables (questions and answer). */
  private readonly vocabulary = new Map<string, Set<string>>();
  private readonly unknownIdf: number;
  private readonly docWeight = new Map<string, number>();

  constructor(
    private readonly knowledge: Pick<Knowledge, 'entries' | 'spelling'>,
    readonly threshold = defaultThreshold,
  ) {
    const { fillers } = knowledge.spelling;
    this.index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['entryId'],
      tokenize: (text) => termsOf(this.words(text), fillers),
      processTerm: (term) => term,
      searchOptions: {
        combineWith: 'OR',
        fuzzy: fuzziness,
        weights: { fuzzy: 0.5, prefix: 0 },
        boostDocument: (id) => this.docWeight.get(id as string) ?? 1,
      },
    });
    const docs: Doc[] = [];
    const df = new Map<string, number>();
    for (const entry of knowledge.entries) {
      this.entries.set(entry.id, entry);
      const answers = Object.values(entry.answer);
      docs.push({ id: `${entry.id}#q`, entryId: entry.id, text: entry.questions.join('\n'), weight: 1 });
      answers.forEach((a, i) => docs.push({ id: `${entry.id}#a${i}`, entryId: entry.id, text: a, weight: answerWeight }));
      const vocabulary = new Set(contentWords([...entry.questions, ...answers].flatMap((t) => this.words(t)), fillers));
      this.vocabulary.set(entry.id, vocabulary);
      for (const word of vocabulary) df.set(word, (df.get(word) ?? 0) + 1);
    }
    for (const doc of docs) this.docWeight.set(doc.id, doc.weight);
    this.index.addAll(docs);
    const n = knowledge.entries.length;
    for (const [word, count] of df) this.idf.set(word, Math.log(1 + n / count));
    this.unknownIdf = Math.log(1 + n);
  }

  private words(text: string): string[] {
    return syllables(text, this.knowledge.spelling);
  }

  /** The best entry for `question` with its confidence, or null when nothing shares a term. */
  best(question: string): Match | null {
    const words = this.words(question);
    const content = contentWords(words, this.knowledge.spelling.fillers);
    if (content.length === 0) return null;
    const terms = termsOf(words, this.knowledge.spelling.fillers);
    const results = this.index.search(question, { tokenize: () => terms });
    const top = topEntry(results);
    if (!top) return null;
    return { entry: this.entries.get(top.entryId)!, confidence: this.confidence(terms, content, top.matched) };
  }

  /**
   * Half from the syllables (`coverage`), half from the pairs: a question that shares the entry's
   * compounds ("tảo hôn", "đường dây nóng") is about it; one that only shares loose syllables
   * ("giá lợn" and "gia đình", "lớn") is not. Half the question's pairs found counts as all.
   */
  private confidence(terms: string[], content: string[], matched: Set<string>): number {
    const syllableShare = this.coverage(content, matched);
    const pairs = terms.filter(isPair);
    if (pairs.length === 0) return syllableShare;
    const pairShare = Math.min(1, (2 * pairs.filter((p) => matched.has(p)).length) / pairs.length);
    return (syllableShare + pairShare) / 2;
  }

  /** Rarity-weighted share of `content` that is in the entry's vocabulary or that MiniSearch matched fuzzily. */
  private coverage(content: string[], matchedQueryTerms: Set<string>): number {
    let total = 0;
    let known = 0;
    for (const word of content) {
      const weight = this.idf.get(word) ?? this.unknownIdf;
      total += weight;
      if (matchedQueryTerms.has(word)) known += weight;
    }
    return total === 0 ? 0 : known / total;
  }
}

/** The entry whose documents (questions, answers) score highest together, and every query term they matched. */
function topEntry(results: SearchResult[]): { entryId: string; matched: Set<string> } | null {
  const first = results[0];
  if (!first) return null;
  const sums = new Map<string, number>();
  for (const r of results) sums.set(r.entryId as string, (sums.get(r.entryId as string) ?? 0) + r.score);
  let entryId = first.entryId as string;
  for (const [id, sum] of sums) if (sum > sums.get(entryId)!) entryId = id;
  const matched = new Set<string>();
  for (const result of results) {
    if (result.entryId === entryId) for (const term of result.queryTerms) matched.add(term);
  }
  return { entryId, matched };
}
