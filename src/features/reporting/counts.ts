/**
 * Head counts of a session report as a leader types them: digits ("45 người", "1.200") or
 * Vietnamese number words, tone marks optional ("bốn mươi lăm", "hai mốt", "trăm rưỡi"), and
 * whether the counts fit together. parse.ts re-exports these with the other answers it reads.
 */
import { plainText } from '../../core/text/fold.ts';

export type CountProblem = 'notNumber' | 'negative' | 'tooLarge';

/** More people than this at one session is a typing mistake. */
export const maxParticipants = 10_000;

/** Vietnamese digit words, folded ("bốn" → "bon", "bảy" → "bay"). */
const digitWords = new Map(['khong', 'mot', 'hai', 'ba', 'bon', 'nam', 'sau', 'bay', 'tam', 'chin'].map((w, i) => [w, i]));
/** Units after a tens word also have the forms "mốt" (folds to "mot"), "tư", "lăm", "nhăm". */
const unitWords = new Map([...digitWords, ['tu', 4], ['lam', 5], ['nham', 5]]);
const thousandWords = new Set(['nghin', 'ngan']);
const hundredWord = 'tram';
const tensWord = 'muoi'; // both "mười" (ten) and "mươi" (-ty) fold to this
const zeroTensWords = new Set(['linh', 'le']); // "một trăm linh năm" = 105
const halfWord = 'ruoi'; // "trăm rưỡi" = 150, "nghìn rưỡi" = 1,500
/** Words after a number that name what is counted: "45 người". */
const peopleSuffix = /(?<!\p{L})(?:nguoi|ng)\.?$/u;

/**
 * A number written in folded Vietnamese words, from "không" to "mười nghìn" and beyond, or
 * null when the words are not one. Spoken shortcuts count: "hai mốt" = 21, "một trăm hai" =
 * 120, "hai nghìn ba" = 2,300, "trăm rưỡi" = 150.
 */
function numberFromWords(words: string[]): number | null {
  let i = 0;
  const unitAt = (j: number) => {
    const u = unitWords.get(words[j] ?? '');
    return u !== undefined && u > 0 ? u : undefined;
  };
  /** 0–99: "mười", "mười lăm", "hai mươi mốt", "hai mốt", "bảy". */
  const belowHundred = (): number | null => {
    if (words[i] === tensWord) {
      i++;
      const u = unitAt(i);
      if (u === undefined) return 10;
      i++;
      return 10 + u;
    }
    const d = digitWords.get(words[i] ?? '');
    if (d === undefined) return null;
    i++;
    if (d >= 2 && words[i] === tensWord) {
      i++;
      const u = unitAt(i);
      if (u === undefined) return d * 10;
      i++;
      return d * 10 + u;
    }
    const u = unitAt(i);
    const next = words[i + 1];
    if (d >= 2 && u !== undefined && next !== hundredWord && !thousandWords.has(next ?? '')) {
      i++;
      return d * 10 + u; // "hai mốt", "ba lăm"
    }
    return d;
  };
  /** What follows a hundreds or thousands word, whose value is `scale`. */
  const rest = (scale: number, below: () => number | null): number | null => {
    const w = words[i];
    if (w === undefined) return 0;
    if (w === halfWord) return i++, scale / 2;
    if (zeroTensWords.has(w)) {
      i++;
      const u = unitAt(i);
      return u === undefined ? null : (i++, u);
    }
    const start = i;
    const value = below();
    if (value === null) return null;
    const lone = i === start + 1 && digitWords.has(words[start]!);
    return lone ? value * (scale / 10) : value; // "một trăm hai" = 120
  };
  /** 0–999. */
  const belowThousand = (): number | null => {
    let hundreds: number | undefined;
    if (words[i] === hundredWord) hundreds = 1;
    else if (words[i + 1] === hundredWord) hundreds = digitWords.get(words[i]!);
    if (hundreds === undefined) return belowHundred();
    i += words[i] === hundredWord ? 1 : 2;
    if (thousandWords.has(words[i] ?? '')) return hundreds * 100;
    const tail = rest(100, belowHundred);
    return tail === null ? null : hundreds * 100 + tail;
  };

  let value = thousandWords.has(words[0] ?? '') ? 1 : belowThousand();
  if (value === null) return null;
  if (thousandWords.has(words[i] ?? '')) {
    i++;
    const tail = rest(1000, belowThousand);
    if (tail === null) return null;
    value = value * 1000 + tail;
  }
  return i === words.length && words.length > 0 ? value : null;
}

/**
 * A head count as typed: "45", " 45 người ", "45 nguoi", "1.200" or "1,200", or in words
 * ("bốn mươi lăm", "bon muoi lam", "hai mốt", "một trăm linh năm", "mười nghìn").
 * Problems: `notNumber`, `negative` ("-3"), `tooLarge` (more than {@link maxParticipants}).
 */
export function parseCount(text: string): { ok: true; value: number } | { ok: false; problem: CountProblem } {
  const plain = plainText(text).trim().replace(/[.!?]+$/, '').replace(peopleSuffix, '').trim();
  const m = /^([-\u2212])?\s*(.*)$/su.exec(plain)!;
  const body = m[2]!;
  let value: number | null = null;
  if (/^\d+$/.test(body) || /^\d{1,3}([.,])\d{3}(?:\1\d{3})*$/.test(body)) value = Number(body.replace(/[.,]/g, ''));
  else if (/^[\p{L}\s]+$/u.test(body)) value = numberFromWords(body.split(/\s+/));
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
