/**
 * Jobs around reports: from two weeks before a quarter ends, a reminder to the leaders (only them,
 * in their private chats) of each group with no report yet, at most once a week and never in quiet
 * hours; and a notice when a half-filled report expires.
 *
 * Sent directly through the channels: the delivery outbox (issue 4) does not exist yet; when it
 * does, reminders should go through it.
 */
import cron from 'node-cron';
import type { OutboundMessage, SendResult } from '../channels/channel.ts';
import type { QuietHours } from '../config.ts';
import { inQuietHours } from '../delivery/time.ts';
import { translator } from '../i18n.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/store.ts';
import { daysBetween, formatDate, formatQuarter, localDateOf, quarterEnd, quarterOf } from './quarter.ts';

export type Send = (platform: string, chatId: string, message: OutboundMessage) => Promise<SendResult>;

const remindFromDays = 14;
const remindEveryMs = 7 * 24 * 60 * 60 * 1000;

export interface ReminderOptions {
  now: Date;
  timeZone: string;
  quietHours: QuietHours;
  /** Platforms there is a channel for. */
  platforms: string[];
}

/** Sends the due reminders; returns how many groups were reminded. */
export async function sendReportReminders(db: Db, send: Send, options: ReminderOptions): Promise<number> {
  const { now, timeZone } = options;
  if (inQuietHours(now, timeZone, options.quietHours)) return 0;
  const today = localDateOf(now, timeZone);
  const quarter = quarterOf(today);
  const end = quarterEnd(quarter);
  if (daysBetween(today, end) > remindFromDays) return 0;
  const name = formatQuarter(quarter);
  const groups = await db.communicationGroup.findMany({
    where: { reports: { none: { quarter: name } } },
    include: {
      memberships: {
        where: { role: { in: ['leader', 'deputy'] } },
        include: { person: { include: { chatLinks: { where: { kind: 'private', active: true, platform: { in: options.platforms } } } } } },
      },
    },
    orderBy: { id: 'asc' },
  });
  let reminded = 0;
  for (const group of groups) {
    const recent = await db.auditLog.findFirst({
      where: { action: 'report.reminder', entity: 'CommunicationGroup', entityId: String(group.id), at: { gte: new Date(now.getTime() - remindEveryMs) } },
    });
    if (recent) continue;
    let delivered = 0;
    for (const { person } of group.memberships) {
      const t = translator(person.language);
      const text = t('report.reminder', { group: group.name, quarter: `${quarter.quarter}/${quarter.year}`, end: formatDate(end) });
      for (const link of person.chatLinks) if ((await send(link.platform, link.chatId, { text })).ok) delivered++;
    }
    if (delivered === 0) continue;
    await db.auditLog.create({
      data: { at: now, actor: 'system', action: 'report.reminder', entity: 'CommunicationGroup', entityId: String(group.id), areaId: group.areaId, after: { quarter: name, delivered } },
    });
    reminded++;
  }
  return reminded;
}

/** Tells the people whose half-filled report expired, once; returns how many were told. */
export async function expireReportDrafts(db: Db, send: Send, now: Date): Promise<number> {
  const expired = await db.conversationState.findMany({ where: { flow: 'report', expiresAt: { lte: now } } });
  let told = 0;
  for (const state of expired) {
    // Claimed by deleting it, so that two processes never both send the notice.
    const { count } = await db.conversationState.deleteMany({ where: { id: state.id, expiresAt: state.expiresAt } });
    if (count === 0) continue;
    const person = await db.person.findUnique({ where: { platform_platformUserId: { platform: state.platform, platformUserId: state.userId } } });
    const t = translator(person?.language);
    if ((await send(state.platform, state.chatId, { text: t('report.expired') })).ok) told++;
  }
  return told;
}

/** Runs the reminders every day at 09:00 and the expiry check every ten minutes; returns the stop function. */
export function scheduleReportJobs(db: Db, send: Send, options: Omit<ReminderOptions, 'now'>, log: Logger): () => void {
  const reminders = cron.schedule(
    '0 9 * * *',
    async () => {
      const reminded = await sendReportReminders(db, send, { ...options, now: new Date() }).catch((err: unknown) => {
        log.error({ err }, 'report reminders failed');
        return 0;
      });
      if (reminded > 0) log.info({ reminded }, 'report reminders sent');
    },
    { timezone: options.timeZone },
  );
  const expiry = setInterval(() => {
    expireReportDrafts(db, send, new Date()).catch((err: unknown) => log.error({ err }, 'report draft expiry failed'));
  }, 10 * 60 * 1000);
  expiry.unref();
  return () => {
    void reminders.stop();
    clearInterval(expiry);
  };
}
