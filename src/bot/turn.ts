/**
 * One inbound event on its way through the conversation: who wrote, in which language we
 * answer, and `reply` to answer in the same chat. Handlers are middleware over a Turn,
 * composed into a tree like grammY's composer: each either handles the turn or calls `next`.
 */
import type { Channel, InboundEvent, OutboundMessage, SendResult } from '../channels/channel.ts';
import type { Translate } from '../core/i18n.ts';
import type { Logger } from '../core/log.ts';
import type { Db } from '../core/store/store.ts';

export interface Turn {
  event: InboundEvent;
  language: string;
  t: Translate;
  db: Db;
  log: Logger;
  /** Sends a message to the chat the event came from. */
  reply(message: OutboundMessage): Promise<SendResult>;
  /** Sends a message to another chat on the same platform (an admin's, say). */
  sendTo(chatId: string, message: OutboundMessage): Promise<SendResult>;
}

export type Middleware = (turn: Turn, next: () => Promise<void>) => Promise<void>;

/** Runs `handlers` in order; each decides whether the next one runs. */
export function compose(...handlers: Middleware[]): Middleware {
  return async (turn, next) => {
    const run = async (index: number): Promise<void> => {
      if (index === handlers.length) return next();
      await handlers[index]!(turn, () => run(index + 1));
    };
    await run(0);
  };
}

/** Handles only turns for which `test` holds; others pass on. */
export function when(test: (turn: Turn) => boolean, handler: Middleware): Middleware {
  return (turn, next) => (test(turn) ? handler(turn, next) : next());
}

/** A send function on `channel`, logging what the platform refused. */
export function sender(channel: Channel, log: Logger) {
  return async (chatId: string, message: OutboundMessage): Promise<SendResult> => {
    const result = await channel.send({ chatId }, message);
    if (!result.ok) log.warn({ platform: channel.platform, chatId, error: result.error }, 'message not delivered');
    return result;
  };
}
