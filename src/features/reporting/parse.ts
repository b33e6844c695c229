/**
 * Reading one answer of a session report as a group leader types it: the date held, a head
 * count (read in counts.ts, digits or Vietnamese words, and re-exported here), the session format
 * and the topics. With or without tone marks. Problems come back as codes; locales turn them into
 * messages.
 */
import path from 'node:path';
import { z } from 'zod';
import { ContentError, readYamlFile } from '../../content/yaml.ts';
import { defaultContentDir } from '../../core/paths.ts';
import { foldText, plainText } from '../../core/text/fold.ts';
import { alternatives, compileReportWords, numberWordsSchema, reportWordsSchema, type ReportWords } from './words.ts';
import { addDays, compareDates, daysBetween, isValidDate, previousQuarter, quarterEnd, quarterOf, quarterStart, type LocalDate, type Quarter } from './quarter.ts';

/** Whether folded `text` holds folded `phrase` as whole words. */
function containsWords(text: string, phrase: string): boolean {
  return phrase !== '' && ` ${text} `.includes(` ${phrase} `);
}

// ---------------------------------------------------------------------------------------------
// Dates

export type DateProblem = 'format' | 'invalid' | 'future' | 'tooOld';

/** "ngày" (content's `words.date`) before a date, with an optional colon. */
const datePrefix = perList((words: ReportWords) => new RegExp(String.raw`^${alternatives([words.date])}\s*:?\s*`, 'u'));

/**
 * The day a session was held, as typed: "12/3", "12/03/2026", "12-3-2026", "12.3", "12/3/26",
 * "ngày 12/3", "hôm nay", "hôm qua" (marks optional; the words are content's `words.date` and `words.days`). A date without a year is in today's year,
 * or last year when that is after today and last year's day can still be reported (in the first
 * days of January, "28/12" is last December); otherwise it is `future`.
 *
 * Problems: `format` when it is not a date; `invalid` for a day that does not exist (31/02,
 * 29/02 outside leap years, month 13); `future` after today; `tooOld` before the current
 * quarter, except for the previous quarter during the first `graceDays` days of this one.
 */

export function parseReportDate(
  text: string,
  today: LocalDate,
  graceDays: number,
  words: ReportWords,
): { ok: true; date: LocalDate } | { ok: false; problem: DateProblem } {
  const plain = plainText(text)
    .trim()
    .replace(datePrefix(words), '')
    .replace(/[.!?]+$/, '');
  let date: LocalDate;
  const relative = words.days.get(plain.replace(/\s+/g, ' '));
  if (relative !== undefined) {
    return reportDateDaysBack(relative, today, graceDays);
  } else {
    const m = /^(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d+))?$/.exec(plain);
    if (!m) return { ok: false, problem: 'format' };
    const [day, month] = [Number(m[1]), Number(m[2])];
    const yearText = m[3];
    if (yearText !== undefined && yearText.length !== 2 && yearText.length !== 4) return { ok: false, problem: 'format' };
    const year = yearText === undefined ? today.year : yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
    if (!isValidDate(year, month, day)) return { ok: false, problem: 'invalid' };
    date = { year, month, day };
  }
  const yearless = !/^\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]/.test(plain);
  if (compareDates(date, today) > 0) {
    // "28/12" typed on 3 January means last December, when that session can still be reported.
    const lastYear = { ...date, year: date.year - 1 };
    if (yearless && isValidDate(lastYear.year, lastYear.month, lastYear.day) && reportable(lastYear, today, graceDays)) return { ok: true, date: lastYear };
    return { ok: false, problem: 'future' };
  }
  return reportable(date, today, graceDays) ? { ok: true, date } : { ok: false, problem: 'tooOld' };
}

/** The day `daysBack` days before today ("hôm qua" typed, or the "Hôm qua" button), checked as a typed date is. */
export function reportDateDaysBack(daysBack: number, today: LocalDate, graceDays: number): { ok: true; date: LocalDate } | { ok: false; problem: DateProblem } {
  const date = addDays(today, -daysBack);
  return reportable(date, today, graceDays) ? { ok: true, date } : { ok: false, problem: 'tooOld' };
}

/**
 * The quarters a session can be reported for today: the current one, and before it the previous
 * one while its grace days last (`until`: the last day it is still taken).
 */
export function openQuarters(today: LocalDate, graceDays: number): Array<{ quarter: Quarter; from: LocalDate; until?: LocalDate }> {
  const current = quarterOf(today);
  const previous = previousQuarter(current);
  const until = addDays(quarterEnd(previous), graceDays);
  const open = [{ quarter: current, from: quarterStart(current) }];
  return compareDates(today, until) <= 0 ? [{ quarter: previous, from: quarterStart(previous), until }, ...open] : open;
}

/** In the current quarter, or in the previous one during the first `graceDays` days of this one (`date` not after today). */
function reportable(date: LocalDate, today: LocalDate, graceDays: number): boolean {
  if (compareDates(date, quarterStart(quarterOf(today))) >= 0) return true;
  const previous = previousQuarter(quarterOf(today));
  const inGrace = daysBetween(quarterEnd(previous), today) <= graceDays;
  return inGrace && compareDates(date, quarterStart(previous)) >= 0;
}

// ---------------------------------------------------------------------------------------------
// Head counts: in counts.ts

export { checkCounts, maxParticipants, parseCount, type CountProblem, type CountsProblem } from './counts.ts';
export type { ReportWords } from './words.ts';

// ---------------------------------------------------------------------------------------------
// Formats and topics

export interface Format {
  id: string;
  label: string;
  aliases: string[];
}

export interface TopicChoice {
  id: string;
  label: string;
  aliases: string[];
}

const text = z.string().trim().min(1);
const reportsFileSchema = z
  .strictObject({
    formats: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a-z, 0-9 and -'), label: text, aliases: z.array(text).default([]) })).min(1),
    words: reportWordsSchema.optional(),
    numbers: numberWordsSchema.optional(),
  })
  .superRefine((data, ctx) => {
    const ids = new Set<string>();
    const owners = new Map<string, string>();
    data.formats.forEach((format, i) => {
      if (ids.has(format.id)) ctx.addIssue({ code: 'custom', path: ['formats', i, 'id'], message: `"${format.id}" is already used` });
      ids.add(format.id);
      format.aliases.forEach((alias, j) => {
        const owner = owners.get(foldText(alias));
        if (owner && owner !== format.id) ctx.addIssue({ code: 'custom', path: ['formats', i, 'aliases', j], message: `"${alias}" is already an alias of "${owner}"` });
        owners.set(foldText(alias), format.id);
      });
    });
  });

/**
 * content/reports.yaml: the session formats in file order, and the words a report is written
 * with. Throws a ContentError naming file:line.
 */
export function readReportContent(contentDir: string): { formats: Format[]; words: ReportWords } {
  const file = path.join(contentDir, 'reports.yaml');
  const data = readYamlFile(file, reportsFileSchema);
  let { words, numbers } = data;
  if (!words || !numbers) {
    // A content folder of an older version has no words: those shipped with Loa Bản are used.
    const shipped = path.join(defaultContentDir, 'reports.yaml');
    if (path.resolve(file) === path.resolve(shipped)) {
      throw new ContentError([{ file, line: 0, message: `${words ? 'numbers' : 'words'}: missing (it ships with Loa Bản)` }]);
    }
    const defaults = readYamlFile(shipped, reportsFileSchema);
    words ??= defaults.words!;
    numbers ??= defaults.numbers!;
  }
  return { formats: data.formats, words: compileReportWords(words, numbers) };
}

/** The session formats of content/reports.yaml, in file order. */
export function readFormats(contentDir: string): Format[] {
  return readReportContent(contentDir).formats;
}

/** Memoises `derive` per list of choices: content is read once and passed on every call. */
export function perList<L extends object, T>(derive: (list: L) => T): (list: L) => T {
  const seen = new WeakMap<L, T>();
  return (list) => {
    if (!seen.has(list)) seen.set(list, derive(list));
    return seen.get(list)!;
  };
}

/** A choice's label and aliases, folded, longest first. */
export function phrasesOf(choice: { label: string; aliases: string[] }): string[] {
  return [...new Set([choice.label, ...choice.aliases].map(foldText).filter(Boolean))].sort((a, b) => b.length - a.length);
}

/**
 * The formats whose label or an alias the text names, in list order: a number "2" names the
 * second. More than one means the answer is ambiguous.
 */
export function formatsNamed(text: string, formats: Format[]): Format[] {
  const folded = foldText(text);
  if (/^\d+$/.test(folded)) {
    const chosen = formats[Number(folded) - 1];
    return chosen ? [chosen] : [];
  }
  const phrases = formatPhrases(formats);
  return formats.filter((f, i) => phrases[i]!.some((p) => containsWords(folded, p)));
}

const formatPhrases = perList((formats: Format[]) => formats.map(phrasesOf));

/** The format the answer names ("họp thôn", "san khau", "2"), or null when it names none or several. */
export function matchFormat(text: string, formats: Format[]): Format | null {
  const named = formatsNamed(text, formats);
  return named.length === 1 ? named[0]! : null;
}

/** Splits a list of topics on , ; + new lines and "và" (content's `words.and`, as written or without marks). */
const topicSeparators = perList(
  (words: ReportWords) => new RegExp(String.raw`[,;+\n\r]|(?<![\p{L}\p{N}])(?:${(words.and.typed ?? [words.and.folded]).map((w) => alternatives([w])).join('|')})(?![\p{L}\p{N}])`, 'giu'),
);

/** One part of a list as typed, and folded. */
export interface ListPart {
  raw: string;
  folded: string;
}

/**
 * The topics an answer names, in the order written, each once: parts separated by , ; + "và"
 * or new lines, each matched by a topic's label or alias it contains (marks optional), or by
 * numbers from the list ("1, 3"). A full label that itself holds "và" or a comma is read as
 * one topic. Parts naming nothing are returned as typed in `unknown`.
 */
export function matchTopics(text: string, topics: TopicChoice[], words: ReportWords): { topics: string[]; unknown: string[] } {
  const parts = String(text)
    .normalize('NFC')
    .split(topicSeparators(words))
    .map((raw) => ({ raw: raw.trim(), folded: foldText(raw) }));
  const found = topicsOfParts(parts, topics, words);
  return { topics: found.topics, unknown: found.unknown.map((p) => p.raw) };
}

/** The topics' folded phrases, and the labels that hold a separator themselves ("Làm mẹ an toàn, chăm sóc … và dinh dưỡng trẻ em"). */
const topicPhrases = perList((words: ReportWords) => perList((topics: TopicChoice[]) => {
  const choices = topics.map((t) => ({ id: t.id, phrases: phrasesOf(t).map((p) => ` ${p} `) }));
  const labelsBySeparatedParts = new Map<string, string>();
  const labelStarts = new Set<string>();
  let longestLabel = 1;
  for (const t of topics) {
    const labelParts = t.label.normalize('NFC').split(topicSeparators(words)).map(foldText).filter(Boolean);
    if (labelParts.length < 2) continue;
    labelsBySeparatedParts.set(labelParts.join('\n'), t.id);
    labelStarts.add(labelParts[0]!);
    longestLabel = Math.max(longestLabel, labelParts.length);
  }
  return { choices, labelsBySeparatedParts, labelStarts, longestLabel };
}));

/** {@link matchTopics} for a list already split and folded; empty parts are skipped. */
export function topicsOfParts(list: ListPart[], topics: TopicChoice[], words: ReportWords): { topics: string[]; unknown: ListPart[] } {
  const parts = list.filter((p) => p.folded !== '');
  const { choices, labelsBySeparatedParts, labelStarts, longestLabel } = topicPhrases(words)(topics);
  /** The topics one part names, in the order their words appear in it. */
  const named = new Map<string, string[]>();
  const topicsIn = (folded: string): string[] => {
    const padded = ` ${folded} `;
    const hits: Array<{ id: string; at: number }> = [];
    for (const choice of choices) {
      let at = -1;
      for (const phrase of choice.phrases) {
        const i = padded.indexOf(phrase);
        if (i >= 0 && (at < 0 || i < at)) at = i;
      }
      if (at >= 0) hits.push({ id: choice.id, at });
    }
    return hits.sort((a, b) => a.at - b.at).map((h) => h.id);
  };

  const found: string[] = [];
  const unknown: ListPart[] = [];
  for (let i = 0; i < parts.length; i++) {
    let whole: string | undefined;
    for (let n = labelStarts.has(parts[i]!.folded) ? Math.min(longestLabel, parts.length - i) : 0; n >= 2 && !whole; n--) {
      whole = labelsBySeparatedParts.get(parts.slice(i, i + n).map((p) => p.folded).join('\n'));
      if (whole) i += n - 1;
    }
    if (whole) {
      found.push(whole);
      continue;
    }
    const part = parts[i]!;
    if (/^\d+( \d+)*$/.test(part.folded)) {
      for (const n of part.folded.split(' ')) {
        const topic = topics[Number(n) - 1];
        if (topic) found.push(topic.id);
        else unknown.push({ raw: n, folded: n });
      }
      continue;
    }
    if (!named.has(part.folded)) named.set(part.folded, topicsIn(part.folded));
    const ids = named.get(part.folded)!;
    if (ids.length > 0) found.push(...ids);
    else unknown.push(part);
  }
  return { topics: [...new Set(found)], unknown };
}
