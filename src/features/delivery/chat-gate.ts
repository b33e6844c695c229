/**
 * Per-chat speed limits, kept in memory: at most `perChatPerSecond` messages a second to one
 * chat, at most `perGroupPerMinute` a minute to one group, and a chat the platform throttled
 * waits as long as it was told. The platform-wide limit is the shared slot clock (rate-clock.ts) and,
 * where the platform counts it, the send window (send-window.ts).
 * Pure arithmetic over the times given; nothing here sleeps.
 */
import type { RateLimits } from '../../core/config.ts';

interface ChatState {
  /** Send times (ms) within the last minute, oldest first. */
  sent: number[];
  /** Told by the platform to wait until then. */
  blockedUntil: number;
}

export class ChatGate {
  private readonly chats = new Map<string, ChatState>();

  constructor(private readonly limits: RateLimits) {}

  private state(chatId: string): ChatState {
    let state = this.chats.get(chatId);
    if (!state) this.chats.set(chatId, (state = { sent: [], blockedUntil: 0 }));
    return state;
  }

  /** The earliest time (ms, ≥ `now`) a message may go to `chatId`. */
  nextAllowed(chatId: string, isGroup: boolean, now: number): number {
    const state = this.chats.get(chatId);
    if (!state) return now;
    let allowed = Math.max(now, state.blockedUntil);
    const last = state.sent.at(-1);
    if (last !== undefined) allowed = Math.max(allowed, last + 1000 / this.limits.perChatPerSecond);
    const perMinute = this.limits.perGroupPerMinute;
    if (isGroup && perMinute !== null) {
      const recent = state.sent.filter((t) => t > now - 60_000);
      if (recent.length >= perMinute) allowed = Math.max(allowed, recent[recent.length - perMinute]! + 60_000);
    }
    return allowed;
  }

  /** Notes a message sent to `chatId` at `now`. */
  record(chatId: string, now: number): void {
    const state = this.state(chatId);
    state.sent.push(now);
    while (state.sent.length > 0 && state.sent[0]! <= now - 60_000) state.sent.shift();
  }

  /** The platform asked us to wait before writing to `chatId` again. */
  block(chatId: string, until: number): void {
    const state = this.state(chatId);
    state.blockedUntil = Math.max(state.blockedUntil, until);
  }

  /** Forgets chats with nothing recent, so memory stays bounded on long runs. */
  prune(now: number): void {
    for (const [chatId, state] of this.chats) {
      if (state.blockedUntil <= now && (state.sent.at(-1) ?? 0) <= now - 60_000) this.chats.delete(chatId);
    }
  }
}
