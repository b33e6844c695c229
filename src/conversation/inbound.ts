/**
 * The door every inbound event comes through, whatever the platform: claims the update so a
 * re-sent one is handled once (also across restarts), finds the language to answer in, and
 * runs the router. If handling fails, the claim is released so the platform's re-send retries.
 */
import type { Channel, InboundEvent, InboundHandler } from '../channels/channel.ts';
import { loadFaq, type Faq } from '../faq/faq.ts';
import { defaultLanguage, translator } from '../i18n.ts';
import { defaultContentDir } from '../paths.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/store.ts';
import { readFormats } from '../reports/parse.ts';
import { reportTimeZone } from '../reports/quarter.ts';
import type { AdminChatDeps } from './admin.ts';
import type { ReportDeps } from './report.ts';
import { createRouter } from './router.ts';
import { sender, type Turn } from './turn.ts';

export interface InboundDeps {
  db: Db;
  log: Logger;
  channel: Channel;
  /** The FAQ knowledge (the app loads it from CONTENT_DIR; default: the shipped content/). */
  faq?: Faq;
  /** Session reports' formats, topics and rules (default: the shipped content/, Vietnam's time, 15 days' grace). */
  report?: ReportDeps;
  /** Languages that have content (default: those of the FAQ's answers). */
  languages?: string[];
  /** The dashboard's address for admins' /dangnhap links (default: no dashboard). */
  admin?: AdminChatDeps;
}

/** The languages some content is written in, Vietnamese first. */
export function contentLanguages(faq: Faq, campaignVariants: Iterable<Record<string, string>> = []): string[] {
  const found = new Set(['vi']);
  for (const entry of faq.knowledge.entries) for (const lang of Object.keys(entry.answer)) found.add(lang);
  for (const variants of campaignVariants) for (const lang of Object.keys(variants)) found.add(lang);
  return [...found];
}

let shippedFaq: Faq | undefined;
/** The FAQ of the shipped content/, loaded once. */
export function defaultFaq(): Faq {
  return (shippedFaq ??= loadFaq(defaultContentDir));
}

/** What reports need from content and configuration. */
export function reportDeps(contentDir: string, faq: Faq, timeZone: string, graceDays: number): ReportDeps {
  return { formats: readFormats(contentDir), topics: faq.knowledge.topics, timeZone, graceDays };
}

/** Records the update as processed; false when it already was. */
async function claim(db: Db, event: InboundEvent): Promise<boolean> {
  const { count } = await db.processedUpdate.createMany({
    data: [{ platform: event.platform, updateId: event.updateId }],
    skipDuplicates: true,
  });
  return count === 1;
}

async function languageOf(db: Db, event: InboundEvent): Promise<string> {
  const person = await db.person.findUnique({
    where: { platform_platformUserId: { platform: event.platform, platformUserId: event.sender.id } },
    select: { language: true },
  });
  return person?.language ?? defaultLanguage;
}

/** The handler a channel calls for each event. */
export function createInboundHandler({ db, log, channel, faq = defaultFaq(), report, languages, admin }: InboundDeps): InboundHandler {
  const router = createRouter({
    faq,
    report: report ?? reportDeps(defaultContentDir, faq, reportTimeZone, 15),
    subscription: { languages: languages ?? contentLanguages(faq) },
    admin,
  });
  const send = sender(channel, log);
  return async (event) => {
    if (!(await claim(db, event))) {
      log.debug({ platform: event.platform, updateId: event.updateId }, 'duplicate update ignored');
      return;
    }
    try {
      const language = await languageOf(db, event);
      const turn: Turn = {
        event,
        language,
        t: translator(language),
        db,
        log,
        reply: (message) => send(event.chat.id, message),
        sendTo: send,
      };
      await router(turn, async () => {});
    } catch (error) {
      await db.processedUpdate
        .deleteMany({ where: { platform: event.platform, updateId: event.updateId } })
        .catch(() => {});
      throw error;
    }
  };
}
