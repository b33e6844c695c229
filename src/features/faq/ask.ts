/**
 * `loaban faq`: the bot's answer to each question on stdin, exactly as it would answer in a private
 * chat with someone whose village it does not know (so with the national hotlines only).
 */
import { createInterface } from 'node:readline';
import { uiLanguages, translator } from '../../core/i18n.ts';
import { readMessage, type Faq } from './faq.ts';
import type { AtRisk } from './safety.ts';
import { answerMessage, answerMoreMessage, safetyMessage, unknownMessage } from './replies.ts';

export interface FaqLine {
  q: string;
  answer: string;
  /** The entry answered with; null when unanswered or answered with a safety reply. */
  faqId: string | null;
  /** How sure the match was, 0–1, rounded to 3 places; null for a safety reply. */
  confidence: number | null;
  safety: boolean;
  /** The rest of the answer, behind "Xem thêm" in a chat; null when there is none. */
  more: string | null;
  /** For a safety reply: the category of danger and who is at risk; otherwise null. */
  category: string | null;
  atRisk: AtRisk | null;
}

export function askFaq(faq: Faq, q: string, language = 'vi'): FaqLine {
  const t = translator(uiLanguages.includes(language) ? language : 'vi');
  const reading = readMessage(faq, q);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  switch (reading.kind) {
    case 'safety': {
      const { category, atRisk } = reading.signal;
      const answer = safetyMessage(t, faq.knowledge, 'private', [], reading.signal, language).text;
      return { q, answer, faqId: null, confidence: null, safety: true, more: null, category, atRisk };
    }
    case 'answer':
      return {
        q,
        answer: answerMessage(t, faq.knowledge, reading.match.entry, language, []).text,
        faqId: reading.match.entry.id,
        confidence: round(reading.match.confidence),
        safety: false,
        more: answerMoreMessage(t, reading.match.entry, language)?.text ?? null,
        category: null,
        atRisk: null,
      };
    case 'unknown':
      return { q, answer: unknownMessage(t, faq).text, faqId: null, confidence: round(reading.best?.confidence ?? 0), safety: false, more: null, category: null, atRisk: null };
  }
}

/** One input line → its question, or what is wrong with it. */
function readLine(line: string, jsonl: boolean): { q: string; lang?: string } | { error: string } {
  if (!jsonl) return { q: line };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not JSON' };
  }
  const record = value as { q?: unknown; lang?: unknown } | null;
  if (typeof record !== 'object' || record === null || typeof record.q !== 'string') return { error: 'expected an object with a text "q"' };
  if (record.lang !== undefined && typeof record.lang !== 'string') return { error: '"lang" must be a text such as "vi"' };
  return { q: record.q, ...(record.lang ? { lang: record.lang } : {}) };
}

/**
 * Answers stdin line by line on stdout: JSON lines with `jsonl`, else the answer texts. A bad line
 * gets `{"line": n, "error": …}` in its place (and on stderr) so outputs stay aligned with inputs.
 * Resolves with the number of bad lines.
 */
export async function answerStream(faq: Faq, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, errors: NodeJS.WritableStream, jsonl: boolean): Promise<number> {
  let n = 0;
  let bad = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    const line = raw.trim();
    if (line === '') continue;
    const read = readLine(line, jsonl);
    if ('error' in read) {
      bad += 1;
      errors.write(`stdin:${n}: ${read.error}\n`);
      if (jsonl) output.write(`${JSON.stringify({ line: n, error: read.error })}\n`);
      continue;
    }
    const answer = askFaq(faq, read.q, read.lang);
    // Plain text shows what "Xem thêm" opens too, after a "▸" line, so the whole answer can be read.
    output.write(jsonl ? `${JSON.stringify(answer)}\n` : `${[answer.answer, answer.more && `▸\n${answer.more}`].filter(Boolean).join('\n')}\n\n`);
  }
  return bad;
}
