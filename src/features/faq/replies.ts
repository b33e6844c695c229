/**
 * What the bot says for the FAQ, as messages: the safety reply of a danger's category (one phone
 * screen in private, with more places of help behind a button; short and discreet in a group), an
 * answer with the hotlines or trusted addresses of the asker's area,
 * the honest "I don't know" with the topic menu, and the topic and directory menus. Pure: the
 * conversation and `loaban faq` say exactly the same thing.
 */
import type { Button, ChatKind, OutboundMessage } from '../../channels/channel.ts';
import type { Place } from '../../core/store/arrival.ts';
import type { Translate } from '../../core/i18n.ts';
import { entriesOf, topicsWithEntries, type Faq } from './faq.ts';
import { extraTopics, leadingTopics, nationalArea, type DirectoryFile, type FaqEntry, type Hotline, type Knowledge, type TrustedAddress } from './knowledge.ts';
import { safetyReplyText } from './safety-content.ts';
import type { SafetySignal } from './safety.ts';

/** Button data of the FAQ's menus. */
export const faqData = {
  topics: 'faq:topics',
  topic: (id: string) => `topic:${id}`,
  entry: (id: string) => `faq:${id}`,
  /** "Xem thêm" under an answer that has more (not `faq:`: that prefix answers the entry). */
  more: (id: string) => `faqmore:${id}`,
  /** Every topic, in place of the message with this button ("Xem tất cả chủ đề", "Các chủ đề khác"). */
  allTopics: 'topics:all',
  alert: 'safety:alert',
  safetyMore: 'safety:more',
};

/** Most emergency lines of the asker's area on the first screen of a safety reply. */
const maxEmergencyLines = 3;
/** What a phone shows at once: the first screen of a private safety reply stays within it. */
export const oneScreenChars = 600;

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

/** "• name: phone · hours, free · note": no brackets around brackets ("(DEMO)", "24/7 (trực…)"). */
function hotlineLine(t: Translate, h: Hotline, compact: boolean): string {
  if (compact) return `• ${h.name}: ${h.phone}`;
  const details = [h.hours, h.free ? t('directory.free') : undefined].filter(Boolean).join(', ');
  return [`• ${h.name}: ${h.phone}`, details, h.note].filter(Boolean).join(' · ');
}

function trustedLine(a: TrustedAddress): string {
  return [`• ${a.name}, ${a.place}${a.phone ? `: ${a.phone}` : ''}`, a.note].filter(Boolean).join(' · ');
}

type Section = 'hotlines' | 'trustedAddresses';

/** What villagers may see: a number or address the province has not confirmed (`confirmed: false`) is left out. */
export function confirmedOnly<T extends { confirmed?: boolean }>(items: readonly T[]): T[] {
  return items.filter((item) => item.confirmed !== false);
}

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
    const lines = section === 'hotlines' ? confirmedOnly(file.hotlines).map((h) => hotlineLine(t, h, compact)) : confirmedOnly(file.trustedAddresses).map(trustedLine);
    if (lines.length === 0) continue;
    const marked = file.demo && !place?.includes(t('directory.demo'));
    const title = place === null ? t('directory.national') : `${place}${marked ? ` ${t('directory.demo')}` : ''}:`;
    blocks.push([title, ...lines].join('\n'));
  }
  return blocks.join('\n\n');
}

/** The language an entry is answered in: the asker's when the entry has it, else Vietnamese. */
const answerLanguage = (entry: FaqEntry, language: string) => (entry.answer[language] ? language : 'vi');

/**
 * The answer's first screen in `language` (Vietnamese when the entry has none), with the asker's
 * directory appended and, when the entry has more, a "Xem thêm" button for the rest. An entry about danger (`safety: true`), or a message that spoke of danger
 * (`dangerMentioned`), offers a private asker the Women's Union's call back, as the safety reply
 * does; after a mention of danger, the places of help too.
 */
export function answerMessage(
  t: Translate,
  knowledge: Knowledge,
  entry: FaqEntry,
  language: string,
  places: Place[],
  kind: ChatKind = 'group',
  dangerMentioned = false,
): OutboundMessage {
  const lang = answerLanguage(entry, language);
  const answer = entry.answer[lang]!.trim();
  const section: Section | null = entry.directory === 'hotlines' ? 'hotlines' : entry.directory === 'trusted-addresses' ? 'trustedAddresses' : null;
  const directory = section ? directoryText(t, knowledge, places, section) : '';
  // Nothing is known of where the asker is: the national numbers are listed, but there are no national trusted addresses.
  const unknownPlace = section && places.length === 0 ? t(section === 'hotlines' ? 'directory.whereUnknown' : 'directory.unknownPlace') : '';
  const text = [answer, directory, unknownPlace].filter(Boolean).join('\n\n');
  const help: Button[][] = [];
  if (kind === 'private' && (entry.safety || dangerMentioned)) {
    if (places.length > 0) help.push([{ label: t('safety.alertButton'), data: faqData.alert }]);
    if (dangerMentioned) help.push([{ label: t('safety.moreButton'), data: faqData.safetyMore }]);
  }
  const more = entry.more?.[lang] ? [[{ label: t('faq.readMore'), data: faqData.more(entry.id) }]] : [];
  return { text, buttons: [...more, ...help, [{ label: t('faq.more'), data: faqData.topics }]] };
}

/** Behind "Xem thêm": the rest of an answer (null when the entry has none in that language or Vietnamese). */
export function answerMoreMessage(t: Translate, entry: FaqEntry, language: string): OutboundMessage | null {
  const more = entry.more?.[answerLanguage(entry, language)];
  if (!more) return null;
  return { text: more.trim(), buttons: [[{ label: t('faq.more'), data: faqData.topics }]] };
}

/** The emergency lines (`emergency: true`) of the asker's own areas, nearest first, at most three. */
function emergencyLines(knowledge: Knowledge, places: Place[]): string[] {
  const lines = directoryFor(knowledge, places)
    .filter(({ place }) => place !== null)
    .flatMap(({ file }) => confirmedOnly(file.hotlines).filter((h) => h.emergency).map((h) => `• ${h.name}: ${h.phone}`));
  return lines.slice(0, maxEmergencyLines);
}

/** The parts joined by blank lines, leaving out emergency lines from the last while it is longer than one screen. */
function withinOneScreen(lead: string, lines: string[], end: string): string {
  const text = (kept: string[]) => [lead, kept.join('\n'), end].filter(Boolean).join('\n\n');
  let kept = lines;
  while (kept.length > 1 && text(kept).length > oneScreenChars) kept = kept.slice(0, -1);
  return text(kept);
}

/**
 * The reply to a sign of danger, chosen by its category and who is at risk. In private: one phone
 * screen — what to do now with the numbers to call, the area's emergency lines, the offer of a
 * call back from the Women's Union (when the asker's area is known) — and the rest of the places
 * of help behind a button. A person at risk never gets advice meant for a bystander. In a group:
 * the category's short, discreet lines, repeating nothing of what was written.
 */
export function safetyMessage(t: Translate, knowledge: Knowledge, kind: ChatKind, places: Place[], signal: SafetySignal, language: string): OutboundMessage {
  const near = emergencyLines(knowledge, places);
  if (kind === 'group') return { text: withinOneScreen(safetyReplyText(knowledge.safety, signal.category, 'group', language), near, '') };
  // The offer of a call back needs to know whose Women's Union to tell.
  const known = places.length > 0;
  const audience = signal.writerIsChild ? 'childSelf' : signal.atRisk;
  const text = withinOneScreen(safetyReplyText(knowledge.safety, signal.category, audience, language), near, known ? t('safety.callBack') : '');
  const callBack = known ? [[{ label: t('safety.alertButton'), data: faqData.alert }]] : [];
  return { text, buttons: [...callBack, [{ label: t('safety.moreButton'), data: faqData.safetyMore }]] };
}

/** Behind "Xem thêm nơi giúp đỡ": every hotline and trusted address of the asker's areas and the country. */
export function safetyMoreMessage(t: Translate, knowledge: Knowledge, places: Place[]): OutboundMessage {
  const hotlines = directoryText(t, knowledge, places, 'hotlines');
  const trusted = directoryText(t, knowledge, places, 'trustedAddresses', { localOnly: true });
  const text = [
    t('safety.moreTitle'),
    hotlines,
    trusted ? `${t('directory.trustedTitle')}\n${trusted}` : '',
    places.length === 0 ? t('directory.whereUnknown') : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return places.length > 0 ? { text, buttons: [[{ label: t('safety.alertButton'), data: faqData.alert }]] } : { text };
}

/** Topics on the short menu under "I don't know": the ones with the most answers. */
const mainTopicCount = 5;

/** Labels of the topics that have entries, "help" and "general" included (labelled from locales). */
function topicButtons(t: Translate, knowledge: Knowledge): Button[][] {
  const labelled = topicsWithEntries(knowledge).map((topic) => ({ label: topic.label, data: faqData.topic(topic.id) }));
  const used = new Set(knowledge.entries.map((e) => e.topic));
  for (const extra of extraTopics) {
    if (!used.has(extra)) continue;
    const button = { label: t(`faq.topic.${extra}`), data: faqData.topic(extra) };
    if (leadingTopics.includes(extra)) labelled.unshift(button);
    else labelled.push(button);
  }
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
    buttons: [...entries.map((e) => [{ label: e.questions[0]!, data: faqData.entry(e.id) }]), [{ label: t('faq.allTopics'), data: faqData.allTopics }]],
  };
}

/**
 * The honest "I don't know" in two lines, with the few topics that have the most answers and
 * "Xem tất cả chủ đề" for the rest: one phone screen, not three.
 */
export function unknownMessage(t: Translate, faq: Faq): OutboundMessage {
  const all = topicButtons(t, faq.knowledge);
  const answers = new Map<string, number>();
  for (const entry of faq.knowledge.entries) answers.set(faqData.topic(entry.topic), (answers.get(faqData.topic(entry.topic)) ?? 0) + 1);
  const main = new Set(
    all
      .flat()
      .map((button, order) => ({ button, order, count: answers.get(button.data) ?? 0 }))
      .sort((a, b) => b.count - a.count || a.order - b.order)
      .slice(0, mainTopicCount)
      .map(({ button }) => button.data),
  );
  const shown = all.filter(([button]) => main.has(button!.data));
  return { text: t('faq.unknownShort'), buttons: [...shown, [{ label: t('faq.seeAllTopics'), data: faqData.allTopics }]] };
}
