/**
 * Jobs around reports: reminders to the leaders of groups that have not reported, and a notice
 * when a half-filled report expires.
 *
 * From two weeks before a quarter ends, each day from 09:00, the leaders and deputies of each group
 * with no report for the quarter are reminded in their private chats, at most once a week. A
 * reminder goes through the delivery outbox like every other message: one broadcast of kind
 * 'reportReminder' per group and day (unique by its idempotency key), one delivery per leader
 * chat, sent by the dispatcher at the platform's pace, waiting out quiet hours, surviving a
 * restart without being sent twice, its progress on the dashboard and in `loaban broadcast list`.
 * A leader's /dunglai stops the group's messages, not this one (see features/delivery/outbox.ts).
 */
import type { OutboundMessage, SendResult } from '../../channels/channel.ts';
import { type StillWanted, reasons } from '../delivery/index.ts';
import { localInstant } from '../../core/time.ts';
import { translator } from '../../core/i18n.ts';
import type { Logger } from '../../core/log.ts';
import type { Db } from '../../core/store/store.ts';
import { addDays, daysBetween, formatDate, formatQuarter, localDateOf, quarterEnd, quarterOf, type LocalDate } from './quarter.ts';
import { reportFlowName } from './drafts.ts';

export type Send = (platform: string, chatId: string, message: OutboundMessage) => Promise<SendResult>;

/** Reminders start this many days before the quarter's last day. */
const remindFromDays = 14;
/** A group is reminded at most once in this many days. */
const remindEveryDays = 7;
/** The local time of day reminders are due from. */
const remindAt = '09:00';

export const reminderAction = 'report.reminder';
export const reminderKind = 'reportReminder';

export interface ReminderOptions {
  now: Date;
  timeZone: string;
  /** Platforms there is a channel (and a dispatcher) for. */
  platforms: readonly string[];
}

export interface Queued {
  /** False when no reminder is due at this time of the quarter or the day: nothing was looked at. */
  due: boolean;
  /** The reminder broadcasts queued now, one per group. */
  broadcastIds: number[];
}

const isoDate = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const startOf = (d: LocalDate, timeZone: string) => localInstant(d.year, d.month, d.day, '00:00', timeZone)!;

/**
 * Queues the reminders due at `now` in the outbox: a broadcast for each group without a report this
 * quarter that was not reminded in the last week and has a leader to reach, with its deliveries,
 * and an audit line, in one transaction. Safe to run again, after a crash or from a second process.
 */
export async function queueReportReminders(db: Db, options: ReminderOptions): Promise<Queued> {
  const { now, timeZone } = options;
  const today = localDateOf(now, timeZone);
  const quarter = quarterOf(today);
  const end = quarterEnd(quarter);
  const dueFrom = localInstant(today.year, today.month, today.day, remindAt, timeZone);
  if (daysBetween(today, end) > remindFromDays || !dueFrom || now < dueFrom) return { due: false, broadcastIds: [] };
  const name = formatQuarter(quarter);
  const groups = await db.communicationGroup.findMany({
    where: { reports: { none: { quarter: name } } },
    select: {
      id: true,
      name: true,
      areaId: true,
      memberships: {
        where: { role: { in: ['leader', 'deputy'] } },
        orderBy: { id: 'asc' },
        select: {
          person: {
            select: {
              language: true,
              chatLinks: { where: { kind: 'private', active: true, platform: { in: [...options.platforms] } }, orderBy: { id: 'asc' }, select: { id: true, platform: true, language: true } },
            },
          },
        },
      },
    },
    orderBy: { id: 'asc' },
  });
  // Reminded on one of the last days of the week (by the old direct sends too: they wrote the same audit line).
  const since = startOf(addDays(today, -(remindEveryDays - 1)), timeZone);
  const recent = await db.auditLog.findMany({ where: { action: reminderAction, entity: 'CommunicationGroup', at: { gte: since } }, select: { entityId: true } });
  const reminded = new Set(recent.map((r) => r.entityId));
  const broadcastIds: number[] = [];
  for (const group of groups) {
    if (reminded.has(String(group.id))) continue;
    const targets = new Map<number, { platform: string; language: string }>();
    for (const { person } of group.memberships) {
      for (const link of person.chatLinks) targets.set(link.id, { platform: link.platform, language: link.language ?? person.language });
    }
    if (targets.size === 0) continue;
    const say = (language: string) => translator(language)('report.reminder', { group: group.name, ...quarter, end: formatDate(end) });
    const text = say('vi');
    const variants = Object.fromEntries([...new Set([...targets.values()].map((t) => t.language))].map((l) => [l, say(l)]).filter(([, said]) => said !== text));
    const id = await db.$transaction(async (tx) => {
      const [broadcast] = await tx.broadcast.createManyAndReturn({
        data: [
          {
            kind: reminderKind,
            idempotencyKey: reminderKey(name, group.id, isoDate(today)),
            text,
            ...(Object.keys(variants).length > 0 ? { variants } : {}),
            audience: { groupIds: [group.id] },
            scheduledFor: now,
            status: 'queued',
            expandedAt: now,
          },
        ],
        skipDuplicates: true,
        select: { id: true },
      });
      // Another process queued it first.
      if (!broadcast) return null;
      await tx.delivery.createMany({
        data: [...targets].map(([chatLinkId, t]) => ({ broadcastId: broadcast.id, chatLinkId, platform: t.platform, nextAttemptAt: now })),
      });
      await tx.auditLog.create({
        data: { at: now, actor: 'system', action: reminderAction, entity: 'CommunicationGroup', entityId: String(group.id), areaId: group.areaId, after: { quarter: name, broadcastId: broadcast.id, chats: targets.size } },
      });
      return broadcast.id;
    });
    if (id !== null) broadcastIds.push(id);
  }
  return { due: true, broadcastIds };
}

/** A reminder broadcast's key: one per quarter, group and day. */
const reminderKey = (quarter: string, groupId: number, day: string) => `report-reminder:${quarter}:group-${groupId}:${day}`;
const reminderKeyPattern = /^report-reminder:(\d{4}Q[1-4]):group-(\d+):/;

/**
 * For the dispatchers (`startDelivery`'s `stillWanted`): a reminder held in the queue (through quiet
 * hours, or a stop) is skipped when its group has reported for the quarter since it was queued.
 */
export function reminderStillWanted(db: Db): StillWanted {
  return async (broadcastId, broadcastKind) => {
    if (broadcastKind !== reminderKind) return null;
    const broadcast = await db.broadcast.findUnique({ where: { id: broadcastId }, select: { idempotencyKey: true } });
    const m = reminderKeyPattern.exec(broadcast?.idempotencyKey ?? '');
    if (!m) return null;
    const reported = await db.sessionReport.count({ where: { groupId: Number(m[2]), quarter: m[1]! } });
    return reported > 0 ? reasons.reported : null;
  };
}

/**
 * The reminders as a job of the delivery service's minute tick (see `startDelivery`): once a day
 * from 09:00, again after a failure or a restart (which queue nothing twice). Returns how many
 * broadcasts it queued, so the dispatchers are woken.
 */
export function reportReminderJob(db: Db, options: Omit<ReminderOptions, 'now'>, log: Logger): (now: Date) => Promise<number> {
  let doneOn: string | null = null;
  return async (now) => {
    const today = isoDate(localDateOf(now, options.timeZone));
    if (doneOn === today) return 0;
    const queued = await queueReportReminders(db, { ...options, now });
    if (queued.due) doneOn = today;
    if (queued.broadcastIds.length > 0) log.info({ groups: queued.broadcastIds.length, broadcasts: queued.broadcastIds }, 'report reminders queued');
    return queued.broadcastIds.length;
  };
}

/** Tells the people whose half-filled report expired, once; returns how many were told. */
export async function expireReportDrafts(db: Db, send: Send, now: Date): Promise<number> {
  const expired = await db.conversationState.findMany({ where: { flow: reportFlowName, expiresAt: { lte: now } } });
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

/**
 * Checks for expired half-filled reports every ten minutes and tells their writers directly (a
 * reply to a conversation, not a broadcast); returns the stop function. Reminders run on the
 * delivery service's tick instead: `reportReminderJob`.
 */
export function scheduleReportJobs(db: Db, send: Send, log: Logger): () => void {
  const expiry = setInterval(() => {
    expireReportDrafts(db, send, new Date()).catch((err: unknown) => log.error({ err }, 'report draft expiry failed'));
  }, 10 * 60 * 1000);
  expiry.unref();
  return () => clearInterval(expiry);
}
