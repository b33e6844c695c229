/**
 * Secrets never leave the process: bot tokens (also inside an API address, "…/bot<token>/…"),
 * webhook secrets, passwords in database addresses and one-time login links are replaced by
 * "[hidden]" in every log line (see log.ts), every failure reason stored for a delivery (the
 * channels' error mapping) and so every page that shows one. The shapes are recognised whatever
 * the configuration; the configured values themselves are remembered once at start (`keepSecret`).
 */

export const hidden = '[hidden]';

/** Shapes of secrets: each match's group 1 (when present) is kept, the rest hidden. */
const shapes: RegExp[] = [
  // A Bot API address: https://api.telegram.org/bot123:AA…/sendMessage, …/bot<zalo token>/…
  /(\/bot)[^/\s"'?#]{6,}/g,
  // A Telegram token on its own: 123456789:AA… (Zalo's are {bot_id}:{secret} too).
  /()\b\d{5,}:[A-Za-z0-9_-]{16,}/g,
  // The password of an address: postgresql://user:password@host
  /(:\/\/[^:/@\s]+:)[^@/\s]+(?=@)/g,
  // A one-time login link of the dashboard.
  /(\/admin\/login\/)[A-Za-z0-9_-]{16,}/g,
];

const known = new Set<string>();

/** Remembers a configured secret so that it is hidden wherever it appears. Short values are too common to hide. */
export function keepSecret(value: string | null | undefined): void {
  if (value && value.length >= 8) known.add(value);
}

/** `text` with every secret hidden. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(hidden);
  for (const shape of shapes) out = out.replace(shape, (_m, keep: string | undefined) => `${keep ?? ''}${hidden}`);
  return out;
}
