/**
 * Every way a Telegram call can fail, mapped to the SendError the outbox understands. The reason
 * kept is redacted: telegraf puts the request's address, and so the bot token, in the message of
 * an answer that is not JSON (a gateway's HTML page).
 */
import { TelegramError } from 'telegraf';
import { redactText } from '../../core/redact.ts';
import type { SendError } from '../channel.ts';

const goneChat = /chat not found|user not found|bot was kicked|bot was blocked|user is deactivated|peer_id_invalid|have no rights to send/i;

export function toSendError(error: unknown): SendError {
  const mapped = mapError(error);
  return { ...mapped, reason: redactText(mapped.reason).slice(0, 300) };
}

function mapError(error: unknown): SendError {
  if (error instanceof TelegramError) {
    const reason = `${error.code} ${error.description}`;
    const moved = error.parameters?.migrate_to_chat_id;
    if (moved) return { kind: 'chatMoved', newChatId: String(moved), reason };
    if (error.code === 429) return { kind: 'throttled', retryAfterMs: Math.max(1, error.parameters?.retry_after ?? 1) * 1000, reason };
    if (error.code === 403 || (error.code === 400 && goneChat.test(error.description))) return { kind: 'stopped', reason };
    if (error.code >= 500) return { kind: 'transient', reason };
    return { kind: 'invalid', reason };
  }
  const e = error as { name?: string; code?: string; message?: string };
  // Network failures, timeouts (AbortError), answers that are not JSON (a gateway's HTML page).
  return { kind: 'transient', reason: [e?.name, e?.code, e?.message].filter(Boolean).join(' ').slice(0, 300) || String(error) };
}
