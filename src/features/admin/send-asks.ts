/**
 * What /guingay keeps between its confirm step and the press of a button: each request is an
 * audit row `admin.chat.sendNow.ask` (who, what message, which area, how many it reaches), and the
 * buttons carry only that row's id. Also the areas a request may name, in tree order.
 */
import type { Db } from '../../core/store/store.ts';
import { actorName, type Actor } from './auth.ts';

const askAction = 'admin.chat.sendNow.ask';

/** Every area in tree order, for reading which one a /guingay request names. */
export async function areasToSendTo(db: Db): Promise<Array<{ id: number; name: string; code: string; path: string }>> {
  return db.area.findMany({ select: { id: true, name: true, code: true, path: true }, orderBy: { path: 'asc' } });
}

export interface SendAsk {
  contentId: string;
  areaId: number;
  /** How many chats the message reaches. */
  reach: number;
}

/** Records a /guingay request waiting for its confirm; returns its id, for the buttons. */
export async function recordSendAsk(db: Db, actor: Actor, ask: SendAsk, at: Date): Promise<number> {
  const row = await db.auditLog.create({
    data: {
      at,
      actorId: actor.personId,
      actor: actorName(actor),
      action: askAction,
      entity: 'ContentItem',
      entityId: ask.contentId,
      areaId: ask.areaId,
      after: { contentId: ask.contentId, areaId: ask.areaId, reach: ask.reach },
    },
  });
  return row.id;
}

/** The /guingay request `askId` when `personId` asked it, with when; null for anything else (another's, gone, forged). */
export async function sendAskOf(db: Db, askId: number, personId: number): Promise<{ id: number; at: Date; contentId: string; areaId: number } | null> {
  const ask = await db.auditLog.findUnique({ where: { id: askId } });
  const asked = ask?.after as { contentId?: unknown; areaId?: unknown } | null | undefined;
  if (!ask || ask.action !== askAction || ask.actorId !== personId || typeof asked?.contentId !== 'string' || typeof asked.areaId !== 'number') return null;
  return { id: ask.id, at: ask.at, contentId: asked.contentId, areaId: asked.areaId };
}
