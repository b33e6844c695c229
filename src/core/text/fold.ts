/**
 * Vietnamese text as people type it on phones, brought to one comparable form: Unicode NFC,
 * lower case, tone marks and the đ stroke optional, punctuation and control characters gone.
 */

/** Removes tone and vowel marks and maps đ to d: "Xin chào, Đường" → "Xin chao, Duong". */
export function stripMarks(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Lower case, no marks, letters and digits only, single spaces: the form used for matching. */
export function foldText(text: string): string {
  return stripMarks(text.normalize('NFC').toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Lower case, tone marks and the đ stroke removed, control characters as spaces, invisible
 * format characters dropped; punctuation kept, for reading dates and quarters: "Ngày 12/3" → "ngay 12/3".
 */
export function plainText(text: string): string {
  return stripMarks(String(text).normalize('NFC').toLowerCase())
    .replace(/\p{Cf}/gu, '')
    .replace(/\p{Cc}/gu, ' ');
}
