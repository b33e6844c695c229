/**
 * Routes an inbound event to the handler that owns it: chat lifecycle (bot added, removed,
 * group moved), then in group chats only what is addressed to the bot, then commands, the
 * main menu and greetings, and last an honest "I did not understand" with the menu.
 */
import { type Faq, answerQuestion, askHowTo, faqButtons, questionOf, safetyFirst } from '../features/faq/index.ts';
import { adminCommands, type AdminChatDeps } from '../features/admin/index.ts';
import { foldedWords } from '../core/i18n.ts';
import { foldText } from '../core/text/fold.ts';
import { chatJoined, chatLeft, chatMoved } from '../features/delivery/index.ts';
import { reportFlow, type ReportDeps } from '../features/reporting/index.ts';
import { mainMenu, menuFor } from './menu.ts';
import { subscriptions, type SubscriptionDeps } from '../features/subscriptions/index.ts';
import { compose, when, type Middleware, type Turn } from './turn.ts';

const isGroup = (turn: Turn) => turn.event.chat.kind === 'group';

/** In a group the bot answers commands, mentions, replies to it and its buttons; never chatter. */
const addressedToBot = (turn: Turn) => {
  const e = turn.event;
  return e.chat.kind === 'private' || e.type !== 'message' || Boolean(e.command || e.mentionsBot || e.replyTo?.fromBot);
};

/** The bot joined, left or followed a group that became a supergroup: keep the ChatLink true. */
const chatLifecycle: Middleware = async (turn, next) => {
  const { event, db } = turn;
  switch (event.type) {
    case 'botAdded':
      await chatJoined(db, event.platform, event.chat.id, event.chat.title);
      await turn.reply(mainMenu(turn.t, { leader: false }, turn.t('lifecycle.addedToGroup')));
      return;
    case 'botRemoved':
      await chatLeft(db, event.platform, event.chat.id, event.chat.kind === 'group' ? 'removed from group' : 'blocked by the person');
      return;
    case 'chatMigrated':
      if (event.newChatId) await chatMoved(db, event.platform, event.chat.id, event.newChatId);
      return;
    default:
      return next();
  }
};

const isGreeting = (turn: Turn) => {
  const text = foldText(questionOf(turn.event));
  return text.length > 0 && text.length <= 40 && foldedWords(turn.language, 'triggers.greeting').some((g) => text === g || text.startsWith(`${g} `));
};

/** The greeting; on first contact in a private chat, also what the bot is, what it keeps and how to stop. */
const greet: Middleware = async (turn) => {
  const { event, t } = turn;
  const known = event.chat.kind !== 'private' || turn.person !== null;
  const greeting = t('greeting', { name: event.sender.displayName });
  const platform = t(`subscription.platformNames.${event.platform}`, { defaultValue: event.platform });
  await turn.reply(menuFor(turn, known ? greeting : `${greeting}\n\n${t('subscription.intro', { platform })}`));
};

const commands: Record<string, Middleware> = {
  start: greet,
  menu: async (turn) => void (await turn.reply(menuFor(turn))),
  help: async (turn) => void (await turn.reply({ text: turn.t('help') })),
  trogiup: async (turn) => void (await turn.reply({ text: turn.t('help') })),
};

const command: Middleware = async (turn, next) => {
  const name = turn.event.command?.name;
  if (!name || name === 'hoi') return next();
  const handler = commands[name];
  if (handler) return handler(turn, next);
  await turn.reply(menuFor(turn, turn.t('unknownCommand', { command: `/${name}` })));
};

const notUnderstood: Middleware = async (turn) => {
  await turn.reply(menuFor(turn, turn.t('notUnderstood')));
};

export interface RouterDeps {
  faq: Faq;
  report: ReportDeps;
  subscription: SubscriptionDeps;
  /** The admins' chat commands and the dashboard's address for /dangnhap links. */
  admin: AdminChatDeps;
}

/** The whole conversation, as one middleware. A sign of danger is answered first, even in group chatter. */
export function createRouter({ faq, report, subscription, admin }: RouterDeps): Middleware {
  return compose(
    chatLifecycle,
    safetyFirst(faq),
    when((turn) => isGroup(turn) && !addressedToBot(turn), async () => {}),
    // A report being filled in takes the person's answers before anything else reads them.
    reportFlow(report),
    subscriptions(subscription),
    askHowTo(faq),
    adminCommands(admin),
    command,
    faqButtons(faq),
    when(isGreeting, greet),
    // A bare number is a choice that no longer exists (or never did), not a question.
    when((turn) => /^\s*\d{1,3}\s*[.)]?\s*$/.test(turn.event.text ?? ''), notUnderstood),
    answerQuestion(faq),
    when((turn) => turn.event.type === 'message', notUnderstood),
  );
}
