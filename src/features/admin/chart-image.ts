/**
 * The small bar chart /thongke sends beside its text: one bar per quarter, its height the share
 * of groups that reported, the current quarter darker. Bars and guide lines only, no lettering:
 * the figures are in the message text, which is complete without the picture. A PNG made with
 * pngjs (pure JavaScript).
 */
import { PNG } from 'pngjs';

export interface ChartBar {
  /** Share of groups that met the rule, 0–1; null when the quarter counted no group (no bar). */
  share: number | null;
  /** Drawn in the stronger colour (the quarter running now). */
  highlight?: boolean;
}

type Rgb = readonly [number, number, number];

const white: Rgb = [255, 255, 255];
const guide: Rgb = [222, 226, 230];
const axis: Rgb = [73, 80, 87];
const bar: Rgb = [166, 196, 232];
const current: Rgb = [25, 113, 194];
const empty: Rgb = [206, 212, 218];

export const chartSize = { width: 360, height: 220 } as const;
const margin = { left: 20, right: 20, top: 16, bottom: 20 } as const;

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
  return PNG.sync.write(png);
}
