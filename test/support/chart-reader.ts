/**
 * Reads the letters of a /thongke chart back from its pixels: at a text line's place, each glyph
 * cell's pixels are matched against the chart's font, so a test sees what a person would read.
 */
import type { PNG } from 'pngjs';
import { glyphs, ink, textScale, type TextLine } from '../../src/features/admin/chart-image.ts';

/** The `line.text.length` characters drawn at `line`'s place ('?' for a cell that is no glyph of the font). */
export function readLine(image: PNG, line: TextLine): string {
  const inked = (x: number, y: number) => {
    const i = (image.width * y + x) * 4;
    return image.data[i] === ink[0] && image.data[i + 1] === ink[1] && image.data[i + 2] === ink[2];
  };
  const top = line.baseline - 9 * textScale;
  let text = '';
  for (let n = 0; n < [...line.text].length; n++) {
    const left = line.x + n * 6 * textScale;
    const rows = Array.from({ length: 10 }, (_, y) => Array.from({ length: 5 }, (_, x) => (inked(left + x * textScale, top + y * textScale) ? '#' : '.')).join(''));
    const found = Object.entries(glyphs).find(([, glyph]) => glyph.join('') === rows.join(''));
    text += found ? found[0] : '?';
  }
  return text;
}
