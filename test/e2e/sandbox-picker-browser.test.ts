/**
 * A picker in the sandbox chat, in a real browser (Debian's Chromium through playwright-core)
 * against the real `loaban start`: a question the bot cannot answer gets a short reply with a few
 * topics and "Xem tất cả chủ đề"; tapping it redraws that same message with every topic, instead
 * of adding a new one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startCli, type Running } from '../support/cli.ts';

describe('a picker in the sandbox changes in place', () => {
  let app: Running;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startCli({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-picker-')), PUBLIC_URL: '' }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await app?.stop()).toBe(0);
  });

  it('"Xem tất cả chủ đề" shows every topic in the same message', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${app.url}/sandbox`);
    await page.getByTestId('persona').selectOption({ index: 0 });
    await page.getByTestId('text').fill('giá phân bón năm nay tăng không');
    await page.getByTestId('text').press('Enter');

    const reply = page.locator('[data-testid="message"].bot', { hasText: 'chưa có câu trả lời' });
    await reply.waitFor({ timeout: 15_000 });
    const few = await reply.getByRole('button').count();
    expect(few).toBeLessThanOrEqual(7);
    const messages = await page.getByTestId('message').count();

    await reply.getByRole('button', { name: 'Xem tất cả chủ đề' }).click();
    const all = page.locator('[data-testid="message"].bot', { hasText: 'chủ đề nào' });
    await all.getByRole('button', { name: 'Tảo hôn' }).waitFor({ timeout: 15_000 });
    expect(await all.getByRole('button').count()).toBeGreaterThan(few);
    expect(await page.getByTestId('message').count()).toBe(messages);
    await context.close();
  });
});
