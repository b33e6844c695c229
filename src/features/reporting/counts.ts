/**
 * Head counts of a session report as a leader types them: digits ("45 người", "1.200") or
 * number words, tone marks optional ("bốn mươi lăm", "hai mốt", "trăm rưỡi"; the words are
 * content, see words.ts), and
 * whether the counts fit together. parse.ts re-exports these with the other answers it reads.
 */
import { plainText } from '../../core/text/fold.ts';
import { numberFromWords } from '../../core/text/numbers.ts';
import { alternatives, perWords, type CountField, type ReportWords } from './words.ts';

export type CountProblem = 'notNumber' | 'negative' | 'tooLarge';

/** More people than this at one session is a typing mistake. */
export const maxParticipants = 10_000;

/** Words after a number that say it counts people: "45 người" (content's total `after` words). */
const peopleSuffix = perWords((words) => new RegExp(String.raw`(?<!\p{L})(?:${alternatives(words.people)})\.?$`, 'u'));

/** The words naming one count, before its number ("nữ: 30") or after it ("30 nữ"), as patterns. */
const fieldWords = perWords((words) => {
  const of = (field: CountField, where: 'before' | 'after') => alternatives(words.counts.filter((c) => c.field === field && c[where]).map((c) => c.words));
  const patterns = (field: CountField) => ({
    before: new RegExp(String.raw`^(?:${of(field, 'before')})\s*:?\s*(?=[\d\p{L}-])`, 'u'),
    after: new RegExp(String.raw`\s*(?<!\p{L})(?:${of(field, 'after')})\.?$`, 'u'),
  });
  return { participantsTotal: patterns('participantsTotal'), participantsWomen: patterns('participantsWomen'), participantsEthnicMinority: patterns('participantsEthnicMinority') };
});

/**
 * A head count as typed: "45", " 45 người ", "45 nguoi", "1.200" or "1,200", or in words
 * ("bốn mươi lăm", "bon muoi lam", "hai mốt", "một trăm linh năm", "mười nghìn"). With `field`,
 * the words naming that count may stand around the number too ("30 nữ", "DTTS: 40").
 * Problems: `notNumber`, `negative` ("-3"), `tooLarge` (more than {@link maxParticipants}).
 */
export function parseCount(text: string, words: ReportWords, field?: CountField): { ok: true; value: number } | { ok: false; problem: CountProblem } {
  let plain = plainText(text).trim().replace(/[.!?]+$/, '').replace(/\s+/g, ' ');
  if (field) plain = plain.replace(fieldWords(words)[field].before, '').replace(fieldWords(words)[field].after, '').trim();
  plain = plain.replace(peopleSuffix(words), '').trim();
  const m = /^([-\u2212])?\s*(.*)$/su.exec(plain)!;
  const body = m[2]!;
  let value: number | null = null;
  if (/^\d+$/.test(body) || /^\d{1,3}([.,])\d{3}(?:\1\d{3})*$/.test(body)) value = Number(body.replace(/[.,]/g, ''));
  else if (/^[\p{L}\s]+$/u.test(body)) value = numberFromWords(body.split(/\s+/), words.numbers);
  if (value === null) return { ok: false, problem: 'notNumber' };
  if (m[1] && value > 0) return { ok: false, problem: 'negative' };
  if (value > maxParticipants) return { ok: false, problem: 'tooLarge' };
  return { ok: true, value };
}

export type CountsProblem = 'womenAboveTotal' | 'minorityAboveTotal';

/** Whether the counts fit together: women and ethnic-minority participants are part of the total. */
export function checkCounts(total: number, women: number, ethnicMinority: number): CountsProblem | null {
  if (women > total) return 'womenAboveTotal';
  if (ethnicMinority > total) return 'minorityAboveTotal';
  return null;
}
