/**
 * The sandbox channel: a local web chat where a person plays villager, leader or admin against
 * the real conversation code and database. Transcripts are kept in memory (the last messages of
 * each chat); everything the conversation stores goes to the database as on any platform.
 */
import { randomUUID } from 'node:crypto';
import type { Button, Channel, ChatKind, InboundEvent, InboundHandler, MessageRef, OutboundMessage, SendResult } from '../channel.ts';
import { parseCommand, splitText } from '../text.ts';

export const sandboxBotName = 'loaban';

export interface SandboxMessage {
  id: string;
  chatId: string;
  /** "bot", or the sandbox person who wrote. */
  from: 'bot' | { id: string; displayName: string };
  text: string;
  imageUrl?: string;
  buttons?: Button[][];
  at: string;
  /** When the bot last replaced this message (a picker changing in place). */
  editedAt?: string;
}

export interface SandboxInput {
  chatId: string;
  chatKind: ChatKind;
  chatTitle?: string;
  sender: { id: string; displayName: string };
  text?: string;
  buttonData?: string;
  /** The bot message whose button was tapped. */
  buttonMessageId?: string;
}

const keepPerChat = 200;

export class SandboxChannel implements Channel {
  readonly platform = 'sandbox' as const;
  readonly maxTextLength = 4096;
  private handler: InboundHandler | null = null;
  private readonly transcripts = new Map<string, SandboxMessage[]>();
  private readonly listeners = new Set<(message: SandboxMessage) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextUpdate = 1;

  async start(handler: InboundHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.handler = null;
    await Promise.allSettled([...this.inFlight]);
  }

  async send(target: { chatId: string }, message: OutboundMessage): Promise<SendResult> {
    const pieces = splitText(message.text, this.maxTextLength);
    if (!pieces) return { ok: false, error: { kind: 'invalid', reason: 'text has no place to split' }, sentMessageIds: [] };
    // A chart made here has no address: the web chat shows it inline, as a data: URL.
    const imageUrl = message.imageUrl ?? (message.image ? `data:image/png;base64,${message.image.png.toString('base64')}` : undefined);
    const ids = pieces.map((text, i) => {
      const last = i === pieces.length - 1;
      return this.record({
        chatId: target.chatId,
        from: 'bot',
        text,
        ...(i === 0 && imageUrl ? { imageUrl } : {}),
        ...(last && message.buttons ? { buttons: message.buttons } : {}),
      }).id;
    });
    return { ok: true, messageIds: ids };
  }

  /**
   * Replaces a bot message in the transcript (same id, new text and buttons) and tells the
   * listeners, so the web chat redraws it where it is: a picker changes in place, as on Telegram.
   */
  async edit(target: MessageRef, message: OutboundMessage): Promise<SendResult> {
    const list = this.transcripts.get(target.chatId) ?? [];
    const index = list.findIndex((m) => m.id === target.messageId && m.from === 'bot');
    const old = list[index];
    if (!old || message.imageUrl || message.image || message.text.length > this.maxTextLength) {
      return { ok: false, error: { kind: 'invalid', reason: 'this message cannot replace another' }, sentMessageIds: [] };
    }
    const { buttons: _old, ...kept } = old;
    const edited: SandboxMessage = { ...kept, text: message.text.trim(), ...(message.buttons?.length ? { buttons: message.buttons } : {}), editedAt: new Date().toISOString() };
    list[index] = edited;
    for (const listener of this.listeners) listener(edited);
    return { ok: true, messageIds: [edited.id] };
  }

  /** What a person typed or tapped in the web chat; resolves when the bot has answered. */
  async receive(input: SandboxInput): Promise<void> {
    if (!this.handler) throw new Error('sandbox channel is not started');
    const typed = input.text?.trim();
    if (typed) this.record({ chatId: input.chatId, from: input.sender, text: typed });
    const event: InboundEvent = {
      type: input.buttonData ? 'button' : 'message',
      platform: 'sandbox',
      updateId: `${Date.now()}-${this.nextUpdate++}`,
      chat: { id: input.chatId, kind: input.chatKind, ...(input.chatTitle ? { title: input.chatTitle } : {}) },
      sender: input.sender,
      at: new Date(),
      ...(typed ? { text: typed, command: parseCommand(typed, sandboxBotName), mentionsBot: new RegExp(`@${sandboxBotName}\\b`, 'i').test(typed) } : {}),
      ...(input.buttonData ? { buttonData: input.buttonData } : {}),
      ...(input.buttonData && input.buttonMessageId ? { buttonMessageId: input.buttonMessageId } : {}),
    };
    const work = this.handler(event);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** The last messages of a chat, oldest first. */
  transcript(chatId: string): SandboxMessage[] {
    return [...(this.transcripts.get(chatId) ?? [])];
  }

  /** Calls `listener` with every new message in any chat; returns the unsubscribe function. */
  subscribe(listener: (message: SandboxMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(message: Omit<SandboxMessage, 'id' | 'at'>): SandboxMessage {
    const full: SandboxMessage = { ...message, id: randomUUID(), at: new Date().toISOString() };
    const list = this.transcripts.get(message.chatId) ?? [];
    list.push(full);
    if (list.length > keepPerChat) list.splice(0, list.length - keepPerChat);
    this.transcripts.set(message.chatId, list);
    for (const listener of this.listeners) listener(full);
    return full;
  }
}
