/**
 * Every dashboard page and the sandbox on a 390 × 844 phone, in a real browser (Debian's Chromium
 * through playwright-core) against the real `loaban start` in sandbox mode with the demo data and
 * one of each thing a page lists (a report, an unanswered question, a schedule, a broadcast, an
 * invite). On every page nothing is wider than the screen, no word in a table is cut across
 * lines or sticks out of its cell, and a table that scrolls sideways says so. Screenshots go to
 * the temporary folder's loaban-phone-shots (or LOABAN_SHOTS) to look at.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { runCli, startCli, type Running } from '../support/cli.ts';

const phone = { width: 390, height: 844 };
const shots = process.env.LOABAN_SHOTS ?? path.join(tmpdir(), 'loaban-phone-shots');

const leader = { personaKey: 'leader-demo-hoa-ban-na-hin', chatId: 'private:leader-demo-hoa-ban-na-hin' };
const villager = { personaKey: 'villager-demo-hoa-ban-co-mi', chatId: 'private:villager-demo-hoa-ban-co-mi' };

interface Said {
  from: unknown;
  text: string;
  buttons?: { label: string; data: string }[][];
}

/** Sends as `who` in the sandbox (text or a tapped button) and returns the bot's last message. */
async function exchange(url: string, who: { personaKey: string; chatId: string }, input: { text: string } | { buttonData: string }): Promise<Said> {
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who, ...input }) });
  expect(sent.status).toBe(200);
  const transcript = (await (await fetch(`${url}/sandbox/api/transcript?chatId=${encodeURIComponent(who.chatId)}`)).json()) as Said[];
  return transcript.filter((m) => m.from === 'bot').at(-1)!;
}

/**
 * What does not fit on the page, as sentences (none: it reads on this screen): the page wider than
 * the viewport; a word of a table cell split across lines or sticking out of its cell (text an
 * element breaks anywhere on purpose, `word-break: break-all`, aside); a box that scrolls sideways
 * without a visible hint just before it.
 */
function misfits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page is ${root.scrollWidth} px wide in a ${root.clientWidth} px screen`);
    for (const cell of Array.from(document.querySelectorAll('td, th'))) {
      const box = cell.getBoundingClientRect();
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        if (getComputedStyle(node.parentElement!).wordBreak === 'break-all') continue;
        // Words as a line may break them: between spaces, and after a hyphen ("demo-admin").
        for (const word of node.data.matchAll(/[^\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
          if (rects.length === 0) continue; // not shown
          const lines = new Set(rects.map((r) => Math.round(r.bottom)));
          const whole = range.getBoundingClientRect();
          if (lines.size > 1) found.push(`"${word[0]}" is split over ${lines.size} lines in a ${Math.round(box.width)} px cell`);
          else if (whole.left < box.left - 1 || whole.right > box.right + 1) found.push(`"${word[0]}" (${Math.round(whole.width)} px) sticks out of its ${Math.round(box.width)} px cell`);
        }
      }
    }
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const style = getComputedStyle(el);
      if (!/auto|scroll/.test(style.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
      const hint = el.previousElementSibling;
      const hinted = hint?.classList.contains('scroll-hint') && hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === 'visible';
      if (!hinted) found.push(`<${el.tagName.toLowerCase()} class="${el.className}"> scrolls sideways (${el.scrollWidth} px in ${el.clientWidth} px) without a visible hint before it`);
    }
    return found;
  });
}

/** Looks at the page in the browser as it is now: its misfits (expected none), and a screenshot named `name`. */
async function look(page: Page, name: string, fullPage = true): Promise<{ name: string; misfits: string[] }> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
  return { name, misfits: await misfits(page) };
}

// A missing Chromium fails the run with how to install it (.ci/run installs it).
describe('the dashboard and the sandbox on a 390 px phone', () => {
  let app: Running;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    dataDir = mkdtempSync(path.join(tmpdir(), 'loaban-phone-'));
    // QUIET_HOURS off: "send now" goes out whatever the hour the test runs at.
    app = await startCli({ DATA_DIR: dataDir, PUBLIC_URL: '', QUIET_HOURS: 'off' }, 120_000);

    // One of each thing a page lists: a report, a question the bot could not answer, a schedule for later.
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit' }).format(new Date());
    const summary = await exchange(app.url, leader, { text: `/baocao ${today} san khau hoa; tao hon; 30 nguoi, 20 nu, 25 dtts; tai nha van hoa` });
    const confirm = summary.buttons?.flat().find((b) => b.label === '✅ Xác nhận');
    expect(confirm, summary.text).toBeDefined();
    expect((await exchange(app.url, leader, { buttonData: confirm!.data })).text).toContain('Đã lưu báo cáo');
    await exchange(app.url, villager, { text: 'giá phân bón năm nay tăng không' });
    const nextYear = new Date().getFullYear() + 1;
    const added = await runCli(['schedule', 'add', '--content', 'action-month-opening', '--at', `${nextYear}-01-05 08:00`, '--area', 'Xã Hoa Ban (DEMO)'], { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    expect(added.code, added.stderr).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    expect(await app?.stop()).toBe(0);
  });

  const onPhone = (): Promise<BrowserContext> => browser.newContext({ viewport: phone, isMobile: true, hasTouch: true });

  it('every page of the province admin fits the screen and its tables read without sideways surprises', async () => {
    const context = await onPhone();
    const page = await context.newPage();
    const seen: { name: string; misfits: string[] }[] = [];

    // The page a /dangnhap link opens (before it is used), and the login page.
    const reply = await exchange(app.url, { personaKey: 'demo-admin-district', chatId: 'private:demo-admin-district' }, { text: '/dangnhap' });
    const link = /http:\/\/\S+\/admin\/login\/[A-Za-z0-9_-]{43}/.exec(reply.text)?.[0];
    expect(link, reply.text).toBeDefined();
    await page.goto(link!);
    seen.push(await look(page, 'login-link'));
    await page.goto(`${app.url}/admin/login`);
    seen.push(await look(page, 'login'));
    await page.getByRole('button', { name: /Cán bộ Hội LHPN tỉnh/ }).click();
    await page.waitForURL(`${app.url}/admin`);

    // A message sent now: the schedule form, its preview, and the broadcast's progress page.
    await page.goto(`${app.url}/admin/schedules/new`);
    await page.getByLabel('Một tin chiến dịch có sẵn').check();
    await page.locator('select#contentId').selectOption({ label: 'Tháng hành động vì bình đẳng giới (15/11–15/12)' });
    await page.getByLabel('Các tổ trong một địa bàn').check();
    const hoaBan = await page.locator('select#areaId option', { hasText: 'Xã Hoa Ban' }).getAttribute('value');
    await page.locator('select#areaId').selectOption(hoaBan!);
    await page.getByLabel('Gửi ngay').check();
    seen.push(await look(page, 'schedule-form'));
    await page.getByRole('button', { name: 'Xem trước' }).click();
    await page.waitForLoadState();
    seen.push(await look(page, 'schedule-preview'));
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    await page.waitForURL(/\/admin\/broadcasts\/\d+$/);
    await page.getByText('Đã gửi xong.').waitFor({ timeout: 60_000 });
    seen.push(await look(page, 'broadcast'));

    // An invite code made for a leader: the page that shows it once.
    await page.goto(`${app.url}/admin/invites`);
    await page.locator('section.group form button').first().click();
    await page.waitForLoadState();
    seen.push(await look(page, 'invite-made'));

    const pages: [string, string][] = [
      ['overview', '/admin'],
      ['compliance', '/admin/compliance'],
      ['schedules', '/admin/schedules'],
      ['reports', '/admin/reports'],
      ['exports', '/admin/exports'],
      ['questions', '/admin/questions'],
      ['invites', '/admin/invites'],
      ['audit', '/admin/audit'],
      ['not-found', '/admin/no-such-page'],
    ];
    for (const [name, address] of pages) {
      await page.goto(`${app.url}${address}`);
      seen.push(await look(page, name));
    }
    await page.goto(`${app.url}/admin/reports`);
    await page.locator('#reports a[href^="/admin/reports/"]').first().click();
    await page.waitForURL(/\/admin\/reports\/\d+$/);
    seen.push(await look(page, 'report'));
    await page.goto(`${app.url}/admin/schedules`);
    await page.locator('a[href$="/delete"]').first().click();
    await page.waitForURL(/\/admin\/schedules\/\d+\/delete$/);
    seen.push(await look(page, 'schedule-delete'));

    expect(seen.filter((s) => s.misfits.length > 0)).toEqual([]);
    await context.close();
  }, 240_000);

  it('on a desktop the compliance chart\'s text is the size of the body text, and every page shows the icon', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/admin/login`);
    await page.getByRole('button', { name: /Cán bộ Hội LHPN tỉnh/ }).click();
    await page.waitForURL(`${app.url}/admin`);
    await page.goto(`${app.url}/admin/compliance`);
    const sizes = await page.evaluate(() => {
      const svg = document.querySelector('svg.chart') as SVGSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const body = parseFloat(getComputedStyle(document.body).fontSize);
      return Array.from(svg.querySelectorAll('text')).map((t) => (parseFloat(getComputedStyle(t).fontSize) * scale) / body);
    });
    expect(sizes.length).toBeGreaterThan(0);
    for (const ratio of sizes) {
      expect(ratio).toBeGreaterThanOrEqual(0.85);
      expect(ratio).toBeLessThanOrEqual(1.05);
    }
    await page.screenshot({ path: path.join(shots, 'compliance-desktop.png') });

    for (const address of ['/admin/compliance', '/sandbox']) {
      await page.goto(`${app.url}${address}`);
      const href = await page.locator('link[rel="icon"]').getAttribute('href');
      const icon = await fetch(new URL(href!, app.url));
      expect(icon.status, address).toBe(200);
      expect(icon.headers.get('content-type')).toContain('image/svg+xml');
      expect(await icon.text()).toContain('<svg');
    }
    // Browsers that ask for /favicon.ico on their own are sent to the same icon.
    const ico = await fetch(`${app.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toContain('image/svg+xml');
    await context.close();
  }, 60_000);

  it('the sandbox chat fits the screen, its pickers included', async () => {
    const context = await onPhone();
    const page = await context.newPage();
    await page.goto(`${app.url}/sandbox`);
    await page.getByTestId('persona').selectOption('demo-admin-district');
    await page.getByTestId('text').fill('/thongke');
    await page.getByTestId('text').press('Enter');
    // The answer with its chart, in view (the chat keeps its newest message at the bottom of the screen).
    await page.locator('[data-testid="message"].bot img').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="message"].bot img').evaluate((img: HTMLImageElement) => img.decode());
    const seen = await look(page, 'sandbox', false);
    expect(seen.misfits).toEqual([]);
    for (const picker of ['persona', 'chat']) {
      const box = (await page.getByTestId(picker).boundingBox())!;
      expect(box.x + box.width, picker).toBeLessThanOrEqual(phone.width);
    }
    await context.close();
  }, 60_000);
});
