/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
 * `loaban start` in sandbox mode with the demo data: a commune admin asks the bot for a link,
 * logs in, sees her commune, finds the groups that have not reported, is refused another
 * commune, logs out, and the used link says so.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type Running } from '../support/cli.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);

const admin = { personaKey: 'demo-admin-hoa-ban', chatId: 'private:demo-admin-hoa-ban' };

async function botSays(url: string, who: { personaKey: string; chatId: string }, text: string): Promise<string> {
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who, text }) });
  expect(sent.status).toBe(200);
  const transcript = (await (await fetch(`${url}/sandbox/api/transcript?chatId=${encodeURIComponent(who.chatId)}`)).json()) as { from: unknown; text: string }[];
  return transcript.filter((m) => m.from === 'bot').at(-1)!.text;
}

// A missing Chromium fails the run with how to install it (.ci/run installs it).
describe('the dashboard in Chromium', () => {
  let app: Running;
  let browser: Browser;

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    // PUBLIC_URL empty: links point at this very server.
    app = await startCli({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-admin-')), PUBLIC_URL: '' }, 120_000);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await app?.stop()).toBe(0);
  });

  it('a commune admin logs in by the link from /dangnhap, sees her commune, is refused another, logs out; the link then says it was used', async () => {
    // The province admin (sandbox login page) finds the other commune's number in the filter.
    const provinceContext = await browser.newContext();
    const provincePage = await provinceContext.newPage();
    await provincePage.goto(`${app.url}/admin/login`);
    await provincePage.getByRole('button', { name: /Cán bộ Hội LHPN tỉnh/ }).click();
    await provincePage.waitForURL(`${app.url}/admin`);
    await provincePage.getByRole('link', { name: 'Báo cáo theo quý' }).click();
    const otherCommune = await provincePage.locator('select#area option', { hasText: 'Suối Mây' }).getAttribute('value');
    expect(otherCommune).toMatch(/^\d+$/);
    await provinceContext.close();

    // The commune admin asks the bot for a link in her private chat.
    const reply = await botSays(app.url, admin, '/dangnhap');
    const link = /http:\/\/\S+\/admin\/login\/[A-Za-z0-9_-]{43}/.exec(reply)?.[0];
    expect(link, reply).toBeDefined();

    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Vào trang quản trị' }).click();
    await page.waitForURL(`${app.url}/admin`);
    expect(await page.locator('h1').innerText()).toContain('Tổng quan');
    const overview = await page.locator('main').innerText();
    for (const village of ['Nà Hìn', 'Co Mị', 'Huổi Sớ', 'Pá Ca']) expect(overview).toContain(village);
    expect(overview).not.toContain('Tà Làng');
    expect(overview).toContain('Hoạt động: tổ đã báo cáo ít nhất một buổi sinh hoạt của quý này');
    // Usable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await page.getByRole('link', { name: 'Báo cáo theo quý' }).click();
    await page.waitForURL(/\/admin\/compliance$/);
    // This quarter is the first column after the group's name.
    expect(await page.locator('#compliance thead th').nth(1).innerText()).toContain('đang diễn ra');
    const naHin = page.locator('#compliance tbody tr', { hasText: 'Nà Hìn' });
    expect(await naHin.locator('td').nth(1).innerText()).toBe('Chưa báo cáo');
    expect(await page.locator('#compliance tbody tr').count()).toBe(4);
    expect(await page.locator('svg.chart rect').count()).toBe(8);

    const refused = await page.goto(`${app.url}/admin/compliance?area=${otherCommune}`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain('Bạn không có quyền xem địa bàn này');

    await page.goto(`${app.url}/admin`);
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.waitForURL(`${app.url}/admin/login?out=1`);
    expect(await page.locator('main').innerText()).toContain('Bạn đã đăng xuất');
    const afterLogout = await page.goto(`${app.url}/admin`);
    expect(afterLogout?.url()).toBe(`${app.url}/admin/login`);

    const reused = await page.goto(link!);
    expect(reused?.status()).toBe(410);
    expect(await page.locator('h1').innerText()).toBe('Liên kết đã được dùng');
    expect(await page.locator('main').innerText()).toContain('nhắn /dangnhap');
    await context.close();
  }, 120_000);
});
