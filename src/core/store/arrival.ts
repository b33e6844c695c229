/**
 * An inbound update as it arrives, in one statement: its claim in ProcessedUpdate (see once.ts) —
 * taken when the update is new, or when its handling failed and the platform sent it again; not
 * when it was handled or another process is handling it — who sent it, the flow open for them
 * in that chat (a report being filled in), and where they live (for the hotlines of a question's
 * answer or a safety reply). Four round trips were half of what a message cost the embedded
 * database; this is one, through a database function (its SQL is in its migration) whose plan the
 * database keeps: planned anew at every message, the statement cost the embedded database 1.4 ms
 * instead of 0.6.
 */
import type { OnceKey } from './once.ts';
import type { Db } from './store.ts';

/** Who wrote: their id and language, and whether they lead (or deputise) a communication group. */
export interface Sender {
  id: number;
  language: string;
  leads: boolean;
}

/** A person's flow in one chat, as its row in ConversationState holds it. */
export interface FlowState {
  id: number;
  flow: string;
  step: string;
  data: unknown;
  expiresAt: Date;
}

/** An area where the sender lives, as `Arrival.places` lists them. */
export interface Place {
  id: number;
  code: string;
  name: string;
}

export interface Arrival {
  /** False when the update was handled, or is being handled by another process. */
  claimed: boolean;
  /** Null when we never met the sender. */
  person: Sender | null;
  /** Null when no flow waits in this chat (an expired one is returned: its owner decides). */
  flow: FlowState | null;
  /**
   * Where the sender lives, as far as Loa Bản knows: a group chat's group area, or (in a private
   * chat) the area of the first group the person belongs to; that area and its ancestors, nearest
   * first (village, commune, …, province); empty when unknown.
   */
  places: Place[];
}

interface Row {
  claimed: boolean;
  personId: number | null;
  language: string | null;
  leads: boolean | null;
  flowId: number | null;
  flow: string | null;
  step: string | null;
  data: unknown;
  expiresAt: Date | null;
  places: Place[] | null;
}

/** Claims `key` and reads its sender (`userId`), their flow in `chatId` and where they live, on the key's platform. */
export async function arrive(db: Db, key: OnceKey, who: { chatId: string; userId: string; chatKind: string }): Promise<Arrival> {
  const { platform, updateId } = key;
  // The statement is the function loaban_arrival (migration 20261204120000_arrival_function): its plan is kept.
  // Its columns are named: on PostgreSQL the statement is prepared (statement-names.ts), and a column a
  // later migration adds to the function would otherwise change what the prepared statement returns.
  const [row] = await db.$queryRaw<Row[]>`
    SELECT claimed, "personId", language, leads, "flowId", flow, step, data, "expiresAt", places FROM loaban_arrival(${platform}, ${updateId}, ${new Date()}::timestamp(3), ${who.chatId}, ${who.userId}, ${who.chatKind})`;
  if (!row) throw new Error('the arrival query returned no row');
  return {
    claimed: row.claimed,
    person: row.personId === null ? null : { id: row.personId, language: row.language!, leads: Boolean(row.leads) },
    flow: row.flowId === null ? null : { id: row.flowId, flow: row.flow!, step: row.step!, data: row.data, expiresAt: row.expiresAt! },
    places: row.places ?? [],
  };
}
