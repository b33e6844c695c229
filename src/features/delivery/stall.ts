/**
 * Whether the outbox is stalled, for the readiness check (/health/ready): messages due for a while
 * and nothing sent or given up on lately, outside quiet hours (when waiting is the rule). A long
 * broadcast paced at the platform's rate keeps old messages due, but keeps marking others sent.
 */
import type { Db } from '../../core/store/store.ts';
import type { QuietHours } from '../../core/config.ts';
import { inQuietHours } from '../../core/time.ts';

export interface OutboxHealth {
  ok: boolean;
  /** Messages due now (queued, their time come). */
  due: number;
  /** Age in seconds of the oldest of them; null when none. */
  oldestDueSeconds: number | null;
}

/** Due longer than this, with no progress for as long, is stalled. */
export const stallAfterMs = 10 * 60_000;

/** Deliveries due now and waiting, and how long the oldest of them has waited (seconds; null: none). */
async function dueNow(db: Db, now: Date): Promise<{ due: number; oldestDueSeconds: number | null }> {
  const waiting = { status: 'queued', nextAttemptAt: { lte: now } };
  const [due, oldest] = await Promise.all([
    db.delivery.count({ where: waiting }),
    db.delivery.findFirst({ where: waiting, orderBy: { nextAttemptAt: 'asc' }, select: { nextAttemptAt: true } }),
  ]);
  return { due, oldestDueSeconds: oldest ? Math.round((now.getTime() - oldest.nextAttemptAt.getTime()) / 1000) : null };
}

export async function outboxHealth(db: Db, now: Date, timeZone: string, quiet: QuietHours): Promise<OutboxHealth> {
  const [{ due, oldestDueSeconds }, recent] = await Promise.all([
    dueNow(db, now),
    db.delivery.count({ where: { status: { in: ['sent', 'failed', 'skipped'] }, updatedAt: { gt: new Date(now.getTime() - stallAfterMs) } } }),
  ]);
  const waitingLong = oldestDueSeconds !== null && oldestDueSeconds * 1000 > stallAfterMs;
  return { ok: !waitingLong || recent > 0 || inQuietHours(now, timeZone, quiet), due, oldestDueSeconds };
}

/** The outbox for /metrics: deliveries not finished by status, how many are due, the oldest's age. */
export async function outboxFigures(db: Db, now: Date): Promise<{ byStatus: Record<string, number>; due: number; oldestDueSeconds: number | null }> {
  const [groups, waiting] = await Promise.all([
    db.delivery.groupBy({ by: ['status'], where: { status: { in: ['queued', 'leased', 'sending'] } }, _count: { _all: true } }),
    dueNow(db, now),
  ]);
  const byStatus: Record<string, number> = { queued: 0, leased: 0, sending: 0 };
  for (const g of groups) byStatus[g.status] = g._count._all;
  return { byStatus, ...waiting };
}
