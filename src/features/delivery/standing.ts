/**
 * Where a broadcast stands, as its readers need it said: done (nothing left waiting), going out
 * now, held by the quiet hours until they end, not due until later, skipped or reaching no one.
 * A pure function of the broadcast's counts, the clock and the quiet hours: the dashboard's list
 * and progress page and `loaban broadcast status` say the same thing.
 */
import type { QuietHours } from '../../core/config.ts';
import { quietUntil } from '../../core/time.ts';

export type Standing =
  | { state: 'done' }
  | { state: 'skipped' }
  | { state: 'empty' }
  | { state: 'sending' }
  /** Due, but the quiet hours hold it: it starts going out at `until`, when they end. */
  | { state: 'quiet'; until: Date }
  /** Not due yet: it starts going out at `until` (its time, or the end of the quiet hours it falls in). */
  | { state: 'later'; until: Date };

/** What `standingOf` reads of a broadcast (a Progress has it all). */
export interface BroadcastCounts {
  status: string;
  scheduledFor: Date;
  /** Deliveries waiting in the queue (queued or leased). */
  queued: number;
  sending: number;
}

/** Where the broadcast stands at `now`, with the quiet hours of `timeZone`. */
export function standingOf(b: BroadcastCounts, now: Date, timeZone: string, quiet: QuietHours): Standing {
  if (b.status === 'skipped') return { state: 'skipped' };
  if (b.status === 'empty') return { state: 'empty' };
  // A pending broadcast has not been expanded into its deliveries yet: it is not over.
  if (b.status !== 'pending' && b.queued + b.sending === 0) return { state: 'done' };
  if (b.scheduledFor > now) return { state: 'later', until: quietUntil(b.scheduledFor, timeZone, quiet) ?? b.scheduledFor };
  const quietEnd = quietUntil(now, timeZone, quiet);
  return quietEnd ? { state: 'quiet', until: quietEnd } : { state: 'sending' };
}

/** Whether the broadcast still has messages to send. */
export const stillGoing = (s: Standing) => s.state === 'sending' || s.state === 'quiet' || s.state === 'later';
