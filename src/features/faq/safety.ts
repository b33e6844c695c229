/**
 * Signs that someone is in danger, by category (self-harm, sexual violence, physical violence,
 * threats, trafficking, confinement, forced marriage, starvation and economic control, a cry for
 * help), and who is at risk: the writer, a child, or someone else. The words and patterns are
 * content (content/safety/); this module applies them, compiled by safety-patterns.ts. Pure: no I/O.
 *
 * A pattern is matched on whole words of the message (lower case, chat spellings expanded,
 * "cứuuuu" read as "cứu"). A word written without tone marks matches it with any marks ("dam"
 * finds "đấm", "đâm", "đám"); a word written with marks matches the same word typed with the same
 * marks or fewer ("đá" finds "đá", "da", not "đã"), so a marked pattern tells "đá" (kick) from
 * "đã" (already) whenever the person typed the marks. Its syntax, for those who edit content/safety/:
 *   words          the words in this order: "bop co"
 *   *              one to three words of anything: "ep * quan he" finds "ép con gái tôi quan hệ"
 *   (a|b c|)       one of the choices (choices may hold choices); an empty choice makes it optional
 *   {n<18}         a number under 18, in digits or words: "14", "mười bốn"; {d<18}: digits only
 *   =tự =vẫn       "=" before a word: only that word with exactly these marks ("tu van" is "tư vấn" too)
 * A signal is one pattern, or a list of patterns that must all appear somewhere in the message.
 * Look-alikes ("đánh bài", "cười muốn chết") are cut out before signals are looked for.
 * A miss can cost a life and a false alarm costs a moment, so the signals lean towards answering.
 */
import type { ChatSpelling } from './spelling.ts';
import { foldText } from '../../core/text/fold.ts';
import { compilePattern, patternWords, wordsOf } from './safety-patterns.ts';

/** A cry for help is read in full, however long the message (it is only string search). */
const maxSafetyChars = 20_000;

/** Who is at risk: the writer, a child (the writer's or any under 18, the writer too), or another adult. */
export type AtRisk = 'self' | 'child' | 'other';
export const atRiskKinds: readonly AtRisk[] = ['self', 'child', 'other'];

export interface SafetySignal {
  /** The most urgent category the message speaks of (the id of its file in content/safety/). */
  category: string;
  atRisk: AtRisk;
  /** The child at risk is the writer ("em mới 14 tuổi"): the reply speaks to her, not to a carer. */
  writerIsChild?: true;
  /** The message names no one ("phụ nữ bị bạo lực được hỗ trợ gì"): it may be a question the FAQ answers. */
  general?: true;
}

/** Reads a message for danger: the most urgent category and who is at risk, or null. */
export type SafetyDetector = (text: string) => SafetySignal | null;

/** One category's folded patterns, as content/safety/<id>.yaml writes them. */
export interface SafetyCategoryPatterns {
  id: string;
  /** Lower is more urgent: a message with several categories gets the most urgent one's reply. */
  urgency: number;
  /** Each signal: patterns that must all appear. */
  signals: string[][];
  /** Everyday phrases cut out before this category's signals are looked for. */
  lookalikes: string[];
}

/** Phrases that tell who is at risk, checked in the order of `whoIsAtRisk`. */
export interface AtRiskPatterns {
  /** People in general ("trẻ em", "phụ nữ"): cut first, they name no one ("trẻ em" is not "em"). */
  nobody: string[];
  /** The writer together with her child ("mẹ con em"): the writer is at risk. */
  withChild: string[];
  /** An age under 18 ("14 tuổi", "mới 15"): a child at risk, but no person for a question about the law. */
  minorAge: string[];
  /** A child: "con bé", "con gái em". */
  child: string[];
  /** Another adult, with the writer's possessive ("hàng xóm em", "chị gái tôi", "vợ tôi"). */
  other: string[];
  /** The writer: "em", "tôi", "mình". */
  self: string[];
}

export interface SafetyPatterns {
  categories: SafetyCategoryPatterns[];
  /** Everyday phrases cut out before any category is looked for. */
  lookalikes: string[];
  atRisk: AtRiskPatterns;
  /**
   * Marks of a question about the law or a word ("là gì", "bị phạt"): with no person named, the
   * message asks for information and tells of no one in danger.
   */
  questions: string[];
}

/** The words of `text` with chat spellings expanded where typed without marks ("ck" → "chong", but "à" stays). */
function expanded(text: string, spelling: ChatSpelling): string {
  return text
    .split(' ')
    .map((word) => {
      const plain = !/\p{M}/u.test(word.replace(/đ/g, 'd').normalize('NFD'));
      return plain ? spelling.abbreviations.get(foldText(word)) ?? word : word;
    })
    .join(' ');
}

/**
 * The forms of a message that are searched: chat spellings expanded (first: who is at risk is read
 * there), and with repeated letters squeezed ("cứuuuu": to one letter and to two, as "cuu" needs two).
 */
function variantsOf(text: string, spelling: ChatSpelling): string[] {
  const typed = wordsOf(text.length > maxSafetyChars ? text.slice(0, maxSafetyChars) : text);
  const forms = new Set([expanded(typed, spelling)]);
  if (/(\p{L})\1\1/u.test(typed)) {
    for (const to of ['$1', '$1$1']) forms.add(expanded(typed.replace(/(\p{L})\1{2,}/gu, to), spelling));
  }
  return [...forms].filter((form) => form !== '').map((form) => ` ${form} `);
}

/** A compiled pattern with the words one of which each of its matches holds (null: not known; see patternWords). */
interface Compiled {
  re: RegExp;
  words: readonly string[] | null;
}

/** Whether `pattern` may match a message whose folded words are `words`: untested otherwise. */
function mayMatch(pattern: Compiled, words: ReadonlySet<string>): boolean {
  if (pattern.words === null) return true;
  for (const word of pattern.words) if (words.has(word)) return true;
  return false;
}

/** Whether every pattern of `all` is found in `text`. */
function everyMatches(all: Compiled[], text: string, words: ReadonlySet<string>): boolean {
  for (const pattern of all) if (!mayMatch(pattern, words)) return false;
  for (const pattern of all) if (!pattern.re.test(text)) return false;
  return true;
}

/**
 * Patterns or signals, found by the words one of which each needs (`needs`; null: none named, always
 * tried): a message is looked up by its dozen words instead of trying each of a few hundred.
 */
class ByWords<T> {
  private readonly always: number[] = [];
  private readonly byWord = new Map<string, number[]>();
  /** Which items a message's words found, cleared after each lookup (one message at a time: no await between). */
  private readonly marked: Uint8Array;

  constructor(
    readonly items: readonly T[],
    needs: (item: T) => readonly string[] | null,
  ) {
    this.marked = new Uint8Array(items.length);
    items.forEach((item, i) => {
      const words = needs(item);
      if (words === null) this.always.push(i);
      else for (const word of words) this.byWord.set(word, [...(this.byWord.get(word) ?? []), i]);
    });
  }

  /** Those that may be found in a message of `words`, in their order. */
  among(words: readonly string[]): T[] {
    const { marked } = this;
    let any = this.always.length > 0;
    for (const i of this.always) marked[i] = 1;
    for (const word of words) {
      const found = this.byWord.get(word);
      if (found === undefined) continue;
      any = true;
      for (const i of found) marked[i] = 1;
    }
    const among: T[] = [];
    if (!any) return among;
    for (let i = 0; i < marked.length; i++) {
      if (marked[i] === 0) continue;
      marked[i] = 0;
      among.push(this.items[i]!);
    }
    return among;
  }
}

/** A signal's words: those of its pattern that names the fewest (each must be found), or null. */
function signalWords(all: Compiled[]): readonly string[] | null {
  const named = all.filter((p) => p.words !== null).sort((a, b) => a.words!.length - b.words!.length);
  return named[0]?.words ?? null;
}

/** Cuts look-alikes out, leaving a separator so that words on either side do not join into a signal. */
function without(text: string, lookalikes: Compiled[], words: ReadonlySet<string>): string {
  let out = text;
  for (const lookalike of lookalikes) if (mayMatch(lookalike, words)) out = out.replace(lookalike.re, '| ');
  return out;
}

/**
 * Who is at risk in `text` (padded, look-alikes cut), or null when the message names no one: see
 * AtRiskPatterns for the order.
 */
function whoIsAtRisk(message: string, who: Record<keyof AtRiskPatterns, Compiled[]>, words: ReadonlySet<string>): { atRisk: AtRisk; named: boolean; writerIsChild?: true } | null {
  const any = (patterns: Compiled[], t: string) => patterns.some((p) => mayMatch(p, words) && p.re.test(t));
  const text = without(message, who.nobody, words);
  if (any(who.withChild, text)) return { atRisk: 'self', named: true };
  if (any(who.child, text)) return { atRisk: 'child', named: true };
  // "hàng xóm em", "chị gái tôi": the "em", "tôi" there is the writer's, not the one at risk.
  const others = without(text, who.other, words);
  if (any(who.self, others)) return any(who.minorAge, text) ? { atRisk: 'child', named: true, writerIsChild: true } : { atRisk: 'self', named: true };
  if (others !== text) return { atRisk: any(who.minorAge, text) ? 'child' : 'other', named: true };
  return any(who.minorAge, text) ? { atRisk: 'child', named: false } : null;
}

/**
 * A detector over compiled `patterns`; `spelling` expands chat abbreviations and reads number words.
 * Throws PatternError. `everyPattern`: tries every pattern, not only those whose words the message
 * holds — the same readings, more slowly (a test compares the two).
 */
export function safetyDetector(patterns: SafetyPatterns, spelling: ChatSpelling, { everyPattern = false } = {}): SafetyDetector {
  const compile = (p: string, flags = ''): Compiled => ({ re: compilePattern(p, spelling.numbers, flags), words: everyPattern ? null : patternWords(p, spelling.numbers) });
  const byWords = (all: Compiled[]) => new ByWords(all, (p) => p.words);
  const lookalikes = byWords(patterns.lookalikes.map((p) => compile(p, 'g')));
  const categories = [...patterns.categories]
    .sort((a, b) => a.urgency - b.urgency)
    .map((c) => ({ id: c.id, signals: new ByWords(c.signals.map((all) => all.map((p) => compile(p))), signalWords), lookalikes: byWords(c.lookalikes.map((p) => compile(p, 'g'))) }));
  const questions = patterns.questions.map((p) => compile(p));
  const who = {
    nobody: patterns.atRisk.nobody.map((p) => compile(p, 'g')),
    withChild: patterns.atRisk.withChild.map((p) => compile(p)),
    minorAge: patterns.atRisk.minorAge.map((p) => compile(p)),
    child: patterns.atRisk.child.map((p) => compile(p)),
    other: patterns.atRisk.other.map((p) => compile(p, 'g')),
    self: patterns.atRisk.self.map((p) => compile(p)),
  };
  return (text) => {
    if (text.trim() === '') return null;
    const variants = variantsOf(text, spelling);
    // Every word of every form, folded: a pattern none of whose words is here is not tried.
    const words = new Set(foldText(variants.join(' ')).split(' '));
    const listed = [...words];
    const everyday = lookalikes.among(listed);
    const forms = variants.map((form) => without(form, everyday, words));
    for (const category of categories) {
      const signals = category.signals.among(listed);
      if (signals.length === 0) continue;
      const cut = category.lookalikes.among(listed);
      for (const form of forms) {
        const searched = without(form, cut, words);
        if (signals.some((all) => everyMatches(all, searched, words))) {
          const found = whoIsAtRisk(forms[0]!, who, words);
          // "chồng đánh vợ bị phạt thế nào", "cưới lúc 15 tuổi có hại gì": a question that names no one.
          if (!found?.named && questions.some((q) => mayMatch(q, words) && q.re.test(forms[0]!))) return null;
          return {
            category: category.id,
            atRisk: found?.atRisk ?? 'self',
            ...(found?.writerIsChild ? { writerIsChild: true as const } : {}),
            ...(found?.named ? {} : { general: true as const }),
          };
        }
      }
    }
    return null;
  };
}
