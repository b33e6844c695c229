/**
 * Numbers written in words as Vietnamese speaks them ("bốn mươi lăm", "hai mốt", "một trăm linh
 * năm", "trăm rưỡi", "hai nghìn ba"): the grammar is here, the words come from content
 * (content/reports.yaml `numbers`), folded (no marks, lower case).
 */

/** The words of each role in a spoken number, folded. */
export interface NumberWords {
  /** 0–9. */
  digitWords: ReadonlyMap<string, number>;
  /** The digits and the other forms of a unit after a tens word ("tư" 4, "lăm" 5). */
  unitWords: ReadonlyMap<string, number>;
  /** "mười" / "mươi": both fold to one word. */
  tensWord: string;
  hundredWord: string;
  thousandWords: ReadonlySet<string>;
  /** "linh", "lẻ": a hundred and no tens ("một trăm linh năm" = 105). */
  zeroTensWords: ReadonlySet<string>;
  /** "rưỡi": and a half of the scale before it ("trăm rưỡi" = 150). */
  halfWord: string;
}

/**
 * A number written in folded words, from "không" to "mười nghìn" and beyond, or null when the
 * words are not one. Spoken shortcuts count: "hai mốt" = 21, "một trăm hai" =
 * 120, "hai nghìn ba" = 2,300, "trăm rưỡi" = 150.
 */
export function numberFromWords(words: readonly string[], grammar: NumberWords): number | null {
  const { digitWords, unitWords, thousandWords, hundredWord, tensWord, zeroTensWords, halfWord } = grammar;
  let i = 0;
  const unitAt = (j: number) => {
    const u = unitWords.get(words[j] ?? '');
    return u !== undefined && u > 0 ? u : undefined;
  };
  /** 0–99: "mười", "mười lăm", "hai mươi mốt", "hai mốt", "bảy". */
  const belowHundred = (): number | null => {
    if (words[i] === tensWord) {
      i++;
      const u = unitAt(i);
      if (u === undefined) return 10;
      i++;
      return 10 + u;
    }
    const d = digitWords.get(words[i] ?? '');
    if (d === undefined) return null;
    i++;
    if (d >= 2 && words[i] === tensWord) {
      i++;
      const u = unitAt(i);
      if (u === undefined) return d * 10;
      i++;
      return d * 10 + u;
    }
    const u = unitAt(i);
    const next = words[i + 1];
    if (d >= 2 && u !== undefined && next !== hundredWord && !thousandWords.has(next ?? '')) {
      i++;
      return d * 10 + u; // "hai mốt", "ba lăm"
    }
    return d;
  };
  /** What follows a hundreds or thousands word, whose value is `scale`. */
  const rest = (scale: number, below: () => number | null): number | null => {
    const w = words[i];
    if (w === undefined) return 0;
    if (w === halfWord) return i++, scale / 2;
    if (zeroTensWords.has(w)) {
      i++;
      const u = unitAt(i);
      return u === undefined ? null : (i++, u);
    }
    const start = i;
    const value = below();
    if (value === null) return null;
    const lone = i === start + 1 && digitWords.has(words[start]!);
    return lone ? value * (scale / 10) : value; // "một trăm hai" = 120
  };
  /** 0–999. */
  const belowThousand = (): number | null => {
    let hundreds: number | undefined;
    if (words[i] === hundredWord) hundreds = 1;
    else if (words[i + 1] === hundredWord) hundreds = digitWords.get(words[i]!);
    if (hundreds === undefined) return belowHundred();
    i += words[i] === hundredWord ? 1 : 2;
    if (thousandWords.has(words[i] ?? '')) return hundreds * 100;
    const tail = rest(100, belowHundred);
    return tail === null ? null : hundreds * 100 + tail;
  };

  let value = thousandWords.has(words[0] ?? '') ? 1 : belowThousand();
  if (value === null) return null;
  if (thousandWords.has(words[i] ?? '')) {
    i++;
    const tail = rest(1000, belowThousand);
    if (tail === null) return null;
    value = value * 1000 + tail;
  }
  return i === words.length && words.length > 0 ? value : null;
}
