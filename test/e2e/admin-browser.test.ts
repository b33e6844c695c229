/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real
 * `loaban start` in sandbox mode with the demo data: a commune admin asks the bot for a link,
 * logs in, sees her commune, finds the groups that have not reported, is refused another
 * commune, logs out, and the used link says so. Then the issue's "done when": a district admin
 * logs in, sees who has not reported, sends a message to one commune now, watches it arrive in
 * the villages' chats, and downloads the quarter's XLSX, which reads back.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium.ts';
import { startCli, type Running } from '../support/cli.ts';


const admin = { personaKey: 'demo-admin-hoa-ban', chatId: 'private:demo-admin-hoa-ban' };
const districtAdmin = { personaKey: 'demo-admin-district', chatId: 'private:demo-admin-district' };

interface Said {
  from: unknown;
  text: string;
  buttons?: { label: string; data: string }[][];
}

async function transcriptOf(url: string, chatId: string): Promise<Said[]> {
  return (await (await fetch(`${url}/sandbox/api/transcript?chatId=${encodeURIComponent(chatId)}`)).json()) as Said[];
}

/** Sends as `who` in the sandbox (text or a tapped button) and returns the bot's last message. */
async function exchange(url: string, who: { personaKey: string; chatId: string }, input: { text: string } | { buttonData: string }): Promise<Said> {
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who, ...input }) });
  expect(sent.status).toBe(200);
  return (await transcriptOf(url, who.chatId)).filter((m) => m.from === 'bot').at(-1)!;
}

async function botSays(url: string, who: { personaKey: string; chatId: string }, text: string): Promise<string> {
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...who, text }) });
  expect(sent.status).toBe(200);
  const transcript = await transcriptOf(url, who.chatId);
  return transcript.filter((m) => m.from === 'bot').at(-1)!.text;
}

// A missing Chromium fails the run with how to install it (.ci/run installs it).
describe('the dashboard in Chromium', () => {
  let app: Running;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    // PUBLIC_URL empty: links point at this very server.
    // QUIET_HOURS off: "send now" must arrive whatever the hour the test runs at (quiet hours have their own tests).
    app = await startCli({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loaban-admin-')), PUBLIC_URL: '', QUIET_HOURS: 'off' }, 120_000);
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
    expect(overview).toContain('Đã báo cáo: tổ đã báo cáo ít nhất một buổi sinh hoạt của quý này');
    // Usable on a phone: nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

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

  it('done when: a district admin logs in, sees who has not reported, sends a message to one commune now, watches it arrive, and downloads the quarter\'s XLSX', async () => {
    // Nà Hìn's leader reports today's session in one line from her private chat.
    const leader = { personaKey: 'leader-demo-hoa-ban-na-hin', chatId: 'private:leader-demo-hoa-ban-na-hin' };
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit' }).format(new Date());
    const summary = await exchange(app.url, leader, { text: `/baocao ${today} san khau hoa; tao hon; 30 nguoi, 20 nu, 25 dtts; tai nha van hoa` });
    const confirm = summary.buttons?.flat().find((b) => b.label === '✅ Xác nhận');
    expect(confirm, summary.text).toBeDefined();
    expect((await exchange(app.url, leader, { buttonData: confirm!.data })).text).toContain('Đã lưu báo cáo');

    const reply = await botSays(app.url, districtAdmin, '/dangnhap');
    const link = /http:\/\/\S+\/admin\/login\/[A-Za-z0-9_-]{43}/.exec(reply)?.[0];
    expect(link, reply).toBeDefined();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Vào trang quản trị' }).click();
    await page.waitForURL(`${app.url}/admin`);

    // Who has not reported this quarter: her two communes' eight groups, none of the third commune's.
    await page.getByRole('link', { name: 'Báo cáo theo quý' }).click();
    await page.waitForURL(/\/admin\/compliance$/);
    expect(await page.locator('#compliance tbody tr').count()).toBe(8);
    expect(await page.locator('main').innerText()).not.toContain('Nà Sang');
    expect(await page.locator('main').innerText()).toContain('Chưa báo cáo quý này: 7 tổ.');
    expect(await page.locator('#compliance tbody tr', { hasText: 'Nà Hìn' }).locator('td').nth(1).innerText()).toBe('Đã báo cáo');
    expect(await page.locator('#compliance tbody tr', { hasText: 'Tà Làng' }).locator('td').nth(1).innerText()).toBe('Chưa báo cáo');

    // A campaign message to Xã Hoa Ban, now.
    await page.getByRole('link', { name: 'Lịch gửi tin' }).click();
    await page.getByRole('link', { name: 'Lên lịch gửi tin mới' }).click();
    await page.getByLabel('Một tin chiến dịch có sẵn').check();
    await page.locator('select#contentId').selectOption({ label: 'Tháng hành động vì bình đẳng giới (15/11–15/12)' });
    await page.getByLabel('Các tổ trong một địa bàn').check();
    const communes = await page.locator('select#areaId option').allInnerTexts();
    expect(communes.map((c) => c.trim())).not.toContain('Xã Nà Sang (DEMO)');
    const hoaBanArea = await page.locator('select#areaId option', { hasText: 'Xã Hoa Ban' }).getAttribute('value');
    await page.locator('select#areaId').selectOption(hoaBanArea!);
    // The form fits a phone's width, long message titles included.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.getByLabel('Gửi ngay').check();
    await page.getByRole('button', { name: 'Xem trước' }).click();
    const preview = await page.locator('main').innerText();
    expect(preview).toContain('Từ 15/11 đến 15/12 hằng năm');
    // Four villages' group chats and their four villagers' private chats.
    expect(preview).toContain('Hiện có 8 cuộc trò chuyện nhận được tin này.');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.getByRole('button', { name: 'Gửi ngay' }).click();
    await page.waitForURL(/\/admin\/broadcasts\/\d+$/);
    // The progress page reloads itself every few seconds until everything is out.
    await page.getByText('Đã gửi xong.').waitFor({ timeout: 60_000 });

    for (const village of ['na-hin', 'co-mi', 'huoi-so', 'pa-ca']) {
      const said = (await transcriptOf(app.url, `group:demo-hoa-ban-${village}`)).filter((m) => m.from === 'bot').map((m) => m.text);
      expect(said.join('\n'), village).toContain('Từ 15/11 đến 15/12 hằng năm');
    }
    const elsewhere = (await transcriptOf(app.url, 'group:demo-suoi-may-ta-lang')).map((m) => m.text).join('\n');
    expect(elsewhere).not.toContain('Từ 15/11 đến 15/12 hằng năm');

    // The quarter's summary of Xã Hoa Ban as XLSX: figures by sex and ethnic-minority status.
    await page.getByRole('link', { name: 'Xuất số liệu' }).click();
    await page.waitForURL(/\/admin\/exports$/);
    const hoaBan = await page.locator('select#area option', { hasText: 'Xã Hoa Ban' }).getAttribute('value');
    await page.locator('select#area').selectOption(hoaBan!);
    await page.getByLabel('Tổng hợp theo địa bàn').check();
    await page.getByLabel('Excel (.xlsx)').check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải về' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^loaban-tonghop-\d{4}Q[1-4]-demo-hoa-ban\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path())!);
    const sheet = workbook.getWorksheet('Theo địa bàn')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(String(rows[0]![0])).toContain('Xã Hoa Ban (DEMO)');
    const header = rows.findIndex((r) => r.includes('Nữ'));
    const naHin = rows.find((r) => r[0] === 'Bản Nà Hìn')!;
    const column = (name: string) => naHin[rows[header]!.indexOf(name)];
    expect([column('Số buổi sinh hoạt'), column('Tổng số người tham gia'), column('Nữ'), column('Nam'), column('Dân tộc thiểu số')]).toEqual([1, 30, 20, 10, 25]);

    await context.close();
  }, 180_000);
});
