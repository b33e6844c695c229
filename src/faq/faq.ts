/**
 * The FAQ as the conversation and `loaban faq` use it: what a message is — a sign of danger, a
 * question the knowledge answers, or one it cannot — and the knowledge behind the menus.
 */
import { loadKnowledge, type FaqEntry, type Knowledge, type Topic } from './knowledge.ts';
import { FaqMatcher, type Match } from './matcher.ts';
import { safetyCheck, type SafetyCheck } from './safety.ts';

export type Reading =
  /** A sign of danger; `match` is the answer to give after the safety reply, if there is a sure one. */
  | { kind: 'safety'; match: Match | null }
  | { kind: 'answer'; match: Match }
  /** `best` is the nearest entry, below the threshold (or null when nothing came near). */
  | { kind: 'unknown'; best: Match | null };

export interface Faq {
  knowledge: Knowledge;
  matcher: FaqMatcher;
  isDanger: SafetyCheck;
}

export function createFaq(knowledge: Knowledge, threshold?: number): Faq {
  return { knowledge, matcher: new FaqMatcher(knowledge, threshold), isDanger: safetyCheck(knowledge.safety, knowledge.spelling) };
}

export function loadFaq(contentDir: string): Faq {
  return createFaq(loadKnowledge(contentDir));
}

/** Reads a message: danger first, then the best answer if the matcher is sure enough. */
export function readMessage(faq: Faq, text: string): Reading {
  const best = faq.matcher.best(text);
  const sure = best && best.confidence >= faq.matcher.threshold ? best : null;
  if (faq.isDanger(text)) return { kind: 'safety', match: sure };
  return sure ? { kind: 'answer', match: sure } : { kind: 'unknown', best };
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
