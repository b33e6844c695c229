/**
 * The safety reply as a villager sees it on a phone: the sandbox chat in a real browser (Debian's
 * Chromium through playwright-core) at 390 × 844 against the real `loaban start`. The reply to
 * "ck e dang danh e" fits one screen with its buttons; "Xem thêm nơi giúp đỡ" opens the rest.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startCli, type Running } from '../support/cli.ts';

const phone = { width: 390, height: 844 };

// A missing Chromium fails the run with how to install it (.ci/run installs it).
describe('the safety reply on a phone', () => {
  let app: Running;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startCli({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-safety-')), PUBLIC_URL: '' }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await app?.stop()).toBe(0);
  });

  it('fits one screen with the call-back and "Xem thêm nơi giúp đỡ" buttons; the button opens every place of help', async () => {
    const context = await browser.newContext({ viewport: phone, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${app.url}/sandbox`);
    // The first persona is a villager of Bản Nà Hìn, in her private chat.
    await page.getByTestId('persona').selectOption({ index: 0 });
    await page.getByTestId('text').fill('ck e dang danh e');
    await page.getByTestId('text').press('Enter');

    const reply = page.locator('[data-testid="message"].bot', { hasText: 'Bạn đang bị đánh' });
    await reply.waitFor({ timeout: 15_000 });
    await reply.scrollIntoViewIfNeeded();
    const box = (await reply.boundingBox())!;
    // The whole reply, buttons included, is shorter than the phone's screen.
    expect(box.height).toBeLessThan(phone.height - 120);
    const buttons = reply.getByRole('button');
    expect(await buttons.allInnerTexts()).toEqual(['Nhờ cán bộ Hội Phụ nữ liên hệ với tôi', 'Xem thêm nơi giúp đỡ']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(tmpdir(), 'loaban-safety-reply-390.png') });

    await reply.getByRole('button', { name: 'Xem thêm nơi giúp đỡ' }).click();
    await page.locator('[data-testid="message"].bot', { hasText: 'Nhà bà Lò Thị Mai (DEMO)' }).waitFor({ timeout: 15_000 });
    await context.close();
  });
});
