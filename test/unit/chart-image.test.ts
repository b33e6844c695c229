/**
 * The /thongke chart says what it shows: each bar's share above it and its quarter under it, read
 * back from the picture's pixels; the quarter labels of every language can be drawn.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawable, shareChartPng, textLayout, type ChartBar } from '../../src/features/admin/chart-image.ts';
import { translator } from '../../src/core/i18n.ts';
import { readLine } from '../support/chart-reader.ts';

describe('the /thongke chart', () => {
  it('writes each quarter under its bar and its share above it', () => {
    const t = translator('vi');
    const quarters = [[1, 2026], [2, 2026], [3, 2026], [4, 2026]] as const;
    const shares = [1, 0, null, 0.375];
    const bars: ChartBar[] = quarters.map(([quarter, year], i) => ({ share: shares[i]!, highlight: i === 3, label: [t('bot:admin.stats.chartQuarter', { quarter }), String(year)] }));
    const image = PNG.sync.read(shareChartPng(bars));
    const read = textLayout(bars).map((b) => ({ value: readLine(image, b.value), label: b.label.map((l) => readLine(image, l)) }));
    expect(read).toEqual([
      { value: '100%', label: ['Quý 1', '2026'] },
      { value: '0%', label: ['Quý 2', '2026'] },
      { value: '-', label: ['Quý 3', '2026'] },
      { value: '38%', label: ['Quý 4', '2026'] },
    ]);
  });

  it('has a glyph for every character of the quarter labels in every language', () => {
    for (const language of ['vi', 'en']) {
      const t = translator(language);
      for (const quarter of [1, 2, 3, 4]) expect(drawable(`${t('bot:admin.stats.chartQuarter', { quarter })} 2026`), language).toBe(true);
    }
  });
});
