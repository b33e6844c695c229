/**
 * One inbound event on its way through the conversation: who wrote, in which language we
 * answer, and `reply` to answer in the same chat. Handlers are middleware over a Turn,
 * composed into a tree like grammY's composer: each either handles the turn or calls `next`.
 */
import type { Channel, InboundEvent, OutboundMessage, SendResult } from '../channels/channel.ts';
import type { Translate } from '../core/i18n.ts';
import type { Logger } from '../core/log.ts';
import type { FlowState, Place } from '../core/store/arrival.ts';
import type { Db } from '../core/store/store.ts';

export interface Turn {
  event: InboundEvent;
  /** The sender as we know them when the event came (null: never met); `leads`: they lead or deputise a group. */
  person: { id: number; leads: boolean } | null;
  /** The sender's flow in this chat (a report being filled in) as the event found it; null when none. */
  flow: FlowState | null;
  /** Where the sender lives as the event found it (arrival.ts), nearest first: the hotlines of their area. */
  places: Place[];
  language: string;
  t: Translate;
  db: Db;
  log: Logger;
  /** Sends a message to the chat the event came from. */
  reply(message: OutboundMessage): Promise<SendResult>;
  /** Sends a message to another chat on the same platform (an admin's, say). */
  sendTo(chatId: string, message: OutboundMessage): Promise<SendResult>;
  /**
   * The next screen of a picker: replaces the message whose button was tapped where the platform
   * can edit (Telegram, the sandbox); otherwise, or when that message cannot be replaced, sends it
   * as `reply` does.
   */
  update(message: OutboundMessage): Promise<SendResult>;
  /** Whether this chat's messages can change in place; where not (Zalo), pickers are one numbered list. */
  canEdit: boolean;
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

/**
 * An update function on `channel` for one event: edits the tapped message where the channel can,
 * and sends anew when it cannot, the edit is refused as `invalid`, or the platform could not be
 * reached for it (`transient`): a second copy of a picker is better than a tap left unanswered.
 */
export function updater(channel: Channel, log: Logger, event: InboundEvent) {
  const send = sender(channel, log);
  return async (message: OutboundMessage): Promise<SendResult> => {
    const messageId = event.type === 'button' ? event.buttonMessageId : undefined;
    if (!channel.edit || !messageId) return send(event.chat.id, message);
    const result = await channel.edit({ chatId: event.chat.id, messageId }, message);
    if (result.ok || (result.error.kind !== 'invalid' && result.error.kind !== 'transient')) {
      if (!result.ok) log.warn({ platform: channel.platform, error: result.error }, 'message not edited');
      return result;
    }
    return send(event.chat.id, message);
  };
}

/** A send function on `channel`, logging what the platform refused. */
export function sender(channel: Channel, log: Logger) {
  return async (chatId: string, message: OutboundMessage): Promise<SendResult> => {
    const result = await channel.send({ chatId }, message);
    if (!result.ok) log.warn({ platform: channel.platform, chatId, error: result.error }, 'message not delivered');
    return result;
  };
}
