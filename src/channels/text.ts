/** Text helpers every channel shares: splitting over-long messages and reading commands. */

const levels: { split: (text: string) => string[]; join: string }[] = [
  { split: (t) => t.split(/\n{2,}/), join: '\n\n' },
  { split: (t) => t.split('\n'), join: '\n' },
  { split: (t) => t.split(/(?<=[.!?…;:])\s+/u), join: ' ' },
  { split: (t) => t.split(/\s+/u), join: ' ' },
];

function splitAt(text: string, max: number, level: number): string[] | null {
  if (text.length <= max) return [text];
  const rule = levels[level];
  if (!rule) return null;
  const chunks: string[] = [];
  let current = '';
  for (const part of rule.split(text).map((p) => p.trim()).filter(Boolean)) {
    const candidate = current ? current + rule.join + part : part;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    if (current) chunks.push(current);
    current = '';
    if (part.length <= max) {
      current = part;
      continue;
    }
    const pieces = splitAt(part, max, level + 1);
    if (!pieces) return null;
    chunks.push(...pieces.slice(0, -1));
    current = pieces.at(-1) ?? '';
  }
  if (current) chunks.push(current);
  return chunks;
}

/**
 * Splits `text` into pieces of at most `max` characters, in order, on paragraph, line,
 * sentence or word boundaries (the largest that fits). Null when a single word is longer
 * than `max`: there is no place to split.
 */
export function splitText(text: string, max: number): string[] | null {
  return splitAt(text.trim(), max, 0);
}

/**
 * Reads "/baocao@loaban_bot 12/3 họp thôn" as { name: "baocao", args: "12/3 họp thôn" }.
 * A command addressed to another bot (@otherbot) is not ours: null.
 */
export function parseCommand(text: string | undefined, botUsername?: string): { name: string; args: string } | undefined {
  const match = /^\/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+([\s\S]*))?$/.exec(text?.trim() ?? '');
  if (!match) return undefined;
  if (match[2] && botUsername && match[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name: match[1]!.toLowerCase(), args: (match[3] ?? '').trim() };
}

/** Longest inbound text kept: a chat message, not a document (Telegram's own limit). */
export const maxInboundChars = 4096;

/**
 * What a person sent, safe to store, compare and show: control characters other than new lines
 * and tabs removed (NUL breaks PostgreSQL), bidi embeddings, overrides and isolates removed (they
 * turn shown text around), zero-width spaces and byte-order marks removed, and cut to
 * `maxInboundChars`.
 */
export function cleanInboundText(text: string, max = maxInboundChars): string {
  const cleaned = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/g, '');
  return cleaned.length > max ? cleaned.slice(0, max) : cleaned;
}
