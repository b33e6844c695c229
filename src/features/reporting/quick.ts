/**
 * The quick form: a whole session report in one message, its parts in any order, marks optional —
 * "12/3 họp thôn; tảo hôn, bạo lực gia đình; 45 người, 30 nữ, 40 DTTS tại nhà văn hóa".
 * Reads what it can into a draft and lists what is wrong or missing; the conversation asks for
 * the rest. Never throws.
 *
 * How it reads: the message is split on ; , new lines and sentence ends (not on the comma of
 * "1,200" nor the dot of "12.3"). Then, over the whole message and in this order, it takes out
 * dates, counts with a word ("45 người", "nữ 30", "dtts: 40"), a place ("tại …", "ở …", "địa
 * điểm: …" up to the next separator, date or count), numbers without a word, and format
 * aliases. What is left is read as topics. "ghi chú: …" takes the rest of the message as notes.
 * One number without a word is the total; several are not guessed at.
 */
import { stripMarks } from '../../core/text/fold.ts';
import {
  checkCounts,
  parseCount,
  parseReportDate,
  perList,
  phrasesOf,
  topicsOfParts,
  type CountProblem,
  type CountsProblem,
  type DateProblem,
  type Format,
  type ListPart,
  type TopicChoice,
} from './parse.ts';
import { alternatives, perWords, type CountField, type ReportWords } from './words.ts';
import { compareDates, type LocalDate } from './quarter.ts';

/** What a report says so far; every field may still be missing. */
export interface ReportDraft {
  heldOn?: LocalDate;
  /** A format id of content/reports.yaml. */
  format?: string;
  /** Topic ids of content/topics.yaml, in the order written. */
  topics?: string[];
  participantsTotal?: number;
  participantsWomen?: number;
  participantsEthnicMinority?: number;
  place?: string;
  notes?: string;
}

/**
 * One thing to ask again. `detail`, when there is one, is text from the message as typed, fit
 * to quote back to the person:
 * - heldOn: the date as typed ("31/02"), or `ambiguous` with the different dates given;
 * - format `ambiguous`: the formats named ("lễ hội, sân khấu hóa");
 * - topics `unknown`: the part not recognised (one problem per part);
 * - counts `ambiguous`: a number without a word ("40"), or two values for one count ("45 người,
 *   50 người"); counts `negative` | `tooLarge`: the count as typed ("-3 nữ");
 * - place `ambiguous`: the second place.
 * Counts `missing` comes once, without detail, when any count is missing: the draft says which.
 */
export type QuickProblem =
  | { field: 'heldOn'; problem: DateProblem | 'ambiguous'; detail?: string }
  | {
      field: 'format' | 'topics' | 'counts' | 'place';
      problem: 'missing' | 'ambiguous' | 'unknown' | CountProblem | CountsProblem;
      detail?: string;
    };

export interface QuickContext {
  today: LocalDate;
  graceDays: number;
  formats: Format[];
  topics: TopicChoice[];
  words: ReportWords;
}

const countFields: CountField[] = ['participantsTotal', 'participantsWomen', 'participantsEthnicMinority'];

const gone = '\u0001'; // marks text already taken
const separator = '\u0002'; // marks ; , new lines and sentence ends
const edge = String.raw`[\p{L}\p{N}]`;
const number = String.raw`-?(?:\d{1,3}(?:[.,]\d{3})+(?!\d)|\d+)`;
/** The patterns made of the content's words (see words.ts), made once per words. */
const patterns = perWords((words) => ({
  date: new RegExp(
    String.raw`(?<![\p{L}\p{N}.,])(?:(?:${alternatives([words.date])})\s*:?\s*)?(?:${alternatives([...words.days.keys()])}|\d+(?:\s*/\s*\d+|-\d+)+|\d{1,2}\.\d{1,2}(?:\.\d+)?)(?!${edge}|[.,]\p{N})`,
    'gu',
  ),
  count: new RegExp(
    String.raw`(?<!${edge})(?:(?<n1>${number})\s*(?<w1>${alternatives(words.counts.filter((c) => c.after).map((c) => c.words))})|` +
      String.raw`(?<w2>${alternatives(words.counts.filter((c) => c.before).map((c) => c.words))})\s*:?\s*(?<n2>${number})(?:\s*(?:${alternatives(words.people)}))?)(?!${edge})`,
    'gu',
  ),
  place: new RegExp(String.raw`(?<!${edge})(?:${alternatives(words.places.map((p) => p.folded))})(?!${edge})`, 'gu'),
  and: new RegExp(String.raw`\+|(?<!${edge})${alternatives([words.and.folded])}(?!${edge})`, 'gu'),
  notes: new RegExp(String.raw`(?<![\p{L}\p{N}])${alternatives([words.notes])}(?![\p{L}\p{N}])\s*:?`, 'u'),
}));
/** A place runs from its keyword to the next separator or the next date or count taken out. */
const placeText = new RegExp(String.raw`\s*:?\s*([^${gone}${separator}]*)`, 'y');
/** A number standing on its own between spaces or separators ("45", "45."), not one inside "alert(1)". */
const bareNumberPattern = new RegExp(String.raw`(?<![^\s${gone}${separator}])${number}(?=[.!?]*(?:[\s${gone}${separator}]|$))`, 'gu');
const piecePattern = new RegExp(`[^${gone}${separator}]+`, 'gu');
const nonWords = new RegExp(`[^\\p{L}\\p{N}${gone}${separator}]+`, 'gu');

/** Text as typed, without control and invisible characters (notes keep their line breaks). */
function clean(text: string, keepLines: boolean): string {
  return text
    .replace(keepLines ? /[\p{Cf}\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/gu : /[\p{Cc}\p{Cf}]/gu, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

const foldedChars = new Map<string, string>();
/**
 * One character as matching sees it: lower case, tone marks and đ stroke gone, ; and new lines
 * as separators, control and invisible characters as spaces. Always as long as the character,
 * so positions in the folded message are positions in the message as typed. Letters of other
 * scripts stay as they are: they can only be unknown words.
 */
function foldChar(ch: string): string {
  let folded = foldedChars.get(ch);
  if (folded === undefined) {
    if (ch === ';' || ch === '\n' || ch === '\r') folded = separator;
    else if (/[\p{Cc}\p{Cf}]/u.test(ch)) folded = ' '.repeat(ch.length);
    else folded = stripMarks(ch.toLowerCase());
    if (folded.length !== ch.length) folded = ch;
    foldedChars.set(ch, folded); // at most the ~1,300 characters of `toFold`
  }
  return folded;
}
/** What {@link foldChar} changes: upper case, Latin letters with marks, ; and control characters. */
const toFold = /[;A-Z\u00c0-\u024f\u1e00-\u1eff\p{Cc}\p{Cf}]/gu;

/**
 * What is left of a message to read: the folded text, position by position the same as the
 * text as typed. Parts are taken out as they are read; what no step takes is read as topics.
 */
class Scan {
  /** The message folded for matching; taken parts are blanked out with `gone`. */
  left: string;

  constructor(
    private readonly source: string,
    private readonly words: ReportWords,
  ) {
    this.left = source
      .replace(toFold, foldChar)
      // A comma separates, except between thousands ("1,200"); so does the full stop ending a sentence.
      .replace(/,(?!(?<=\d,)\d{3}(?!\d))|\.(?=\s|$)/g, separator);
  }

  /** The text as typed behind positions `from`–`to`, trimmed. */
  typed(from: number, to: number): string {
    return this.source.slice(from, to).trim();
  }

  /**
   * Takes every match of `pattern` out of what is left, unless `take` returns false; `take` may
   * return where the taken text ends when it runs past the match.
   */
  take(pattern: RegExp, take: (m: RegExpExecArray) => boolean | number | void): void {
    let out = '';
    let last = 0;
    for (const m of this.left.matchAll(pattern)) {
      if (m.index < last) continue;
      const taken = take(m);
      if (taken === false) continue;
      const end = typeof taken === 'number' ? taken : m.index + m[0].length;
      out += this.left.slice(last, m.index) + gone.repeat(end - m.index);
      last = end;
    }
    this.left = out + this.left.slice(last);
  }

  /** Everything from `index` on, as typed, taken out of what is left. */
  takeRest(index: number): string {
    this.left = this.left.slice(0, index);
    return this.source.slice(index);
  }

  /** The pieces nothing took, split on separators, taken text, "+" and "và" (`words.and`; as typed, and folded). */
  pieces(): ListPart[] {
    // Punctuation and symbols as spaces, keeping every position.
    const words = this.left.replace(nonWords, (run) => ' '.repeat(run.length));
    const out: ListPart[] = [];
    const add = (from: number, to: number) => {
      const folded = words.slice(from, to).trim();
      if (folded) out.push({ raw: this.typed(from, to), folded: folded.includes('  ') ? folded.replace(/ {2,}/g, ' ') : folded });
    };
    for (const piece of words.matchAll(piecePattern)) {
      let from = piece.index;
      const text = this.left.slice(piece.index, piece.index + piece[0].length);
      const { and: andWord } = this.words;
      for (const and of text.includes('+') || text.includes(andWord.folded) ? text.matchAll(patterns(this.words).and) : []) {
        const at = piece.index + and.index;
        if (and[0] !== '+' && andWord.typed && !andWord.typed.includes(this.source.slice(at, at + and[0].length).toLowerCase())) continue;
        add(from, at);
        from = at + and[0].length;
      }
      add(from, piece.index + piece[0].length);
    }
    return out;
  }
}

/** For each format label and alias, longest first, a pattern finding it in folded text. */
const formatPatterns = perList((formats: Format[]) =>
  formats
    .flatMap((f) => phrasesOf(f).map((phrase) => ({ id: f.id, phrase })))
    .sort((a, b) => b.phrase.length - a.phrase.length)
    .map(({ id, phrase }) => ({ id, pattern: new RegExp(String.raw`(?<!${edge})${phrase.split(' ').join(String.raw`[^\p{L}\p{N}${gone}${separator}]+`)}(?!${edge})`, 'gu') })),
);

/** A value read for one count, or why it could not be. */
interface CountRead {
  typed: string;
  value: number | CountProblem;
}

/** Memoises `read` per text: a long message may repeat the same date or number many times. */
function memo<T>(read: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    if (!seen.has(text)) seen.set(text, read(text));
    return seen.get(text)!;
  };
}

const countValue = (parsed: ReturnType<typeof parseCount>) => (parsed.ok ? parsed.value : parsed.problem);

/** Reads a quick-form report; see the module comment. */
export function parseQuickReport(text: string, ctx: QuickContext): { draft: ReportDraft; problems: QuickProblem[] } {
  const draft: ReportDraft = {};
  const problems: QuickProblem[] = [];
  const { words } = ctx;
  const pattern = patterns(words);
  const scan = new Scan(typeof text === 'string' ? text.normalize('NFC') : '', words);

  const notesAt = pattern.notes.exec(scan.left);
  if (notesAt) {
    const notes = clean(scan.takeRest(notesAt.index).slice(notesAt[0].length), true);
    if (notes) draft.notes = notes;
  }

  // Dates
  const dates: LocalDate[] = [];
  let dateProblem: { problem: DateProblem; detail: string } | undefined;
  const datesTyped: string[] = [];
  const readDate = memo((typed) => parseReportDate(typed, ctx.today, ctx.graceDays, words));
  scan.take(pattern.date, (m) => {
    const result = readDate(m[0]);
    const typed = scan.typed(m.index, m.index + m[0].length);
    if (!result.ok) dateProblem ??= { problem: result.problem, detail: typed };
    else if (!dates.some((d) => compareDates(d, result.date) === 0)) (dates.push(result.date), datesTyped.push(typed));
  });
  if (dateProblem) problems.push({ field: 'heldOn', ...dateProblem });
  else if (dates.length > 1) problems.push({ field: 'heldOn', problem: 'ambiguous', detail: datesTyped.join(', ') });
  else if (dates.length === 1) draft.heldOn = dates[0];

  // Counts with a word
  const counts = new Map<CountField, CountRead[]>(countFields.map((f) => [f, []]));
  const readCount = memo((typed) => countValue(parseCount(typed, words)));
  scan.take(pattern.count, (m) => {
    const named = (m.groups!.w1 ?? m.groups!.w2)!.replace(/\s+/g, ' ');
    const field = words.counts.find((c) => c.words === named && (m.groups!.w1 ? c.after : c.before))!.field;
    counts.get(field)!.push({ typed: scan.typed(m.index, m.index + m[0].length), value: readCount(m.groups!.n1 ?? m.groups!.n2!) });
  });

  // Place
  const places: string[] = [];
  scan.take(pattern.place, (m) => {
    const written = words.places.find((p) => p.folded === m[0].replace(/\s+/g, ' '))?.typed;
    if (written && !written.includes(scan.typed(m.index, m.index + m[0].length).toLowerCase())) return false;
    placeText.lastIndex = m.index + m[0].length;
    const extent = placeText.exec(scan.left)!;
    const start = placeText.lastIndex - extent[1]!.length;
    places.push(clean(scan.typed(start, placeText.lastIndex), false).replace(/[\s.!?…]+$/u, ''));
    return placeText.lastIndex;
  });

  // Numbers without a word
  const bare: string[] = [];
  scan.take(bareNumberPattern, (m) => void bare.push(scan.typed(m.index, m.index + m[0].length)));

  // Formats
  const formatsTyped = new Map<string, string>(); // format id → how it was first written
  for (const { id, pattern } of formatPatterns(ctx.formats)) {
    scan.take(pattern, (m) => void (formatsTyped.has(id) || formatsTyped.set(id, scan.typed(m.index, m.index + m[0].length))));
  }
  const named = ctx.formats.filter((f) => formatsTyped.has(f.id));
  if (named.length === 1) draft.format = named[0]!.id;
  else if (named.length === 0) problems.push({ field: 'format', problem: 'missing' });
  else problems.push({ field: 'format', problem: 'ambiguous', detail: named.map((f) => formatsTyped.get(f.id)).join(', ') });

  // Topics: whatever is left, split on + and "và" too. Numbers are counts here, never topics by
  // their place in a list: a leftover "(3)" is a stray number.
  const leftovers = scan.pieces();
  const isNumber = (p: ListPart) => /^[\d ]+$/.test(p.folded);
  const topics = topicsOfParts(leftovers.filter((p) => !isNumber(p)), ctx.topics, words);
  const unknown = [...new Map(topics.unknown.map((u) => [u.folded, u.raw]))].filter(([folded]) => !folded.split(' ').every((w) => words.filler.has(w)));
  if (topics.topics.length > 0) draft.topics = topics.topics;
  for (const [, detail] of unknown) problems.push({ field: 'topics', problem: 'unknown', detail });
  if (topics.topics.length === 0 && unknown.length === 0) problems.push({ field: 'topics', problem: 'missing' });

  // Counts: a single number without a word is the total; other such numbers are ambiguous.
  if (bare.length === 1 && counts.get('participantsTotal')!.length === 0) {
    counts.get('participantsTotal')!.push({ typed: bare[0]!, value: readCount(bare[0]!) });
    bare.length = 0;
  }
  for (const detail of new Set([...bare, ...leftovers.filter(isNumber).map((p) => p.raw)])) {
    problems.push({ field: 'counts', problem: 'ambiguous', detail });
  }
  for (const [field, given] of counts) {
    const wrong = given.find((c) => typeof c.value === 'string');
    if (wrong) problems.push({ field: 'counts', problem: wrong.value as CountProblem, detail: wrong.typed });
    else if (new Set(given.map((c) => c.value)).size > 1) problems.push({ field: 'counts', problem: 'ambiguous', detail: given.map((c) => c.typed).join(', ') });
    else if (given.length > 0) draft[field] = given[0]!.value as number;
  }
  if ([...counts.values()].some((given) => given.length === 0)) problems.push({ field: 'counts', problem: 'missing' });
  if (draft.participantsTotal !== undefined) {
    const total = draft.participantsTotal;
    for (const problem of [checkCounts(total, draft.participantsWomen ?? 0, 0), checkCounts(total, 0, draft.participantsEthnicMinority ?? 0)]) {
      if (problem) problems.push({ field: 'counts', problem });
    }
  }

  // Place
  const distinctPlaces = [...new Set(places.filter(Boolean))];
  if (places.length > 0 && distinctPlaces.length === 0) problems.push({ field: 'place', problem: 'missing' });
  else if (distinctPlaces.length > 1) problems.push({ field: 'place', problem: 'ambiguous', detail: distinctPlaces[1] });
  else if (distinctPlaces.length === 1) draft.place = distinctPlaces[0];

  return { draft, problems };
}
