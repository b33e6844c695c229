/**
 * Half-filled reports: one per person and chat, kept with the question it is at in
 * ConversationState (so it survives a restart) for one day, behind three calls — load, save,
 * clear. A draft past its day goes when it is next loaded, or before that when reminders.ts's
 * expiry check tells its writer.
 */
import { randomBytes } from 'node:crypto';
import type { FlowState } from '../../core/store/arrival.ts';
import type { Db } from '../../core/store/store.ts';
import type { ReportState, Step } from './wizard.ts';

/** The flow name of a report's row in ConversationState. */
export const reportFlowName = 'report';
const flow = reportFlowName;
const lifetimeMs = 24 * 60 * 60 * 1000;

/** Whose draft: one person in one chat. */
export interface DraftOwner {
  platform: string;
  chatId: string;
  userId: string;
}

export interface Drafts {
  /** The draft and its question; 'expired' (and then deleted) when its day is over; null when there is none. */
  load(now: Date): Promise<{ state: ReportState; step: Step } | 'expired' | null>;
  /** Keeps the draft at `step` for another day from `now`. */
  save(state: ReportState, step: Step, now: Date): Promise<void>;
  clear(): Promise<void>;
}

/** A new draft's id; a confirmed report's idempotency key is made of it. */
export const newDraftId = () => randomBytes(8).toString('hex');

/**
 * The report drafts of `owner`, in ConversationState. `found`: the owner's row as the turn found
 * it when the update arrived (arrival.ts), which the first load uses instead of reading it again;
 * after a save or a clear, loads read the database.
 */
export function draftsOf(db: Db, owner: DraftOwner, found?: FlowState | null): Drafts {
  const { platform, chatId, userId } = owner;
  const key = { platform_chatId_userId: { platform, chatId, userId } };
  let first = found;
  return {
    async load(now) {
      const row = first === undefined ? await db.conversationState.findUnique({ where: key }) : first;
      first = undefined;
      if (!row || row.flow !== flow) return null;
      if (row.expiresAt <= now) {
        // Only the draft that expired: the person may have started another meanwhile (same row, new day).
        await db.conversationState.deleteMany({ where: { id: row.id, expiresAt: row.expiresAt } });
        return 'expired';
      }
      return { state: row.data as unknown as ReportState, step: row.step as Step };
    },
    async save(state, step, now) {
      first = undefined;
      const fields = { flow, step, data: state as never, expiresAt: new Date(now.getTime() + lifetimeMs) };
      await db.conversationState.upsert({ where: key, create: { platform, chatId, userId, ...fields }, update: fields });
    },
    async clear() {
      first = undefined;
      await db.conversationState.deleteMany({ where: { platform, chatId, userId, flow } });
    },
  };
}
