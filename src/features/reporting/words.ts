/**
 * The words a leader writes in a report, as content (content/reports.yaml `words` and `numbers`):
 * what names a count ("45 người", "nữ 30"), a place ("tại …"), the notes ("ghi chú: …"), days
 * ("hôm qua"), "và" between topics, filler words, and number words. Read with the formats and
 * compiled once into the folded forms and patterns the parsers use.
 */
import { z } from 'zod';
import { foldText } from '../../core/text/fold.ts';
import type { NumberWords } from '../../core/text/numbers.ts';

export type CountField = 'participantsTotal' | 'participantsWomen' | 'participantsEthnicMinority';

const word = z.string().trim().min(1);
const words = z.array(word);
const countWordsSchema = z.strictObject({ before: words.default([]), after: words.default([]), both: words.default([]) });

export const reportWordsSchema = z
  .strictObject({
    counts: z.strictObject({ total: countWordsSchema, women: countWordsSchema, ethnicMinority: countWordsSchema }),
    places: words.min(1),
    and: word,
    notes: word,
    date: word,
    days: z.record(word, z.number().int().min(0).max(31)).refine((days) => Object.keys(days).length > 0, 'at least one day: a word and how many days before today'),
    filler: words,
  })
  .superRefine((data, ctx) => {
    // Each count needs a word before or after its number; the quick form needs both kinds somewhere.
    for (const [name, c] of Object.entries(data.counts)) {
      if (c.before.length + c.after.length + c.both.length === 0) ctx.addIssue({ code: 'custom', path: ['counts', name], message: 'at least one word' });
    }
    const all = Object.values(data.counts);
    if (!all.some((c) => c.after.length + c.both.length > 0)) ctx.addIssue({ code: 'custom', path: ['counts'], message: 'at least one word written after a number' });
    if (!all.some((c) => c.before.length + c.both.length > 0)) ctx.addIssue({ code: 'custom', path: ['counts'], message: 'at least one word written before a number' });
    if (data.counts.total.after.length === 0) ctx.addIssue({ code: 'custom', path: ['counts', 'total', 'after'], message: 'at least one word written after the total' });
  });

export const numberWordsSchema = z.strictObject({
  digits: words.length(10),
  units: z.record(word, z.number().int().min(0).max(9)),
  ten: word,
  hundred: word,
  thousand: words.min(1),
  zeroTens: words,
  half: word,
});

/** A word as it may be written: folded, and the written forms it must have (null: any marks). */
export interface MarkedWord {
  folded: string;
  /**
   * A one-syllable word folds onto others ("tai" is "tại", "tài", "tái"): it counts only as
   * written in content or without marks, lower case. Longer words are not mistaken: any marks.
   */
  typed: readonly string[] | null;
}

/** The compiled words: folded, ready for matching. */
export interface ReportWords {
  /** Phrases naming a count, whether they stand after the number, before it, or both. */
  counts: ReadonlyArray<{ words: string; field: CountField; after: boolean; before: boolean }>;
  /** What stands after a number to say it counts people ("45 người"): the total's `after` words. */
  people: readonly string[];
  places: readonly MarkedWord[];
  and: MarkedWord;
  notes: string;
  date: string;
  days: ReadonlyMap<string, number>;
  filler: ReadonlySet<string>;
  numbers: NumberWords;
}

function marked(written: string): MarkedWord {
  const folded = foldText(written);
  const lower = written.normalize('NFC').toLowerCase();
  return { folded, typed: folded.includes(' ') ? null : [...new Set([lower, folded])] };
}

const fields: Record<keyof z.infer<typeof reportWordsSchema>['counts'], CountField> = {
  total: 'participantsTotal',
  women: 'participantsWomen',
  ethnicMinority: 'participantsEthnicMinority',
};

export function compileReportWords(raw: z.infer<typeof reportWordsSchema>, numbers: z.infer<typeof numberWordsSchema>): ReportWords {
  const counts = Object.entries(raw.counts).flatMap(([key, c]) => {
    const field = fields[key as keyof typeof fields];
    return [
      ...c.before.map((w) => ({ words: foldText(w), field, after: false, before: true })),
      ...c.after.map((w) => ({ words: foldText(w), field, after: true, before: false })),
      ...c.both.map((w) => ({ words: foldText(w), field, after: true, before: true })),
    ];
  });
  const digitWords = new Map(numbers.digits.map((w, i) => [foldText(w), i]));
  return {
    counts,
    people: raw.counts.total.after.map(foldText),
    places: raw.places.map(marked),
    and: marked(raw.and),
    notes: foldText(raw.notes),
    date: foldText(raw.date),
    days: new Map(Object.entries(raw.days).map(([w, n]) => [foldText(w), n])),
    filler: new Set(raw.filler.map(foldText)),
    numbers: {
      digitWords,
      unitWords: new Map([...digitWords, ...Object.entries(numbers.units).map(([w, n]) => [foldText(w), n] as const)]),
      tensWord: foldText(numbers.ten),
      hundredWord: foldText(numbers.hundred),
      thousandWords: new Set(numbers.thousand.map(foldText)),
      zeroTensWords: new Set(numbers.zeroTens.map(foldText)),
      halfWord: foldText(numbers.half),
    },
  };
}

/** A regex alternation of folded phrases, longest first so "nguoi dtts" wins over "nguoi"; spaces match any run of spaces. */
export const alternatives = (phrases: readonly string[]) =>
  phrases.length === 0
    ? '(?!)' // matches nothing
    : [...phrases]
        .sort((a, b) => b.length - a.length)
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, String.raw`\s+`))
        .join('|');

/** Memoises what is derived from the words (patterns): content is read once and passed on every call. */
export function perWords<T>(derive: (words: ReportWords) => T): (words: ReportWords) => T {
  const seen = new WeakMap<ReportWords, T>();
  return (words) => {
    if (!seen.has(words)) seen.set(words, derive(words));
    return seen.get(words)!;
  };
}
