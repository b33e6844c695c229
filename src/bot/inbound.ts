/**
 * The door every inbound event comes through, whatever the platform: cleans what the person
 * typed, claims the update so a re-sent one is handled once (also across restarts), finds the
 * language to answer in, and runs the router. If handling fails, the person gets a short apology
 * (once) and the claim is released so the platform's re-send retries; after three failures the
 * update is acknowledged and left, so that a platform does not send it again forever.
 */
import type { Channel, InboundEvent, InboundHandler } from '../channels/channel.ts';
import { cleanInboundText } from '../channels/text.ts';
import type { Faq } from '../features/faq/index.ts';
import { defaultLanguage, translator } from '../core/i18n.ts';
import type { Logger } from '../core/log.ts';
import type { Db } from '../core/store/store.ts';
import { arrive } from '../core/store/arrival.ts';
import { recordUpdateFailure } from '../core/store/once.ts';
import { languageOf } from '../core/store/people.ts';
import type { AdminChatDeps } from '../features/admin/index.ts';
import type { ReportDeps } from '../features/reporting/index.ts';
import type { PersonBudget } from './budget.ts';
import { createRouter } from './router.ts';
import { sender, updater, type Turn } from './turn.ts';
import { inboundUpdates, replySeconds } from '../core/metrics.ts';

export interface InboundDeps {
  db: Db;
  log: Logger;
  channel: Channel;
  /** The FAQ knowledge (from CONTENT_DIR). */
  faq: Faq;
  /** Session reports' formats, topics and rules (from CONTENT_DIR, TZ_AREA and REPORT_GRACE_DAYS). */
  report: ReportDeps;
  /** Languages that have content (default: those of the FAQ's answers). */
  languages?: string[];
  /** The admins' chat commands: the dashboard's address for /dangnhap, the campaigns, the settings. */
  admin: AdminChatDeps;
  /** Messages a minute one person gets answers to (default: no limit). */
  personBudget?: PersonBudget;
  now?: () => number;
}

/** The languages some content is written in, Vietnamese first. */
export function contentLanguages(faq: Faq, campaignVariants: Iterable<Record<string, string>> = []): string[] {
  const found = new Set(['vi']);
  for (const entry of faq.knowledge.entries) for (const lang of Object.keys(entry.answer)) found.add(lang);
  for (const variants of campaignVariants) for (const lang of Object.keys(variants)) found.add(lang);
  return [...found];
}

/** Failures after which an update is acknowledged and no longer retried. */
export const maxUpdateFailures = 3;

/** What makes an update the same one when the platform sends it again. */
const updateKey = (event: InboundEvent) => ({ platform: event.platform, updateId: event.updateId });

/** The event with what the person typed cleaned (see cleanInboundText). */
function cleaned(event: InboundEvent): InboundEvent {
  const text = event.text === undefined ? undefined : cleanInboundText(event.text);
  return {
    ...event,
    ...(text !== undefined ? { text } : {}),
    ...(event.command ? { command: { ...event.command, args: cleanInboundText(event.command.args) } } : {}),
    ...(event.buttonData !== undefined ? { buttonData: cleanInboundText(event.buttonData, 256) } : {}),
    sender: { ...event.sender, displayName: cleanInboundText(event.sender.displayName, 200) },
    chat: { ...event.chat, ...(event.chat.title !== undefined ? { title: cleanInboundText(event.chat.title, 200) } : {}) },
  };
}


/** The handler a channel calls for each event. */
/** Events a person causes (messages, taps), as opposed to the platform's news (bot added, chat moved). */
const personal = new Set(['message', 'button']);

export function createInboundHandler({ db, log, channel, faq, report, languages, admin, personBudget, now = Date.now }: InboundDeps): InboundHandler {
  const router = createRouter({
    faq,
    report,
    subscription: { languages: languages ?? contentLanguages(faq) },
    admin,
  });
  const send = sender(channel, log);
  return async (raw) => {
    const event = cleaned(raw);
    const started = performance.now();
    const counted = (outcome: 'handled' | 'duplicate' | 'dropped' | 'failed') => inboundUpdates.inc({ platform: event.platform, outcome });
    // Before any database work: a flood from one person is dropped here, except a sign of danger.
    if (personBudget && personal.has(event.type)) {
      const verdict = personBudget.take(`${event.platform}:${event.sender.id}`, now());
      if (verdict !== 'within' && !(event.text && faq.knowledge.safety.detect(event.text))) {
        if (verdict === 'firstOver') {
          log.warn({ platform: event.platform, chatKind: event.chat.kind }, 'one person over the message budget: the rest of the burst is dropped');
          await send(event.chat.id, { text: translator(await languageOf(db, event.platform, event.sender.id).catch(() => defaultLanguage))('budget.slowDown') });
        }
        return counted('dropped');
      }
    }
    // The claim, the sender, their open flow and where they live in one statement: made or failed together, and
    // a failure here (nothing claimed) goes back to the platform, which sends the update again.
    const { claimed, person, flow, places } = await arrive(db, updateKey(event), { chatId: event.chat.id, userId: event.sender.id, chatKind: event.chat.kind }).catch((error: unknown) => {
      counted('failed');
      throw error;
    });
    if (!claimed) {
      log.debug({ platform: event.platform, updateId: event.updateId }, 'duplicate update ignored');
      return counted('duplicate');
    }
    const language = person?.language ?? defaultLanguage;
    try {
      const turn: Turn = {
        event,
        person,
        flow,
        places,
        language,
        t: translator(language),
        db,
        log,
        reply: (message) => send(event.chat.id, message),
        sendTo: send,
        update: updater(channel, log, event),
        canEdit: Boolean(channel.edit),
      };
      await router(turn, async () => {});
      counted('handled');
      replySeconds.observe({ platform: event.platform }, (performance.now() - started) / 1000);
    } catch (error) {
      counted('failed');
      const failures = await recordUpdateFailure(db, updateKey(event), maxUpdateFailures).catch(() => 0);
      const where = { platform: event.platform, updateId: event.updateId, chatKind: event.chat.kind, failures };
      if (failures <= 1) {
        log.error({ ...where, err: error }, 'update not handled');
        // The person is not left waiting in silence; one apology, not one per re-send.
        await send(event.chat.id, { text: translator(language)('error.handlerFailed') }).catch(() => {});
      }
      if (failures >= maxUpdateFailures) {
        log.error(where, 'update failed three times: acknowledged and left');
        return;
      }
      throw error;
    }
  };
}
