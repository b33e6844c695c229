/**
 * The outbox: one Delivery row per broadcast × chat, moved through
 *   queued → leased (claimed by one dispatcher, not yet tried) → sending (the send started)
 *   → sent | failed (with the reason) | skipped
 * by conditional updates, so several processes can share the work on PostgreSQL
 * (`FOR UPDATE SKIP LOCKED`) and a crash at any point leaves a row whose state says what is
 * known. A lease that runs out means its process died: a `leased` row was never tried and goes
 * back to the queue; a `sending` row may or may not have reached the chat — the platforms
 * offer no way to ask — so it is marked failed with that reason rather than risk sending twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import DataLoader from 'dataloader';
import { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../core/store/store.ts';
import { reasons, stored, type Reason } from './reasons.ts';

/** SQL for a timestamp(3) column (stored in UTC, as Prisma writes them) holding `date`. */
const at = (date: Date) => Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
/** The same for a column of a VALUES list holding ISO text. */
const utc = (column: 'v.at' | 'v.until') => Prisma.raw(`(${column}::timestamptz AT TIME ZONE 'UTC')`);

export interface Claimed {
  id: number;
  broadcastId: number;
  /** Its broadcast's kind: 'campaign', 'reportReminder'. */
  broadcastKind: string;
  chatLinkId: number;
  attempts: number;
  partsSent: number;
  priority: number;
}

/**
 * Broadcast kinds a person's /dunglai stops: the group's messages. A report reminder reaches a
 * leader in that role, so only a chat that stopped receiving (blocked the bot) stops it.
 */
export const stoppedByUnsubscribe: readonly string[] = ['campaign'];

/** How long a claim holds before another dispatcher may take the row back. */
export const claimLeaseMs = 60_000;
/** How long a started send holds: longer than any platform call can take. */
export const sendLeaseMs = 120_000;

/**
 * Claims up to `limit` due deliveries on `platform`, most urgent first, for `worker`.
 * Rows other processes hold are skipped, not waited for.
 */
export async function claimDue(db: Db, platform: string, worker: string, limit: number, now: Date): Promise<Claimed[]> {
  const until = new Date(now.getTime() + claimLeaseMs);
  return db.$queryRaw<Claimed[]>`
    UPDATE "Delivery" AS d
       SET status = 'leased', "leasedBy" = ${worker}, "leaseUntil" = ${at(until)}, "updatedAt" = ${at(now)}
      FROM (SELECT id FROM "Delivery"
             WHERE platform = ${platform} AND status = 'queued' AND "nextAttemptAt" <= ${at(now)}
             ORDER BY priority DESC, "nextAttemptAt", id
             LIMIT ${limit}
             FOR UPDATE SKIP LOCKED) AS due
     WHERE d.id = due.id
 RETURNING d.id, d."broadcastId", d."chatLinkId", d.attempts, d."partsSent", d.priority,
           (SELECT b.kind FROM "Broadcast" AS b WHERE b.id = d."broadcastId") AS "broadcastKind"`;
}

/** A claimed delivery's chat as the dispatcher needs it (read with the claim's batch). */
export interface ClaimedChat {
  id: number;
  chatId: string;
  kind: string;
  active: boolean;
  subscribed: boolean;
  inactiveReason: string | null;
  language: string | null;
  person: { language: string } | null;
}

/** The chats of a batch of claimed deliveries, by ChatLink id: one query for the batch. */
export async function chatsOf(db: Db, chatLinkIds: number[]): Promise<Map<number, ClaimedChat>> {
  if (chatLinkIds.length === 0) return new Map();
  const rows = await db.chatLink.findMany({
    where: { id: { in: [...new Set(chatLinkIds)] } },
    select: { id: true, chatId: true, kind: true, active: true, subscribed: true, inactiveReason: true, language: true, person: { select: { language: true } } },
  });
  return new Map(rows.map((r) => [r.id, r]));
}

/** A claimed delivery whose send is about to start (see `markStarting`). */
export interface Starting {
  id: number;
  worker: string;
  now: Date;
  /** The person's /dunglai stops it (see `stoppedByUnsubscribe`). */
  needsSubscription: boolean;
}

/**
 * Marks the sends of claimed deliveries as started, in one statement; returns the ids it marked. A
 * row is left out when its claim was lost or its chat stopped receiving meanwhile (a stop skips
 * the row: see subscribers.ts).
 */
export async function markStarting(db: Db, rows: readonly Starting[]): Promise<Set<number>> {
  if (rows.length === 0) return new Set();
  const values = rows.map(
    (r) => Prisma.sql`(${r.id}::int, ${r.worker}::text, ${r.needsSubscription}::boolean, ${r.now.toISOString()}::text, ${new Date(r.now.getTime() + sendLeaseMs).toISOString()}::text)`,
  );
  const marked = await db.$queryRaw<{ id: number }[]>`
    UPDATE "Delivery" AS d
       SET status = 'sending', "attemptStartedAt" = ${utc('v.at')}, "leaseUntil" = ${utc('v.until')},
           attempts = d.attempts + 1, "updatedAt" = ${utc('v.at')}
      FROM (VALUES ${Prisma.join(values)}) AS v(id, worker, "needsSubscription", at, until)
     WHERE d.id = v.id AND d."leasedBy" = v.worker AND d.status = 'leased'
       AND EXISTS (SELECT 1 FROM "ChatLink" AS c
                    WHERE c.id = d."chatLinkId" AND c.active AND (c.subscribed OR NOT v."needsSubscription"))
 RETURNING d.id`;
  return new Set(marked.map((r) => r.id));
}

/** The two writes around each send, as a dispatcher's lanes make them (see `groupedMarks`). */
export interface SendMarks {
  /** Marks one delivery's send as started (`markStarting`); false when it cannot go. */
  sending(row: Starting): Promise<boolean>;
  /** Marks one delivery as sent (`markAccepted`). */
  sent(row: Accepted): Promise<void>;
}

/** A statement writes at most this many rows; more wait for the next. */
const groupAtMost = 100;

/**
 * Marking sends sent is tried again after a failure (a dropped connection): the platform took
 * them, and a row left 'sending' would be failed as in doubt. Writing it twice changes nothing.
 */
const retryAfterMs = [200, 1_000];
async function again(write: () => Promise<void>): Promise<void> {
  for (const wait of retryAfterMs) {
    try {
      return await write();
    } catch {
      await sleep(wait);
    }
  }
  return write();
}

/**
 * The writes around each send, grouped (a group commit): a lane's write waits for the statement
 * being written to finish (an idle process: one turn of the event loop), and the lanes that came
 * meanwhile share the next statement. Each lane goes on only once its own row is written, so a row
 * is marked started before its send and sent only after the platform took it, as before; a row the
 * platform took waits at most the statement in flight and its own to be marked sent (the window in
 * which a crash leaves it in doubt). A busy dispatcher writes several rows a statement instead of
 * one: a statement costs about as much for eight rows as for one on the embedded database.
 */
export function groupedMarks(db: Db): SendMarks {
  const grouped = <Row, Result>(write: (rows: readonly Row[]) => Promise<readonly Result[]>) => {
    let writing: Promise<unknown> | null = null;
    return new DataLoader<Row, Result>(
      (rows) => {
        const done = write(rows);
        const settled = done.then(
          () => {},
          () => {},
        );
        writing = settled;
        void settled.then(() => {
          if (writing === settled) writing = null;
        });
        return done;
      },
      {
        cache: false,
        maxBatchSize: groupAtMost,
        // Wait for the statement being written, else for what this turn of the event loop brings.
        batchScheduleFn: (flush) => void (writing ? writing.then(flush) : setImmediate(flush)),
      },
    );
  };
  const sending = grouped<Starting, boolean>(async (rows) => {
    const marked = await markStarting(db, rows);
    return rows.map((r) => marked.has(r.id));
  });
  const sent = grouped<Accepted, void>(async (rows) => {
    await again(() => markAccepted(db, rows));
    return rows.map(() => undefined);
  });
  return { sending: (row) => sending.load(row), sent: (row) => sent.load(row) };
}

/** Records parts sent so far of a split message, so a crash between parts resends none of them. */
export async function recordPart(db: Db, id: number, partsSent: number, messageIds: string[]): Promise<void> {
  await db.delivery.update({ where: { id }, data: { partsSent, platformMessageId: messageIds.join(',') } });
}

/** A delivery the platform accepted whole (see `markAccepted`). */
export interface Accepted {
  id: number;
  now: Date;
  partsSent: number;
  messageIds: string[];
}

/** Marks deliveries the platform accepted as sent, in one statement. */
export async function markAccepted(db: Db, rows: readonly Accepted[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => Prisma.sql`(${r.id}::int, ${r.now.toISOString()}::text, ${r.partsSent}::int, ${r.messageIds.join(',')}::text)`);
  await db.$executeRaw`
    UPDATE "Delivery" AS d
       SET status = 'sent', "sentAt" = ${utc('v.at')}, "partsSent" = v.parts, "platformMessageId" = v.ids,
           "leaseUntil" = NULL, "leasedBy" = NULL, "lastError" = NULL, "failureKind" = NULL, "updatedAt" = ${utc('v.at')}
      FROM (VALUES ${Prisma.join(values)}) AS v(id, at, parts, ids)
     WHERE d.id = v.id`;
}

/** Back to the queue until `when`. `countAttempt` false: this try does not count (throttled, moved, quiet hours). */
export async function requeue(db: Db, id: number, when: Date, reason: Reason | null, countAttempt: boolean): Promise<void> {
  await db.delivery.update({
    where: { id },
    data: {
      status: 'queued',
      nextAttemptAt: when,
      leaseUntil: null,
      leasedBy: null,
      attemptStartedAt: null,
      ...(reason === null ? {} : stored(reason)),
      ...(countAttempt ? {} : { attempts: { decrement: 1 } }),
    },
  });
}

/** Releases a claim that was never tried (quiet hours came, the process stops). */
export async function release(db: Db, id: number, when: Date): Promise<void> {
  await db.delivery.updateMany({ where: { id, status: 'leased' }, data: { status: 'queued', nextAttemptAt: when, leaseUntil: null, leasedBy: null } });
}

export async function markFailed(db: Db, id: number, reason: Reason): Promise<void> {
  await db.delivery.update({ where: { id }, data: { status: 'failed', ...stored(reason), leaseUntil: null, leasedBy: null } });
}

/** Not sent, and never will be: the chat stopped receiving before its turn. */
export async function markSkipped(db: Db, id: number, reason: Reason): Promise<void> {
  await db.delivery.update({ where: { id }, data: { status: 'skipped', ...stored(reason), leaseUntil: null, leasedBy: null } });
}

/**
 * Takes back the rows of dead dispatchers of `platform`: every row whose lease ran out, every row
 * of a worker not in `alive` (the processes seen connected now: presence.ts), or, with `all`, every
 * held row — right for the one process an embedded database allows, at its start; only its own
 * platform's, since the other platforms' dispatchers may already be sending).
 * Returns how many were requeued and how many marked failed as in doubt.
 */
export async function recoverLeases(db: Db, platform: string, now: Date, all = false, alive?: readonly string[]): Promise<{ requeued: number; inDoubt: number }> {
  const dead = alive ? [{ leaseUntil: { lt: now } }, { leasedBy: { notIn: [...alive] } }] : [{ leaseUntil: { lt: now } }];
  const expired = { platform, ...(all ? {} : { OR: dead }) };
  const requeued = await db.delivery.updateMany({
    where: { status: 'leased', ...expired },
    data: { status: 'queued', leaseUntil: null, leasedBy: null },
  });
  const inDoubt = await db.delivery.updateMany({
    where: { status: 'sending', ...expired },
    data: { status: 'failed', ...stored(reasons.inDoubt), leaseUntil: null, leasedBy: null },
  });
  return { requeued: requeued.count, inDoubt: inDoubt.count };
}
