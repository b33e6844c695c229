/**
 * What the bot says for the FAQ, as messages: the safety reply (full in private, short and
 * discreet in a group), an answer with the hotlines or trusted addresses of the asker's area,
 * the honest "I don't know" with the topic menu, and the topic and directory menus. Pure: the
 * conversation and `loaban faq` say exactly the same thing.
 */
import type { Button, ChatKind, OutboundMessage } from '../channels/channel.ts';
import type { Place } from '../groups/areas.ts';
import type { Translate } from '../i18n.ts';
import { entriesOf, topicsWithEntries, type Faq } from './faq.ts';
import { extraTopics, nationalArea, type DirectoryFile, type FaqEntry, type Hotline, type Knowledge, type TrustedAddress } from './knowledge.ts';

/** Button data of the FAQ's menus. */
export const faqData = {
  topics: 'faq:topics',
  topic: (id: string) => `topic:${id}`,
  entry: (id: string) => `faq:${id}`,
  alert: 'safety:alert',
};

/** Directory files for `places` (nearest first), then the national one. */
export function directoryFor(knowledge: Knowledge, places: Place[]): Array<{ file: DirectoryFile; place: string | null }> {
  const out: Array<{ file: DirectoryFile; place: string | null }> = [];
  for (const place of places) {
    const file = knowledge.directory.get(place.code);
    if (file) out.push({ file, place: place.name });
  }
  const national = knowledge.directory.get(nationalArea);
  if (national) out.push({ file: national, place: null });
  return out;
}

function hotlineLine(t: Translate, h: Hotline, compact: boolean): string {
  if (compact) return `• ${h.name}: ${h.phone}`;
  const details = [h.hours, h.free ? t('directory.free') : undefined].filter(Boolean).join(', ');
  return `• ${h.name}: ${h.phone}${details ? ` (${details})` : ''}${h.note ? ` — ${h.note}` : ''}`;
}

function trustedLine(a: TrustedAddress): string {
  return `• ${a.name}, ${a.place}${a.phone ? `: ${a.phone}` : ''}${a.note ? ` — ${a.note}` : ''}`;
}

type Section = 'hotlines' | 'trustedAddresses';

/** The hotlines or trusted addresses of the asker's area and the country, one block per area. */
export function directoryText(
  t: Translate,
  knowledge: Knowledge,
  places: Place[],
  section: Section,
  { localOnly = false, nearestOnly = false, compact = false } = {},
): string {
  const blocks: string[] = [];
  for (const { file, place } of directoryFor(knowledge, places)) {
    if ((localOnly || nearestOnly) && place === null) continue;
    if (nearestOnly && blocks.length > 0) break;
    const lines = section === 'hotlines' ? file.hotlines.map((h) => hotlineLine(t, h, compact)) : file.trustedAddresses.map(trustedLine);
    if (lines.length === 0) continue;
    const marked = file.demo && !place?.includes(t('directory.demo'));
    const title = place === null ? t('directory.national') : `${place}${marked ? ` ${t('directory.demo')}` : ''}:`;
    blocks.push([title, ...lines].join('\n'));
  }
  return blocks.join('\n\n');
}

/** The answer in `language` (Vietnamese when the entry has none), with the asker's directory appended. */
export function answerMessage(t: Translate, knowledge: Knowledge, entry: FaqEntry, language: string, places: Place[]): OutboundMessage {
  const answer = (entry.answer[language] ?? entry.answer.vi!).trim();
  const section: Section | null = entry.directory === 'hotlines' ? 'hotlines' : entry.directory === 'trusted-addresses' ? 'trustedAddresses' : null;
  const directory = section ? directoryText(t, knowledge, places, section) : '';
  const unknownPlace = section && places.length === 0 ? t('directory.whereUnknown') : '';
  const text = [answer, directory, unknownPlace].filter(Boolean).join('\n\n');
  return { text, buttons: [[{ label: t('faq.more'), data: faqData.topics }]] };
}

/**
 * The reply to a sign of danger. In private: everything — what to do now, the emergency numbers,
 * the area's hotlines and trusted addresses, and an offer to have the Women's Union call back.
 * In a group: a few short lines (the nearest area's numbers without notes), nothing repeated of
 * what was written, and an offer to talk in private.
 */
export function safetyMessage(t: Translate, knowledge: Knowledge, kind: ChatKind, places: Place[]): OutboundMessage {
  if (kind === 'group') {
    const local = directoryText(t, knowledge, places, 'hotlines', { nearestOnly: true, compact: true });
    return { text: [t('safety.group'), local].filter(Boolean).join('\n\n') };
  }
  const hotlines = directoryText(t, knowledge, places, 'hotlines');
  const trusted = directoryText(t, knowledge, places, 'trustedAddresses', { localOnly: true });
  // The offer of a call back needs to know whose Women's Union to tell.
  const known = places.length > 0;
  const text = [t('safety.private'), hotlines, trusted ? `${t('directory.trustedTitle')}\n${trusted}` : '', known ? t('safety.privateEnd') : '']
    .filter(Boolean)
    .join('\n\n');
  return known ? { text, buttons: [[{ label: t('safety.alertButton'), data: faqData.alert }]] } : { text };
}

/** Labels of the topics that have entries, "help" and "general" included (labelled from locales). */
function topicButtons(t: Translate, knowledge: Knowledge): Button[][] {
  const labelled = topicsWithEntries(knowledge).map((topic) => ({ label: topic.label, data: faqData.topic(topic.id) }));
  const used = new Set(knowledge.entries.map((e) => e.topic));
  for (const extra of extraTopics) if (used.has(extra)) labelled.unshift({ label: t(`faq.topic.${extra}`), data: faqData.topic(extra) });
  return labelled.map((button) => [button]);
}

/** The topic menu, under `intro`. */
export function topicsMessage(t: Translate, knowledge: Knowledge, intro = t('faq.topicsPrompt')): OutboundMessage {
  return { text: intro, buttons: topicButtons(t, knowledge) };
}

/** The questions of one topic, as buttons. */
export function topicMessage(t: Translate, knowledge: Knowledge, topic: string): OutboundMessage | null {
  const entries = entriesOf(knowledge, topic);
  if (entries.length === 0) return null;
  const label = (extraTopics as readonly string[]).includes(topic) ? t(`faq.topic.${topic}`) : knowledge.topics.find((x) => x.id === topic)?.label ?? topic;
  return {
    text: t('faq.topicPrompt', { topic: label }),
    buttons: [...entries.map((e) => [{ label: e.questions[0]!, data: faqData.entry(e.id) }]), [{ label: t('faq.allTopics'), data: faqData.topics }]],
  };
}

/** The honest "I don't know", with the topic menu. */
export function unknownMessage(t: Translate, faq: Faq): OutboundMessage {
  return topicsMessage(t, faq.knowledge, t('faq.unknown'));
}
