/**
 * What one `OutboundMessage` becomes on Zalo: the text pieces to send, in order. Zalo has no
 * buttons, so buttons become numbered lines ("1. Label") and a hint, appended to the last piece or,
 * when that would not fit, sent as a message of their own. Pure: no I/O.
 */
import type { Button } from '../channel.ts';
import { splitText } from '../text.ts';

/** The numbered list for `buttons`, ending with `hint`. */
export function numberedChoices(buttons: Button[], hint: string): string {
  return [...buttons.map((button, i) => `${i + 1}. ${button.label}`), hint].join('\n');
}

/**
 * The texts to send for `text` and `buttons`, each at most `max` characters; empty when there is
 * nothing to say. Null when a word is longer than `max` (no place to split).
 */
export function renderPieces(text: string, buttons: Button[], hint: string, max: number): string[] | null {
  const pieces = text.trim() === '' ? [] : splitText(text, max);
  if (!pieces) return null;
  if (buttons.length === 0) return pieces;
  const list = numberedChoices(buttons, hint);
  const last = pieces.at(-1);
  if (last !== undefined && last.length + 2 + list.length <= max) return [...pieces.slice(0, -1), `${last}\n\n${list}`];
  const listPieces = splitText(list, max);
  return listPieces ? [...pieces, ...listPieces] : null;
}
