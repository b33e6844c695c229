/**
 * The small bar chart /thongke sends beside its text: one bar per quarter, its height the share
 * of groups that reported, the current quarter darker, the share written above each bar ("50%")
 * and the quarter under it ("Quý 4" / "2026"). A PNG made with pngjs (pure JavaScript): a chat
 * shows it as a picture. pngjs draws no text, so the labels use the small bitmap font below, which
 * has only what the labels need (digits, %, -, /, and the letters of "Quý" and "Q");
 * `drawable(text)` says whether a label can be drawn.
 */
import { PNG } from 'pngjs';

export interface ChartBar {
  /** Share of groups that met the rule, 0–1; null when the quarter counted no group (no bar, "-" above). */
  share: number | null;
  /** Drawn in the stronger colour (the quarter running now). */
  highlight?: boolean;
  /** The lines under the bar, e.g. ["Quý 4", "2026"]. */
  label?: readonly string[];
}

type Rgb = readonly [number, number, number];

const white: Rgb = [255, 255, 255];
const guide: Rgb = [222, 226, 230];
const axis: Rgb = [73, 80, 87];
const bar: Rgb = [166, 196, 232];
const current: Rgb = [25, 113, 194];
const empty: Rgb = [206, 212, 218];
/** The colour of every letter and figure. */
export const ink: Rgb = [33, 37, 41];

export const chartSize = { width: 360, height: 260 } as const;
const margin = { left: 20, right: 20, top: 30, bottom: 52 } as const;

/**
 * The font: each glyph 5 × 10 cells, drawn `textScale` pixels a cell. Rows 0–1 hold accents,
 * rows 2–8 the letter or figure (its foot on row 8, the text's baseline), row 9 a descender.
 */
const main = (...rows: string[]) => ['.....', '.....', ...rows, '.....'];
export const glyphs: Readonly<Record<string, readonly string[]>> = {
  ' ': main('.....', '.....', '.....', '.....', '.....', '.....', '.....'),
  '0': main('.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'),
  '1': main('..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'),
  '2': main('.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'),
  '3': main('#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'),
  '4': main('...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'),
  '5': main('#####', '#....', '####.', '....#', '....#', '#...#', '.###.'),
  '6': main('..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'),
  '7': main('#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'),
  '8': main('.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'),
  '9': main('.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'),
  '%': main('##...', '##..#', '...#.', '..#..', '.#...', '#..##', '...##'),
  '-': main('.....', '.....', '.....', '#####', '.....', '.....', '.....'),
  '/': main('.....', '....#', '...#.', '..#..', '.#...', '#....', '.....'),
  Q: main('.###.', '#...#', '#...#', '#...#', '#.#.#', '#..#.', '.##.#'),
  u: main('.....', '.....', '#...#', '#...#', '#...#', '#..##', '.##.#'),
  y: ['.....', '.....', '.....', '.....', '#...#', '#...#', '#...#', '.####', '....#', '.###.'],
  '\u00fd': ['.....', '...#.', '..#..', '.....', '#...#', '#...#', '#...#', '.####', '....#', '.###.'],
};
/** Drawn for a character the font lacks: a hollow box, not silence (the tests keep the labels drawable). */
const missing = main('#####', '#...#', '#...#', '#...#', '#...#', '#...#', '#####');
export const textScale = 2;
/** Rows of a glyph above the baseline (0–8). */
const aboveBaseline = 9;
const advance = 6 * textScale;

/** Whether the font has every character of `text`. */
export const drawable = (text: string) => [...text].every((c) => c in glyphs);

/** The width in pixels `text` takes. */
export const textWidth = (text: string) => Math.max(0, [...text].length * advance - textScale);

/** The share written above a bar: "50%", or "-" when the quarter counted no group. */
export const shareText = (share: number | null) => (share === null ? '-' : `${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`);

/** Where each bar stands and how tall it is, in pixels of the chart area; pure. */
export function barLayout(bars: readonly ChartBar[], width = chartSize.width, height = chartSize.height) {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const slot = plotWidth / Math.max(bars.length, 1);
  const barWidth = Math.max(4, Math.round(slot * 0.6));
  const baseline = height - margin.bottom;
  return bars.map((b, i) => {
    const x = Math.round(margin.left + slot * i + (slot - barWidth) / 2);
    const share = b.share === null ? null : Math.min(1, Math.max(0, b.share));
    const barHeight = share === null ? 0 : Math.round(share * plotHeight);
    return { x, width: barWidth, top: baseline - barHeight, height: barHeight, baseline, plotTop: margin.top, share };
  });
}

/** A text line of the chart: its text, the left edge of its first glyph's cell and its baseline. */
export interface TextLine {
  text: string;
  x: number;
  baseline: number;
}

/** Where each bar's texts go: the share above the bar, the label's lines under the axis, each centred on the bar; pure. */
export function textLayout(bars: readonly ChartBar[]): { value: TextLine; label: TextLine[] }[] {
  return barLayout(bars).map((b, i) => {
    const centred = (text: string, baseline: number): TextLine => ({ text, x: Math.round(b.x + b.width / 2 - textWidth(text) / 2), baseline });
    const value = centred(shareText(b.share), (b.share === null ? b.baseline - 2 : b.top) - 2 * textScale);
    const label = (bars[i]!.label ?? []).map((line, n) => centred(line, b.baseline + 2 + (aboveBaseline + 2) * textScale + n * 10 * textScale));
    return { value, label };
  });
}

/** The chart as PNG bytes. */
export function shareChartPng(bars: readonly ChartBar[]): Buffer {
  const { width, height } = chartSize;
  const png = new PNG({ width, height, colorType: 2 });
  const fill = (x0: number, y0: number, w: number, h: number, [r, g, b]: Rgb) => {
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + w); x++) {
        const i = (width * y + x) << 2;
        png.data[i] = r;
        png.data[i + 1] = g;
        png.data[i + 2] = b;
        png.data[i + 3] = 255;
      }
    }
  };
  const write = ({ text, x, baseline }: TextLine) => {
    const top = baseline - aboveBaseline * textScale;
    [...text].forEach((c, n) => {
      const glyph = glyphs[c] ?? missing;
      const left = x + n * advance;
      glyph.forEach((row, y) => [...row].forEach((cell, col) => cell === '#' && fill(left + col * textScale, top + y * textScale, textScale, textScale, ink)));
    });
  };
  fill(0, 0, width, height, white);
  const layout = barLayout(bars);
  const plotHeight = height - margin.top - margin.bottom;
  const baseline = height - margin.bottom;
  // Guide lines at 25 %, 50 %, 75 % and 100 %.
  for (const quarter of [0.25, 0.5, 0.75, 1]) fill(margin.left, baseline - Math.round(quarter * plotHeight), width - margin.left - margin.right, 1, guide);
  for (const [i, b] of layout.entries()) {
    if (b.share === null) fill(b.x, baseline - 2, b.width, 2, empty);
    else fill(b.x, b.top, b.width, b.height, bars[i]!.highlight ? current : bar);
  }
  fill(margin.left, baseline, width - margin.left - margin.right, 2, axis);
  for (const texts of textLayout(bars)) for (const line of [texts.value, ...texts.label]) write(line);
  return PNG.sync.write(png);
}
