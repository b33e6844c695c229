/**
 * The FAQ as the conversation and `loaban faq` use it: what a message is — a sign of danger, a
 * question the knowledge answers, or one it cannot — and the knowledge behind the menus.
 */
import { loadKnowledge, type FaqEntry, type Knowledge, type Topic } from './knowledge.ts';
import { FaqMatcher, type Match } from './matcher.ts';
import type { SafetySignal } from './safety.ts';

export type Reading =
  /** A sign of danger: the safety reply of its category is the whole answer. */
  | { kind: 'safety'; signal: SafetySignal }
  /**
   * An answer. `signal`: the message speaks of danger too, but asks what an entry not about danger
   * itself answers ("phụ nữ bị bạo lực được hỗ trợ gì"): the answer comes with the offer of help.
   */
  | { kind: 'answer'; match: Match; signal?: SafetySignal }
  /** `best` is the nearest entry, below the threshold (or null when nothing came near). */
  | { kind: 'unknown'; best: Match | null };

export interface Faq {
  knowledge: Knowledge;
  matcher: FaqMatcher;
}

export function createFaq(knowledge: Knowledge, threshold?: number): Faq {
  return { knowledge, matcher: new FaqMatcher(knowledge, threshold) };
}

export function loadFaq(contentDir: string): Faq {
  return createFaq(loadKnowledge(contentDir));
}

/**
 * How sure the matcher must be that a message speaking of danger asks what an entry not about
 * danger answers, for that answer to be given instead of the safety reply. Sample questions match
 * at 1; real disclosures that share words with such an entry came at 0.57–0.70 on the safety test sets.
 */
export const answerOverDanger = 0.8;

/**
 * Reads a message: danger first, then the best answer if the matcher is sure enough. A message
 * that speaks of danger gets its safety reply unless it names no one and is very surely
 * (`answerOverDanger`) asking what an entry not about danger answers (support for victims, prevention, counselling for a man
 * who hits); a category marked `beforeAnswers` (self-harm) gets its reply whatever else is asked.
 * `signal`: the text's sign of danger when it was read already (safetyFirst reads every message).
 */
export function readMessage(faq: Faq, text: string, signal: SafetySignal | null = faq.knowledge.safety.detect(text)): Reading {
  // Only a message that names no one may get an answer: "con em bị lạm dụng" is a disclosure, whatever entry it resembles.
  if (signal && !signal.general) return { kind: 'safety', signal };
  // Whether an answer goes instead of a safety reply is decided among every entry, as it always was.
  const best = faq.matcher.best(text, { everyEntry: signal !== null });
  const sure = best && best.confidence >= faq.matcher.threshold ? best : null;
  const answerInstead = signal && sure && !sure.entry.safety && sure.confidence >= answerOverDanger;
  if (signal && (!answerInstead || faq.knowledge.safety.beforeAnswers.has(signal.category))) return { kind: 'safety', signal };
  if (sure) return signal ? { kind: 'answer', match: sure, signal } : { kind: 'answer', match: sure };
  return { kind: 'unknown', best };
}

/** Topics that have FAQ entries, in topics.yaml order; "help" and "general" last. */
export function topicsWithEntries(knowledge: Knowledge): Array<Pick<Topic, 'id' | 'label'>> {
  const used = new Set(knowledge.entries.map((e) => e.topic));
  return knowledge.topics.filter((t) => used.has(t.id));
}

export function entriesOf(knowledge: Knowledge, topic: string): FaqEntry[] {
  return knowledge.entries.filter((e) => e.topic === topic);
}

export function entryById(knowledge: Knowledge, id: string): FaqEntry | undefined {
  return knowledge.entries.find((e) => e.id === id);
}
