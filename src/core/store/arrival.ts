/**
 * An inbound update as it arrives, in one statement: its claim in ProcessedUpdate (see once.ts) —
 * taken when the update is new, or when its handling failed and the platform sent it again; not
 * when it was handled or another process is handling it — who sent it, the flow open for them
 * in that chat (a report being filled in), and where they live (for the hotlines of a question's
 * answer or a safety reply). Four round trips were half of what a message cost the embedded
 * database; this is one.
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
  const [row] = await db.$queryRaw<Row[]>`
    WITH claim AS (
      INSERT INTO "ProcessedUpdate" (platform, "updateId", "processedAt") VALUES (${platform}, ${updateId}, ${new Date()})
      ON CONFLICT (platform, "updateId") DO UPDATE SET claimed = true WHERE "ProcessedUpdate".claimed = false
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM claim) AS claimed,
           p.id AS "personId", p.language,
           EXISTS (SELECT 1 FROM "Membership" m WHERE m."personId" = p.id AND m.role IN ('leader', 'deputy')) AS leads,
           s.id AS "flowId", s.flow, s.step, s.data, s."expiresAt",
           (SELECT json_agg(json_build_object('id', up.id, 'code', up.code, 'name', up.name) ORDER BY length(up.path) DESC)
              FROM "Area" here JOIN "Area" up ON starts_with(here.path, up.path)
             WHERE here.id = COALESCE(
                     (SELECT g."areaId" FROM "ChatLink" c JOIN "CommunicationGroup" g ON g.id = c."groupId"
                       WHERE c.platform = ${platform} AND c."chatId" = ${who.chatId}),
                     (SELECT g."areaId" FROM "Membership" m JOIN "CommunicationGroup" g ON g.id = m."groupId"
                       WHERE ${who.chatKind} = 'private' AND m."personId" = p.id
                       ORDER BY m.id LIMIT 1))) AS places
      FROM (SELECT 1) AS one
      LEFT JOIN "Person" p ON p.platform = ${platform} AND p."platformUserId" = ${who.userId}
      LEFT JOIN "ConversationState" s ON s.platform = ${platform} AND s."chatId" = ${who.chatId} AND s."userId" = ${who.userId}`;
  if (!row) throw new Error('the arrival query returned no row');
  return {
    claimed: row.claimed,
    person: row.personId === null ? null : { id: row.personId, language: row.language!, leads: Boolean(row.leads) },
    flow: row.flowId === null ? null : { id: row.flowId, flow: row.flow!, step: row.step!, data: row.data, expiresAt: row.expiresAt! },
    places: row.places ?? [],
  };
}
