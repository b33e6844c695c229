/**
 * Zalo's failures, mapped at the edge to the `SendError` the rest of Loa Bản acts on, so nothing
 * upstream reads Zalo JSON. Zalo answers `{ ok: false, error_code, description }`; whether the
 * HTTP status carries the code too is undocumented, so the body's `error_code` is read first and
 * the HTTP status is the fallback (a gateway's HTML 502 has no body code).
 */
import { isAxiosError } from 'axios';
import { redactText } from '../../core/redact.ts';
import type { SendError } from '../channel.ts';

/** One Zalo API call, read: its `result`, or the failure with Zalo's code (null when there was no answer). */
export type ZaloOutcome = { ok: true; result: unknown } | { ok: false; code: number | null; error: SendError };

/** The poll answer that means "nothing new": normal, not an error. */
export const emptyPollCode = 408;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** The JSON body of an answer (axios hands over a string when the body is not JSON). */
function bodyOf(data: unknown): Record<string, unknown> | null {
  if (isRecord(data)) return data;
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * A retry hint in milliseconds, if the answer has one. Zalo documents none; Telegram-style
 * `parameters.retry_after`, a top-level `retry_after` (seconds) and a Retry-After header are read
 * in case it starts sending one.
 */
function retryHintMs(body: Record<string, unknown> | null, headers: Record<string, unknown>): number | null {
  const parameters = isRecord(body?.parameters) ? body.parameters : {};
  const seconds = toNumber(parameters.retry_after) ?? toNumber(body?.retry_after) ?? toNumber(headers['retry-after']);
  if (seconds !== null && seconds >= 0) return Math.round(seconds * 1000);
  const date = typeof headers['retry-after'] === 'string' ? Date.parse(headers['retry-after']) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : null;
}

/** The SendError for a Zalo error code (an HTTP status when the body had none). */
export function errorForCode(code: number, text: string, retryAfterMs: number): SendError {
  // Zalo's description may repeat what it was sent: never store a secret from it.
  const description = redactText(text).slice(0, 300);
  if (code === 429) return { kind: 'throttled', retryAfterMs, reason: description };
  // Blocked, unfollowed, not allowed to message this person: never retry this chat.
  if (code === 403) return { kind: 'stopped', reason: description };
  if (code === 408 || code >= 500) return { kind: 'transient', reason: description };
  // 400 (bad request, text length), 401 (bad token), 404 (unknown method) and codes Zalo never
  // explained: retrying the same call cannot help.
  return { kind: 'invalid', reason: description };
}

/** Reads one HTTP answer from Zalo. */
export function readAnswer(
  status: number,
  data: unknown,
  headers: Record<string, unknown>,
  defaultRetryAfterMs: number,
): ZaloOutcome {
  const body = bodyOf(data);
  const httpOk = status >= 200 && status < 300;
  if (httpOk && body?.ok === true) return { ok: true, result: body.result };
  const bodyCode = toNumber(body?.error_code);
  // A code outside the HTTP range (Zalo's own numbering) says less than an HTTP error status.
  const code = bodyCode !== null && ((bodyCode >= 100 && bodyCode < 600) || httpOk) ? bodyCode : httpOk ? null : status;
  const description =
    typeof body?.description === 'string' && body.description !== '' ? body.description : `HTTP ${status}${bodyCode !== null ? `, error_code ${bodyCode}` : ''}`;
  if (code === null) return { ok: false, code: null, error: { kind: 'transient', reason: redactText(`unreadable answer: ${description}`).slice(0, 300) } };
  return { ok: false, code, error: errorForCode(code, description, retryHintMs(body, headers) ?? defaultRetryAfterMs) };
}

/** A call that got no answer: network errors, timeouts, an aborted request. Always transient. */
export function requestFailure(error: unknown): ZaloOutcome {
  let reason: string;
  if (isAxiosError(error)) {
    if (error.code === 'ERR_CANCELED') reason = 'request cancelled';
    else if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') reason = `timeout: ${error.message}`;
    else reason = `${error.code ?? 'network error'}: ${error.message}`;
  } else {
    reason = error instanceof Error ? error.message : String(error);
  }
  // Never the axios error itself: its config holds the URL, and the URL holds the bot token.
  return { ok: false, code: null, error: { kind: 'transient', reason: redactText(reason).slice(0, 300) } };
}
