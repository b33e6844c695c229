/**
 * A broadcast is one run of a schedule (or a one-off message): its audience expands into the
 * outbox, one Delivery per chat, created with `skipDuplicates` on the broadcast × chat key, so
 * expanding again (after a crash half-way, or by a second process) adds only what is missing.
 * A report reminder is a broadcast too, queued with its deliveries at once (features/reporting/reminders.ts).
 */
import type { OutboundMessage } from '../../channels/channel.ts';
import type { Db } from '../../core/store/store.ts';
import { audienceSchema, resolveAudience } from './audience.ts';
import type { MessageFor } from './dispatcher.ts';
import { kindOf, reasons, type ReasonKind } from './reasons.ts';

const chunk = 1_000;

export interface Expanded {
  broadcastId: number;
  queued: number;
  status: string;
}

/** Expands a pending broadcast into deliveries on `platforms`; a broadcast that reaches no chat is marked empty. */
export async function expandBroadcast(db: Db, broadcastId: number, platforms: readonly string[], now: Date): Promise<Expanded> {
  const broadcast = await db.broadcast.findUniqueOrThrow({ where: { id: broadcastId } });
  if (broadcast.status !== 'pending') return { broadcastId, queued: 0, status: broadcast.status };
  const targets = await resolveAudience(db, audienceSchema.parse(broadcast.audience), platforms);
  if (targets.length === 0) {
    await db.broadcast.update({ where: { id: broadcastId }, data: { status: 'empty', reason: reasons.empty.text, expandedAt: now } });
    return { broadcastId, queued: 0, status: 'empty' };
  }
  const due = broadcast.scheduledFor > now ? broadcast.scheduledFor : now;
  let queued = 0;
  for (let i = 0; i < targets.length; i += chunk) {
    const { count } = await db.delivery.createMany({
      data: targets.slice(i, i + chunk).map((t) => ({
        broadcastId,
        chatLinkId: t.chatLinkId,
        platform: t.platform,
        priority: broadcast.priority,
        nextAttemptAt: due,
      })),
      skipDuplicates: true,
    });
    queued += count;
  }
  await db.broadcast.update({ where: { id: broadcastId }, data: { status: 'queued', expandedAt: now } });
  return { broadcastId, queued, status: 'queued' };
}

/** Expands every pending broadcast that is due (a crash may have left one half-way). */
export async function expandDue(db: Db, platforms: readonly string[], now: Date): Promise<Expanded[]> {
  const pending = await db.broadcast.findMany({ where: { status: 'pending', scheduledFor: { lte: now } }, select: { id: true }, orderBy: { id: 'asc' } });
  const done: Expanded[] = [];
  for (const { id } of pending) done.push(await expandBroadcast(db, id, platforms, now));
  return done;
}

interface ContentBody {
  variants?: Record<string, string>;
  image?: string | null;
}

/**
 * What each broadcast says, per language: the content item's variant for the chat's language,
 * else its Vietnamese; or the broadcast's own text (with its `variants`, likewise). Read once per
 * broadcast and kept.
 */
export function messageSource(db: Db): MessageFor {
  const cache = new Map<number, Promise<{ variants: Record<string, string>; image: string | null } | null>>();
  const load = async (broadcastId: number) => {
    const broadcast = await db.broadcast.findUnique({ where: { id: broadcastId }, select: { text: true, variants: true, contentId: true } });
    if (!broadcast) return null;
    if (broadcast.text) return { variants: { ...((broadcast.variants ?? {}) as Record<string, string>), vi: broadcast.text }, image: null };
    if (!broadcast.contentId) return null;
    const item = await db.contentItem.findUnique({ where: { id: broadcast.contentId } });
    const body = (item?.body ?? {}) as ContentBody;
    return body.variants?.vi ? { variants: body.variants, image: body.image ?? null } : null;
  };
  return async (broadcastId, language): Promise<OutboundMessage | null> => {
    let entry = cache.get(broadcastId);
    if (!entry) cache.set(broadcastId, (entry = load(broadcastId)));
    const content = await entry;
    if (!content) {
      cache.delete(broadcastId);
      return null;
    }
    const text = content.variants[language] ?? content.variants.vi!;
    // Images are sent only when they are web addresses; a file in content/ needs an upload the channels do not do yet.
    const imageUrl = content.image && /^https:\/\//.test(content.image) ? content.image : undefined;
    return { text, ...(imageUrl ? { imageUrl } : {}) };
  };
}

export interface Progress {
  broadcastId: number;
  /** 'campaign', 'reportReminder' (see the Broadcast model). */
  kind: string;
  status: string;
  reason: string | null;
  scheduledFor: Date;
  contentId: string | null;
  total: number;
  queued: number;
  sending: number;
  sent: number;
  failed: number;
  skipped: number;
  /** The most common reasons deliveries failed or were skipped: the kind, the stored text, how many deliveries each. */
  failures: { kind: ReasonKind; reason: string; count: number }[];
}

/** The names of the groups a broadcast's audience lists (a reminder's group), in id order; [] when it names none. */
export async function listedGroups(db: Db, broadcastId: number): Promise<string[]> {
  const broadcast = await db.broadcast.findUnique({ where: { id: broadcastId }, select: { audience: true } });
  const audience = audienceSchema.safeParse(broadcast?.audience);
  const ids = audience.success ? (audience.data.groupIds ?? []) : [];
  if (ids.length === 0) return [];
  const groups = await db.communicationGroup.findMany({ where: { id: { in: ids } }, select: { name: true }, orderBy: { id: 'asc' } });
  return groups.map((g) => g.name);
}

/** Where a broadcast stands, counted from its deliveries. Null when there is no such broadcast. */
export async function broadcastProgress(db: Db, broadcastId: number): Promise<Progress | null> {
  const broadcast = await db.broadcast.findUnique({ where: { id: broadcastId } });
  if (!broadcast) return null;
  const counts = await db.delivery.groupBy({ by: ['status'], where: { broadcastId }, _count: { _all: true } });
  const of = (...statuses: string[]) => counts.filter((c) => statuses.includes(c.status)).reduce((n, c) => n + c._count._all, 0);
  const failures = await db.delivery.groupBy({
    by: ['failureKind', 'lastError'],
    where: { broadcastId, status: { in: ['failed', 'skipped'] } },
    _count: { _all: true },
    orderBy: { _count: { lastError: 'desc' } },
    take: 5,
  });
  return {
    broadcastId,
    kind: broadcast.kind,
    status: broadcast.status,
    reason: broadcast.reason,
    scheduledFor: broadcast.scheduledFor,
    contentId: broadcast.contentId,
    total: of('queued', 'leased', 'sending', 'sent', 'failed', 'skipped'),
    queued: of('queued', 'leased'),
    sending: of('sending'),
    sent: of('sent'),
    failed: of('failed'),
    skipped: of('skipped'),
    failures: failures.map((f) => ({ kind: kindOf(f) ?? 'other', reason: f.lastError ?? '', count: f._count._all })),
  };
}

/** The id of a broadcast `scheduleId` made (a "send now" schedule makes one), or null when it made none yet. */
export async function broadcastIdOf(db: Db, scheduleId: number): Promise<number | null> {
  return (await db.broadcast.findFirst({ where: { scheduleId }, select: { id: true } }))?.id ?? null;
}

/** Whom a broadcast goes to and what it says (a content item, or its own text); null when there is none. */
export async function broadcastById(db: Db, broadcastId: number) {
  return db.broadcast.findUnique({ where: { id: broadcastId }, select: { audience: true, text: true, contentId: true } });
}

/** A run of a schedule as its list shows it: when it was due, its status, and its deliveries counted. */
export interface RecentRun {
  id: number;
  scheduledFor: Date;
  status: string;
  /** Deliveries waiting (queued or leased), being sent, sent, and in all. */
  queued: number;
  sending: number;
  sent: number;
  total: number;
}

/** The last `count` broadcasts of a schedule, latest first: when each was due and where it stands. */
export async function recentBroadcastsOf(db: Db, scheduleId: number, count: number): Promise<RecentRun[]> {
  const runs = await db.broadcast.findMany({ where: { scheduleId }, orderBy: { scheduledFor: 'desc' }, take: count, select: { id: true, scheduledFor: true, status: true } });
  if (runs.length === 0) return [];
  const counts = await db.delivery.groupBy({ by: ['broadcastId', 'status'], where: { broadcastId: { in: runs.map((r) => r.id) } }, _count: { _all: true } });
  return runs.map((run) => {
    const of = (...statuses: string[]) => counts.filter((c) => c.broadcastId === run.id && statuses.includes(c.status)).reduce((n, c) => n + c._count._all, 0);
    return { ...run, queued: of('queued', 'leased'), sending: of('sending'), sent: of('sent'), total: of('queued', 'leased', 'sending', 'sent', 'failed', 'skipped') };
  });
}

/** The ids of the last `count` broadcasts, newest first (`loaban broadcast list`). */
export async function latestBroadcastIds(db: Db, count: number): Promise<number[]> {
  return (await db.broadcast.findMany({ orderBy: { id: 'desc' }, take: count, select: { id: true } })).map((b) => b.id);
}
