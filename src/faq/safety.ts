/**
 * Signs that someone is in danger: violence, abuse, trafficking, a threat to life. Matched on
 * whole syllables of the folded text (tone marks optional, chat spellings expanded) against the
 * phrases of content/safety.yaml. Everyday phrases that look alike ("đánh răng", "cứu hộ giao
 * thông") are cut out first. A miss can cost a life and a false alarm costs a moment, so the
 * phrases lean towards answering.
 */
import type { ChatSpelling, SafetyPhrases } from './knowledge.ts';
import { foldText } from './normalize.ts';
import { syllables } from './tokens.ts';

/** A cry for help is read in full, however long the message (it is only string search). */
const maxSafetyChars = 20_000;

export type SafetyCheck = (text: string) => boolean;

/**
 * A folded phrase as a pattern over " "-padded folded text, whole syllables only; "*" stands for
 * one to three syllables ("ep * quan he" finds "ep con gai toi quan he").
 */
function phrasePattern(phrase: string, flags = ''): RegExp {
  const parts = phrase.split('*').map((part) => part.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(` ${parts.join(' (?:\\S+ ){1,3}')}(?= )`, flags);
}

/** A check over `phrases`; `spelling` expands chat abbreviations ("ck danh e"). */
export function safetyCheck(phrases: SafetyPhrases, spelling: ChatSpelling): SafetyCheck {
  const lookalikes = phrases.lookalikes.map((p) => phrasePattern(p, 'g'));
  const signals = phrases.signals.map((p) => phrasePattern(p));
  const signalIn = (sequence: string): boolean => {
    let text = ` ${sequence} `;
    // Replaced by a separator, so that words on either side do not join into a signal.
    for (const lookalike of lookalikes) text = text.replace(lookalike, ' |');
    return signals.some((signal) => signal.test(text));
  };
  return (text) => {
    if (text.trim() === '') return false;
    const raw = foldText(text.length > maxSafetyChars ? text.slice(0, maxSafetyChars) : text);
    const expanded = syllables(text, spelling, maxSafetyChars).join(' ');
    return signalIn(raw) || (expanded !== raw && signalIn(expanded));
  };
}
