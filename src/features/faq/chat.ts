/**
 * The FAQ in the conversation: a sign of danger is answered before anything else; a question
 * gets its answer with the asker's area's hotlines, or an honest "I don't know" with the topic
 * menu (and the question is kept, without who asked, for admins to review); the menus
 * "Hỗ trợ sinh đẻ an toàn", "Đường dây nóng", "Địa chỉ tin cậy", "Hỏi đáp" open the knowledge.
 */
import type { InboundEvent } from '../../channels/channel.ts';
import { entryById, readMessage, type Faq } from './faq.ts';
import { foldText } from '../../core/text/fold.ts';
import { answerMessage, answerMoreMessage, directoryText, faqData, safetyMessage, safetyMoreMessage, topicMessage, topicsMessage, unknownMessage } from './replies.ts';
import type { Middleware, Turn } from '../../bot/turn.ts';
import { areaAdminChats, keepUnansweredQuestion, recentSafetyAlert, recordSafetyAlert } from './store.ts';
import { faqQuestions } from '../../core/metrics.ts';
import type { SafetySignal } from './safety.ts';

/** One alert to the Women's Union per chat in this time: pressing again says it was sent. */
const alertRepeatMs = 12 * 60 * 60 * 1000;

/** The question in a message: without the @mention of the bot, or the arguments of /hoi. */
export function questionOf(event: InboundEvent): string {
  if (event.command) return event.command.name === 'hoi' ? event.command.args : '';
  return (event.text ?? '').replace(/(^|\s)@\S+/g, ' ').trim();
}

/** The text safetyFirst read for danger in a turn and what it found, so that the FAQ does not read it again. */
const readForDanger = new WeakMap<Turn, { text: string; signal: SafetySignal | null }>();

/**
 * Every message with text is first read for danger, in groups too, before anything else; the
 * safety reply of its category is the whole answer (no FAQ answer competes with it). A message
 * that speaks of danger but surely asks what a FAQ entry answers goes on to that answer. Commands
 * other than /hoi (a leader's /baocao naming the topic "tảo hôn") are requests, not disclosures.
 * An answer to a report being filled in still reaches the report after the safety reply.
 */
export function safetyFirst(faq: Faq): Middleware {
  return async (turn, next) => {
    const { command } = turn.event;
    const text = turn.event.type === 'message' && (!command || command.name === 'hoi') ? turn.event.text : undefined;
    // The detector alone first: most messages carry no sign of danger and skip the matcher here.
    const signal = text ? faq.knowledge.safety.detect(text) : null;
    if (text) readForDanger.set(turn, { text, signal });
    const reading = text && signal ? readMessage(faq, text, signal) : null;
    if (reading?.kind !== 'safety') return next();
    const { kind } = turn.event.chat;
    const { category, atRisk } = reading.signal;
    // Counts only: never the message, nor who wrote it.
    turn.log.info({ platform: turn.event.platform, chatKind: kind, category, atRisk }, 'safety reply given');
    faqQuestions.inc({ outcome: 'safety' });
    await turn.reply(safetyMessage(turn.t, faq.knowledge, kind, turn.places, reading.signal, turn.language));
    // Nothing typed is lost: a flow waiting for this person's answer (a report) still gets it.
    if (turn.flow && turn.flow.expiresAt > new Date()) return next();
  };
}

/** Answers a question, or says honestly that it does not know and keeps the question for review. */
export function answerQuestion(faq: Faq): Middleware {
  return async (turn, next) => {
    const question = questionOf(turn.event);
    // Nothing to read (a photo, only emoji, only punctuation): the router's "not understood".
    if (turn.event.type !== 'message' || foldText(question) === '') return next();
    const read = readForDanger.get(turn);
    const reading = readMessage(faq, question, read?.text === question ? read.signal : undefined);
    const where = turn.places;
    // A sign of danger in the whole message was answered by safetyFirst; this one is in the question alone.
    faqQuestions.inc({ outcome: reading.kind === 'safety' ? 'safety' : reading.kind === 'answer' ? 'answered' : 'unanswered' });
    if (reading.kind === 'safety') return void (await turn.reply(safetyMessage(turn.t, faq.knowledge, turn.event.chat.kind, where, reading.signal, turn.language)));
    if (reading.kind === 'answer') {
      await turn.reply(answerMessage(turn.t, faq.knowledge, reading.match.entry, turn.language, where, turn.event.chat.kind, Boolean(reading.signal)));
      return;
    }
    await keepUnansweredQuestion(turn.db, { text: question, language: turn.language, areaId: where[0]?.id ?? null });
    await turn.reply(unknownMessage(turn.t, faq));
  };
}

/** /hoi without a question: how to ask, and the topics. */
export function askHowTo(faq: Faq): Middleware {
  return async (turn, next) => {
    if (turn.event.command?.name !== 'hoi' || turn.event.command.args.trim() !== '') return next();
    await turn.reply(topicsMessage(turn.t, faq.knowledge, turn.t('faq.askHowTo')));
  };
}

/** The FAQ's buttons and menu items: topics, questions, directory menus, more places of help, the safety alert. */
export function faqButtons(faq: Faq): Middleware {
  return async (turn, next) => {
    const data = turn.event.type === 'button' ? turn.event.buttonData ?? '' : '';
    const { t } = turn;
    const k = faq.knowledge;
    if (data === faqData.topics || data === 'menu:faq') return void (await turn.reply(topicsMessage(t, k)));
    if (data === 'menu:motherhood') return void (await turn.reply(topicMessage(t, k, 'safe-motherhood') ?? topicsMessage(t, k)));
    if (data === 'menu:hotlines' || data === 'menu:trusted') {
      const section = data === 'menu:hotlines' ? 'hotlines' : 'trustedAddresses';
      const where = turn.places;
      const list = directoryText(t, k, where, section, { localOnly: section === 'trustedAddresses' });
      const title = t(section === 'hotlines' ? 'directory.hotlinesTitle' : 'directory.trustedTitle');
      const empty = t(section === 'hotlines' ? 'directory.noHotlines' : where.length > 0 ? 'directory.noTrusted' : 'directory.unknownPlace');
      return void (await turn.reply({ text: list ? `${title}\n\n${list}` : empty }));
    }
    // Moving between topics changes the menu in place; an answer is a message of its own.
    if (data === faqData.allTopics) return void (await turn.update(topicsMessage(t, k)));
    if (data.startsWith('topic:')) {
      return void (await turn.update(topicMessage(t, k, data.slice('topic:'.length)) ?? topicsMessage(t, k, t('faq.gone'))));
    }
    if (data.startsWith('faq:')) {
      const entry = entryById(k, data.slice('faq:'.length));
      return void (await turn.reply(entry ? answerMessage(t, k, entry, turn.language, turn.places, turn.event.chat.kind) : topicsMessage(t, k, t('faq.gone'))));
    }
    if (data.startsWith('faqmore:')) {
      const entry = entryById(k, data.slice('faqmore:'.length));
      const more = entry ? answerMoreMessage(t, entry, turn.language) : null;
      return void (await turn.reply(more ?? topicsMessage(t, k, t('faq.gone'))));
    }
    if (data === faqData.safetyMore) return void (await turn.reply(safetyMoreMessage(t, k, turn.places)));
    if (data === faqData.alert) return alertWomensUnion(turn);
    return next();
  };
}

/**
 * The person asked the Women's Union to contact them: the admins of the nearest area that has
 * any get their name and where they are — never what they wrote.
 */
async function alertWomensUnion(turn: Turn): Promise<void> {
  const { db, event, t } = turn;
  if (event.chat.kind !== 'private') return;
  const entity = `${event.platform}:${event.chat.id}`;
  if (await recentSafetyAlert(db, entity, new Date(Date.now() - alertRepeatMs))) return void (await turn.reply({ text: t('safety.alertAlready') }));
  const where = turn.places;
  for (const place of where) {
    const chats = await areaAdminChats(db, place.id, event.platform);
    if (chats.length === 0) continue;
    const alert = { text: t('safety.alertToAdmin', { name: event.sender.displayName || '?', area: where.map((p) => p.name).join(', ') }) };
    let delivered = 0;
    for (const chatId of chats) if ((await turn.sendTo(chatId, alert)).ok) delivered++;
    if (delivered === 0) continue;
    await recordSafetyAlert(db, entity, place.id, delivered);
    return void (await turn.reply({ text: t('safety.alertSent', { area: place.name }) }));
  }
  await turn.reply({ text: t('safety.alertNobody') });
}
