/**
 * The dashboard's schedule pages over http on a real database: an admin schedules a campaign
 * message or her own text for her area, sees a preview in every language with how many chats it
 * reaches, is told next to the field what is wrong, cannot reach outside her area by editing the
 * form, pauses, resumes and deletes her schedules (not those of a higher level), and "send now"
 * delivers to the sandbox chat while the progress page counts it.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/features/admin/web/html.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { loadConfig } from '../../src/core/config.ts';
import { resolveAudience } from '../../src/features/delivery/audience.ts';
import { reasons, stored } from '../../src/features/delivery/reasons.ts';
import { startDelivery, type DeliveryService } from '../../src/features/delivery/service.ts';
import { queueReportReminders } from '../../src/features/reporting/reminders.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db } from '../../src/core/store/store.ts';
import { communeAdmin, csrfOf, dashboard, log, personOf, provinceAdmin, signedIn, timeZone, type Browser } from '../support/admin.ts';
import { sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';
import { until } from '../support/wait.ts';

const districtAdmin = 'demo-admin-district';
const messageId = 'womens-day-8-3';
// A placeholder, not a translation: Hmong text comes only from the Women's Union's translators.
const hmongText = '[hmn] test placeholder standing in for a translation';

// The real library, with a Hmong translation added to one message (content/ has only Vietnamese so far).
const library = loadCampaigns(defaultContentDir);
const original = library.messages.get(messageId)!;
library.messages.set(messageId, { ...original, variants: { ...original.variants, hmn: hmongText } });

let harness: SandboxHarness;
let db: Db;
let http: FastifyInstance;
let delivery: DeliveryService;

const areaId = async (code: string) => (await db.area.findUniqueOrThrow({ where: { code } })).id;
const groupId = async (code: string) => (await db.communicationGroup.findFirstOrThrow({ where: { area: { code } } })).id;
const localDate = (days: number) => DateTime.now().setZone(timeZone).plus({ days }).toISODate()!;
const shown = (date: string, time: string) => DateTime.fromISO(`${date}T${time}`, { zone: timeZone }).toFormat('HH:mm dd/LL/yyyy');

beforeAll(async () => {
  harness = await sandboxHarness('pglite');
  db = harness.store.prisma;
  await syncCampaigns(db, library);
  delivery = await startDelivery({ db, channels: [harness.channel], config: loadConfig({ QUIET_HOURS: 'off' }), library, soleProcess: true, log });
  http = await dashboard(db, { campaigns: library, kick: () => delivery.tick() });
});
afterAll(async () => {
  await http?.close();
  await delivery?.stop();
  await harness?.close();
});

/**
 * The form's fields as a browser would post them: a campaign message to Bản Nà Hìn tomorrow at 08:00, with
 * `changes`; with the one-time key a preview's confirm form carries, for posting straight to /admin/schedules.
 */
async function fields(b: Browser, changes: Record<string, string | string[]> = {}) {
  const page = await b.get('/admin/schedules/new');
  expect(page.statusCode).toBe(200);
  return { _csrf: csrfOf(page.body), what: 'content', contentId: messageId, text: '', calendarKey: '', to: 'area', areaId: String(await areaId('demo-hoa-ban-na-hin')), language: '', platform: '', when: 'once', date: localDate(1), time: '08:00', cron: '', calendarTime: '08:00', once: randomBytes(16).toString('base64url'), ...changes };
}

const entities: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>', '&#96;': '`' };
const unescape = (text: string) => text.replace(/&(amp|quot|#39|lt|gt|#96);/g, (e) => entities[e]!);

/** The hidden inputs of the page's form posting to `action`, as the browser would send them. */
function hiddenInputs(body: string, action: string): Record<string, string | string[]> {
  const form = body.slice(body.indexOf(`action="${action}"`));
  const out: Record<string, string | string[]> = {};
  for (const [, name, value] of form.slice(0, form.indexOf('</form>')).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const v = unescape(value!);
    const prior = out[name!];
    out[name!] = prior === undefined ? v : [...(Array.isArray(prior) ? prior : [prior]), v];
  }
  return out;
}

const schedules = () => db.schedule.count();
const audits = (action: string, actorId?: number) => db.auditLog.count({ where: { action, ...(actorId === undefined ? {} : { actorId }) } });

describe('scheduling a message', () => {
  it('a commune admin schedules a campaign message once to a village of her commune: the preview shows every language and the reach; the list shows it with its next run', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const form = await b.get('/admin/schedules/new');
    expect(form.body).toContain(original.title);
    expect(form.body).toContain('Bản Nà Hìn');
    expect(form.body).not.toContain('Bản Tà Làng');
    // Only a province admin holding the whole tree may send to everyone.
    expect(form.body).not.toContain('Tất cả các tổ, mọi địa bàn');

    const input = await fields(b);
    const preview = await b.post('/admin/schedules/preview', input);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Xem trước tin sẽ gửi');
    expect(preview.body).toContain('Nội dung (tiếng Việt)');
    expect(preview.body).toContain(escapeHtml(original.variants.vi!));
    expect(preview.body).toContain('Nội dung (tiếng Mông)');
    expect(preview.body).toContain(hmongText);
    const reach = (await resolveAudience(db, { areaId: await areaId('demo-hoa-ban-na-hin') }, ['sandbox'])).length;
    expect(reach).toBeGreaterThan(0);
    expect(preview.body).toContain(`Hiện có ${reach} cuộc trò chuyện nhận được tin này.`);
    expect(preview.body).toContain(`Lần gửi đầu: ${shown(input.date, '08:00')}`);
    expect(await schedules()).toBe(0);

    const before = await audits('admin.schedule.create');
    const confirmed = await b.post('/admin/schedules', hiddenInputs(preview.body, '/admin/schedules'));
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toMatch(/^\/admin\/schedules\?created=\d+$/);
    const list = await b.get(confirmed.headers.location as string);
    expect(list.body).toContain(`Đã lên lịch «${escapeHtml(original.title)}». Lần gửi đầu lúc ${shown(input.date, '08:00')}.`);
    expect(list.body).toContain(`Một lần, lúc ${shown(input.date, '08:00')}`);
    expect(list.body).toContain('Gửi đến: Bản Nà Hìn');
    expect(list.body).toContain('đang chạy');
    expect(list.body).toContain(`lần gửi tới: ${shown(input.date, '08:00')}`);

    const stored = await db.schedule.findFirstOrThrow({ orderBy: { id: 'desc' } });
    expect(stored.createdById).toBe((await personOf(db, communeAdmin)).id);
    expect(await audits('admin.schedule.create')).toBe(before + 1);
    const audit = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.schedule.create' }, orderBy: { id: 'desc' } });
    expect(audit).toMatchObject({ entity: 'Schedule', entityId: String(stored.id), areaId: await areaId('demo-hoa-ban-na-hin') });
  });

  it('"Sửa lại" on the preview brings the form back with what was typed', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const input = await fields(b, { what: 'text', contentId: '', text: 'Họp tổ lúc 19 giờ tối nay.', when: 'cron', cron: '0 8 * * 1' });
    const preview = await b.post('/admin/schedules/preview', input);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Hằng tuần vào thứ Hai, lúc 08:00');
    const again = await b.post('/admin/schedules/new', hiddenInputs(preview.body, '/admin/schedules'));
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('>Họp tổ lúc 19 giờ tối nay.</textarea>');
    // The expression typed under "Nâng cao" comes back as the simple choice it means: Mondays at 08:00.
    expect(again.body).toMatch(/name="when" value="weekly" checked/);
    expect(again.body).toMatch(/name="weekdays" value="1" checked/);
    expect(again.body).not.toMatch(/name="weekdays" value="[02-6]" checked/);
    expect(again.body).toContain('id="weeklyTime" name="weeklyTime" value="08:00"');
  });

  it('each wrong input is named next to its field with status 400, the form keeps the values, and nothing is stored', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ what: 'text', contentId: '', text: '   ' }, 'text', 'Lời nhắn trống'],
      [{ what: 'text', contentId: '', text: `Xin chào ${'a'.repeat(2001)}` }, 'text', 'không chia được thành tin nhắn'],
      [{ date: localDate(-1) }, 'date', 'Thời điểm này đã qua'],
      [{ date: '2027-02-31' }, 'date', 'Ngày giờ không đúng'],
      [{ time: '25:00' }, 'time', 'Giờ không đúng'],
      [{ time: '' }, 'time', 'Hãy chọn giờ gửi.'],
      [{ date: '' }, 'date', 'Hãy chọn ngày gửi.'],
      [{ when: 'weekly', weeklyTime: '08:00' }, 'weekdays', 'Hãy đánh dấu ít nhất một ngày trong tuần.'],
      [{ when: 'weekly', weekdays: ['1', '4'], weeklyTime: '' }, 'weeklyTime', 'Hãy chọn giờ gửi.'],
      [{ when: 'monthly', monthDay: '31', monthlyTime: '08:00' }, 'monthDay', 'Các tháng 2, 4, 6, 9 và 11 không có ngày 31: những tháng đó sẽ không có tin nào. Hãy chọn một ngày từ 1 đến 28, hoặc «Ngày cuối tháng»'],
      [{ when: 'monthly', monthDay: '30', monthlyTime: '08:00' }, 'monthDay', 'Tháng 2 không có ngày 30: tháng 2 sẽ không có tin nào.'],
      [{ when: 'monthly', monthDay: '29', monthlyTime: '08:00' }, 'monthDay', 'Tháng 2 chỉ có ngày 29 vào năm nhuận'],
      [{ when: 'monthly', monthDay: '1', monthlyTime: '' }, 'monthlyTime', 'Hãy chọn giờ gửi.'],
      [{ when: 'cron', cron: 'thứ hai hằng tuần' }, 'cron', 'Biểu thức «thứ hai hằng tuần» không dùng được'],
      [{ when: 'cron', cron: '0 25 * * 1' }, 'cron', 'Biểu thức «0 25 * * 1» không dùng được'],
      [{ when: 'cron', cron: '0 0 30 2 *' }, 'cron', 'phải có ngày thật khớp'],
      [{ when: 'cron', cron: '* 8 * * 1' }, 'cron', 'Lịch «* 8 * * 1» gửi quá dày (cách nhau dưới 60 phút)'],
      [{ what: '' }, 'what', 'Hãy chọn gửi gì.'],
      [{ contentId: '' }, 'contentId', 'Hãy chọn một tin chiến dịch.'],
      [{ contentId: 'no-such-message' }, 'contentId', 'Không có tin này'],
      [{ to: 'groups' }, 'groupIds', 'Hãy đánh dấu ít nhất một tổ.'],
      [{ to: '' }, 'to', 'Hãy chọn gửi đến ai.'],
      [{ when: '' }, 'when', 'Hãy chọn khi nào gửi.'],
      [{ when: 'calendar' }, 'when', 'Gửi theo dịp thì chọn'],
      [{ language: 'hmn' }, 'to', 'Chưa có nhóm hay người nào nhận được tin này'],
    ];
    const before = await schedules();
    for (const [changes, field, message] of cases) {
      for (const url of ['/admin/schedules/preview', '/admin/schedules']) {
        const res = await b.post(url, await fields(b, changes));
        expect(res.statusCode, `${url} ${JSON.stringify(changes)}`).toBe(400);
        expect(res.body).toContain('Có chỗ chưa đúng');
        const error = new RegExp(`<p class="error" id="error-${field}">([^<]*)</p>`).exec(res.body);
        expect(error?.[1], JSON.stringify(changes)).toContain(escapeHtml(message));
      }
    }
    const kept = await b.post('/admin/schedules/preview', await fields(b, { when: 'cron', cron: '0 8 * *' }));
    expect(kept.body).toContain('value="0 8 * *"');
    expect(await schedules()).toBe(before);
  });
});

/** The list entry of schedule `id`. */
function entryOf(body: string, id: number): string {
  const from = body.slice(body.indexOf(`id="schedule-${id}"`));
  return from.slice(0, from.indexOf('</li>'));
}

/** The first local time after now on one of `weekdays` (luxon's: 1 Monday … 7 Sunday) at `hour`:`minute`, as the dashboard shows it. */
function nextOn(weekdays: number[], hour: number, minute: number): string {
  const now = DateTime.now().setZone(timeZone);
  for (let day = 0; day <= 7; day++) {
    const at = now.plus({ days: day }).set({ hour, minute, second: 0, millisecond: 0 });
    if (at > now && weekdays.includes(at.weekday)) return at.toFormat('HH:mm dd/LL/yyyy');
  }
  throw new Error('no such day');
}

describe("scheduling in the staff's terms", () => {
  it('the form asks when as once, every week, every month or on a calendar event; cron only folded under "Nâng cao"; no time zone; channels by their names', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const form = (await b.get('/admin/schedules/new')).body;
    for (const when of ['now', 'once', 'weekly', 'monthly', 'calendar']) expect(form).toContain(`name="when" value="${when}"`);
    expect(form).toContain('Hằng tuần, vào các ngày:');
    for (const day of ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật']) expect(form).toContain(`> ${day}</label>`);
    expect(form).toContain('Hằng tháng, vào ngày:');
    expect(form).toContain('<option value="last" >Ngày cuối tháng</option>');
    expect(form).toContain('type="date" id="date"');
    expect(form).toContain('type="time" id="weeklyTime"');
    // The cron expression is the rare case: folded, closed, and the only place the word appears.
    const fold = form.indexOf('<details >');
    expect(fold).toBeGreaterThan(0);
    expect(form.slice(fold)).toMatch(/^<details ><summary>Nâng cao/);
    expect(form.indexOf('name="cron"')).toBeGreaterThan(fold);
    expect(form.slice(0, fold).toLowerCase()).not.toContain('cron');
    expect(form).not.toContain('Asia/Ho_Chi_Minh');
    expect(form).not.toContain('múi giờ');
    expect(form).toContain('<option value="sandbox" >Hộp thử</option>');
    expect(form).not.toContain('>sandbox<');
  });

  it('every week on Monday and Thursday at 07:30: the preview and the list say it in words, and it is kept as the cron expression it means', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const text = `Nhắc họp tổ hằng tuần (${Date.now()}).`;
    const input = await fields(b, { what: 'text', contentId: '', text, when: 'weekly', weekdays: ['4', '1'], weeklyTime: '07:30', platform: 'sandbox' });
    const preview = await b.post('/admin/schedules/preview', input);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Hằng tuần vào thứ Hai và thứ Năm, lúc 07:30');
    expect(preview.body).toContain(`Lần gửi đầu: ${nextOn([1, 4], 7, 30)}`);
    expect(preview.body).toContain('chỉ trên Hộp thử');
    const made = await b.post('/admin/schedules', hiddenInputs(preview.body, '/admin/schedules'));
    expect(made.statusCode).toBe(303);
    const schedule = await db.schedule.findFirstOrThrow({ where: { text } });
    expect(schedule).toMatchObject({ kind: 'cron', cron: '30 7 * * 1,4' });
    const entry = entryOf((await b.get('/admin/schedules')).body, schedule.id);
    expect(entry).toContain('Hằng tuần vào thứ Hai và thứ Năm, lúc 07:30');
    expect(entry).toContain('Gửi đến: Bản Nà Hìn · chỉ trên Hộp thử');
    expect(entry).toContain(`lần gửi tới: ${nextOn([1, 4], 7, 30)}`);
    expect(entry).not.toContain('cron');
  });

  it('every month on day 1, or on its last day; a calendar event on its own dates', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const now = DateTime.now().setZone(timeZone);
    const first = now.set({ day: 1, hour: 19, minute: 0, second: 0, millisecond: 0 });
    const firstRun = (first > now ? first : first.plus({ months: 1 })).toFormat('HH:mm dd/LL/yyyy');
    const day1 = await b.post('/admin/schedules', await fields(b, { what: 'text', contentId: '', text: 'Đầu tháng họp tổ.', when: 'monthly', monthDay: '1', monthlyTime: '19:00' }));
    expect(day1.statusCode).toBe(303);
    const monthly = await db.schedule.findFirstOrThrow({ where: { text: 'Đầu tháng họp tổ.' } });
    expect(monthly.cron).toBe('0 19 1 * *');
    const entry = entryOf((await b.get('/admin/schedules')).body, monthly.id);
    expect(entry).toContain('Ngày 1 hằng tháng, lúc 19:00');
    expect(entry).toContain(`lần gửi tới: ${firstRun}`);

    const last = await b.post('/admin/schedules/preview', await fields(b, { when: 'monthly', monthDay: 'last', monthlyTime: '19:00' }));
    expect(last.statusCode).toBe(200);
    expect(last.body).toContain('Ngày cuối cùng của mỗi tháng, lúc 19:00');
    const end = now.endOf('month').set({ hour: 19, minute: 0, second: 0, millisecond: 0 });
    expect(last.body).toContain(`Lần gửi đầu: ${(end > now ? end : end.plus({ days: 1 }).endOf('month').set({ hour: 19, minute: 0, second: 0, millisecond: 0 })).toFormat('HH:mm dd/LL/yyyy')}`);

    // On a calendar event: its messages on its dates, at the time chosen (8/3 for Women's Day).
    const event = await b.post('/admin/schedules/preview', await fields(b, { what: 'calendar', contentId: '', calendarKey: 'womens-day', when: 'calendar', calendarTime: '07:00' }));
    expect(event.statusCode).toBe(200);
    expect(event.body).toContain('Vào các ngày của dịp, lúc 07:00');
    const womensDay = now.set({ month: 3, day: 8, hour: 7, minute: 0, second: 0, millisecond: 0 });
    expect(event.body).toContain(`Lần gửi đầu: ${(womensDay > now ? womensDay : womensDay.plus({ years: 1 })).toFormat('HH:mm dd/LL/yyyy')}`);
  });

  it('an existing schedule opens in the simple mode that fits it; one that fits none opens under "Nâng cao"', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const make = async (text: string, cron: string) => {
      expect((await b.post('/admin/schedules', await fields(b, { what: 'text', contentId: '', text, when: 'cron', cron }))).statusCode).toBe(303);
      return db.schedule.findFirstOrThrow({ where: { text } });
    };
    const weekly = await make('Sáng thứ Hai và thứ Sáu.', '0 8 * * 5,1');
    const lastDay = await make('Cuối tháng tổng kết.', '0 7 L * *');
    const january = await make('Tháng Giêng mỗi thứ Hai.', '0 8 * 1 1');
    const list = (await b.get('/admin/schedules')).body;
    expect(entryOf(list, weekly.id)).toContain('Hằng tuần vào thứ Hai và thứ Sáu, lúc 08:00');
    expect(entryOf(list, lastDay.id)).toContain('Ngày cuối cùng của mỗi tháng, lúc 07:00');
    expect(entryOf(list, january.id)).toContain('Lặp lại theo biểu thức cron (nâng cao): 0 8 * 1 1');
    expect(entryOf(list, weekly.id)).toContain(`href="/admin/schedules/new?from=${weekly.id}"`);

    const asWeekly = (await b.get(`/admin/schedules/new?from=${weekly.id}`)).body;
    expect(asWeekly).toContain('>Sáng thứ Hai và thứ Sáu.</textarea>');
    expect(asWeekly).toMatch(/name="when" value="weekly" checked/);
    expect(asWeekly).toMatch(/name="weekdays" value="1" checked/);
    expect(asWeekly).toMatch(/name="weekdays" value="5" checked/);
    expect(asWeekly).toContain('id="weeklyTime" name="weeklyTime" value="08:00"');
    expect(asWeekly).toContain('<details >');

    const asMonthly = (await b.get(`/admin/schedules/new?from=${lastDay.id}`)).body;
    expect(asMonthly).toMatch(/name="when" value="monthly" checked/);
    expect(asMonthly).toContain('<option value="last" selected>Ngày cuối tháng</option>');
    expect(asMonthly).toContain('id="monthlyTime" name="monthlyTime" value="07:00"');

    const asCron = (await b.get(`/admin/schedules/new?from=${january.id}`)).body;
    expect(asCron).toContain('<details open>');
    expect(asCron).toMatch(/name="when" value="cron" checked/);
    expect(asCron).toContain('value="0 8 * 1 1"');
    expect((await b.get('/admin/schedules/new?from=999999')).statusCode).toBe(404);
  });
});

describe('the admin area', () => {
  it('an area or groups of another commune, or "everyone", put in the form by hand: 403, an admin.forbidden audit entry, nothing stored', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const admin = (await personOf(db, communeAdmin)).id;
    const before = await schedules();
    const tampered: Record<string, string | string[]>[] = [
      { areaId: String(await areaId('demo-suoi-may-ta-lang')) },
      { areaId: String(await areaId('demo')) },
      { to: 'groups', groupIds: [String(await groupId('demo-hoa-ban-na-hin')), String(await groupId('demo-suoi-may-ta-lang'))] },
      { to: 'everyone' },
    ];
    for (const changes of tampered) {
      for (const url of ['/admin/schedules/preview', '/admin/schedules']) {
        const forbidden = await audits('admin.forbidden', admin);
        const res = await b.post(url, await fields(b, changes));
        expect(res.statusCode, `${url} ${JSON.stringify(changes)}`).toBe(403);
        expect(res.body).toContain('Không có quyền');
        expect(await audits('admin.forbidden', admin)).toBe(forbidden + 1);
      }
    }
    expect(await schedules()).toBe(before);
    // Groups all inside her commune are fine.
    const groups = await b.post('/admin/schedules/preview', await fields(b, { to: 'groups', groupIds: [String(await groupId('demo-hoa-ban-na-hin')), String(await groupId('demo-hoa-ban-co-mi'))] }));
    expect(groups.statusCode).toBe(200);
    expect(groups.body).toContain('Tổ truyền thông bản Nà Hìn, Tổ truyền thông bản Co Mị');
  });

  it('a province-wide schedule is read-only for a commune admin: no buttons, and pausing or deleting it by POST gives 403', async () => {
    const province = await signedIn(http, db, provinceAdmin);
    expect((await province.get('/admin/schedules/new')).body).toContain('Tất cả các tổ, mọi địa bàn');
    const made = await province.post('/admin/schedules', await fields(province, { to: 'everyone', what: 'text', contentId: '', text: 'Thông báo của Hội LHPN tỉnh.', when: 'cron', cron: '0 8 * * 1' }));
    expect(made.statusCode).toBe(303);
    const schedule = await db.schedule.findFirstOrThrow({ where: { text: 'Thông báo của Hội LHPN tỉnh.' } });
    expect(schedule.audience).toEqual({});

    const b = await signedIn(http, db, communeAdmin);
    const list = await b.get('/admin/schedules');
    const item = list.body.slice(list.body.indexOf(`id="schedule-${schedule.id}"`));
    const entry = item.slice(0, item.indexOf('</li>'));
    expect(entry).toContain('Thông báo của Hội LHPN tỉnh.');
    expect(entry).toContain('Gửi đến: Tất cả các tổ');
    expect(entry).toContain('Chỉ xem');
    expect(entry).not.toContain('Tạm dừng');
    expect(entry).not.toContain('/delete');

    const admin = (await personOf(db, communeAdmin)).id;
    const forbidden = await audits('admin.forbidden', admin);
    const csrf = csrfOf(list.body);
    expect((await b.post(`/admin/schedules/${schedule.id}/pause`, { _csrf: csrf })).statusCode).toBe(403);
    expect((await b.post(`/admin/schedules/${schedule.id}/delete`, { _csrf: csrf, confirm: 'yes' })).statusCode).toBe(403);
    expect((await b.get(`/admin/schedules/${schedule.id}/delete`)).statusCode).toBe(403);
    expect(await audits('admin.forbidden', admin)).toBe(forbidden + 3);
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).status).toBe('active');
  });

  it('a district admin may act on a schedule of one of her communes; a commune admin does not see one of another commune', async () => {
    const province = await signedIn(http, db, provinceAdmin);
    const made = await province.post('/admin/schedules', await fields(province, { what: 'text', contentId: '', text: 'Tin riêng cho xã Suối Mây.', areaId: String(await areaId('demo-suoi-may')) }));
    expect(made.statusCode).toBe(303);
    const schedule = await db.schedule.findFirstOrThrow({ where: { text: 'Tin riêng cho xã Suối Mây.' } });
    const district = await signedIn(http, db, districtAdmin);
    const list = await district.get('/admin/schedules');
    expect(list.body).toContain('Tin riêng cho xã Suối Mây.');
    expect(list.body).toContain(`/admin/schedules/${schedule.id}/delete`);
    expect((await signedIn(http, db, communeAdmin).then((b) => b.get('/admin/schedules'))).body).not.toContain('Tin riêng cho xã Suối Mây.');
  });
});

describe('pause, resume, delete', () => {
  it('an admin pauses, resumes and (after confirming) deletes her schedule; each is audited; an unknown one is 404', async () => {
    const b = await signedIn(http, db, communeAdmin);
    expect((await b.post('/admin/schedules', await fields(b, { what: 'text', contentId: '', text: 'Nhắc họp tổ tháng này.', when: 'cron', cron: '0 19 * * 6' }))).statusCode).toBe(303);
    const schedule = await db.schedule.findFirstOrThrow({ where: { text: 'Nhắc họp tổ tháng này.' } });
    const entry = (body: string) => {
      const from = body.slice(body.indexOf(`id="schedule-${schedule.id}"`));
      return from.slice(0, from.indexOf('</li>'));
    };
    const list = await b.get('/admin/schedules');
    expect(entry(list.body)).toContain('Hằng tuần vào thứ Bảy, lúc 19:00');
    const csrf = csrfOf(list.body);

    const paused = await b.post(`/admin/schedules/${schedule.id}/pause`, { _csrf: csrf });
    expect(paused.statusCode).toBe(303);
    const afterPause = await b.get(paused.headers.location as string);
    expect(afterPause.body).toContain(`Đã tạm dừng lịch số ${schedule.id}.`);
    expect(entry(afterPause.body)).toContain('tạm dừng');
    expect(entry(afterPause.body)).toContain('Chạy lại');

    const resumed = await b.post(`/admin/schedules/${schedule.id}/resume`, { _csrf: csrf });
    expect(resumed.statusCode).toBe(303);
    expect(entry((await b.get('/admin/schedules')).body)).toContain('đang chạy');

    // A stray tap on "delete" only asks.
    const asked = await b.post(`/admin/schedules/${schedule.id}/delete`, { _csrf: csrf });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Xoá lịch gửi này?');
    expect((await b.get(`/admin/schedules/${schedule.id}/delete`)).body).toContain('Xoá lịch này');
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).status).toBe('active');
    const removed = await b.post(`/admin/schedules/${schedule.id}/delete`, { _csrf: csrf, confirm: 'yes' });
    expect(removed.statusCode).toBe(303);
    const afterRemove = await b.get(removed.headers.location as string);
    expect(afterRemove.body).toContain(`Đã xoá lịch số ${schedule.id}.`);
    expect(afterRemove.body).not.toContain('Nhắc họp tổ tháng này.');
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).status).toBe('removed');

    for (const action of ['admin.schedule.pause', 'admin.schedule.resume', 'admin.schedule.remove']) {
      expect(await db.auditLog.count({ where: { action, entityId: String(schedule.id) } }), action).toBe(1);
    }
    expect((await b.post(`/admin/schedules/${schedule.id}/pause`, { _csrf: csrf })).statusCode).toBe(404);
    expect((await b.post('/admin/schedules/999999/pause', { _csrf: csrf })).statusCode).toBe(404);
    expect((await b.get('/admin/schedules/abc/delete')).statusCode).toBe(404);
  });
});

describe('send now', () => {
  it('"gửi ngay" delivers the text to the village group chat in the sandbox at once, and the progress page shows it sent', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const text = `Khẩn: mưa lớn, bà con không qua suối (${Date.now()}).`;
    const input = await fields(b, { what: 'text', contentId: '', text, when: 'now', urgent: 'on' });
    const preview = await b.post('/admin/schedules/preview', input);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Gửi ngay khi bạn bấm «Gửi ngay».');
    const sent = await b.post('/admin/schedules', hiddenInputs(preview.body, '/admin/schedules'));
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toMatch(/^\/admin\/broadcasts\/\d+$/);

    const groupChat = 'group:demo-hoa-ban-na-hin';
    await until(async () => harness.channel.transcript(groupChat).some((m) => m.from === 'bot' && m.text === text));
    const reach = (await resolveAudience(db, { areaId: await areaId('demo-hoa-ban-na-hin') }, ['sandbox'])).length;
    const broadcastId = Number((sent.headers.location as string).split('/').pop());
    await until(async () => (await db.delivery.count({ where: { broadcastId, status: 'sent' } })) === reach);
    expect(harness.channel.transcript('group:demo-hoa-ban-co-mi').some((m) => m.text === text)).toBe(false);

    const progress = await b.get(sent.headers.location as string);
    expect(progress.statusCode).toBe(200);
    expect(progress.body).toContain('Tiến độ gửi tin');
    expect(progress.body).toContain('Đã gửi xong.');
    expect(progress.body).toMatch(new RegExp(`id="count-sent"><div class="n">${reach}</div><div class="l">Đã gửi`));
    expect(progress.body).not.toContain('http-equiv="refresh"');
    expect((await db.schedule.findFirstOrThrow({ where: { text } })).priority).toBeGreaterThan(0);
  });

  it('in quiet hours the preview and the progress page say the message waits, and until when', async () => {
    // Quiet hours around this very minute, whatever the time of day the test runs.
    const local = DateTime.now().setZone(timeZone);
    const minute = local.hour * 60 + local.minute;
    const quietHours = { startMinute: (minute + 1440 - 60) % 1440, endMinute: (minute + 120) % 1440 };
    const end = local.startOf('day').plus({ minutes: minute + 120 }).setZone(timeZone);
    const quietHttp = await dashboard(db, { campaigns: library, quietHours });
    try {
      const b = await signedIn(quietHttp, db, communeAdmin);
      const preview = await b.post('/admin/schedules/preview', await fields(b, { when: 'now' }));
      expect(preview.statusCode).toBe(200);
      expect(preview.body).toContain('Lúc đó đang là giờ yên lặng');
      expect(preview.body).toContain(`tin sẽ bắt đầu đi lúc ${end.toFormat('HH:mm dd/LL/yyyy')}`);
      const waiting = await db.broadcast.create({ data: { text: 'Chờ sáng mai.', audience: { areaId: await areaId('demo-hoa-ban') }, scheduledFor: new Date() } });
      const progress = await b.get(`/admin/broadcasts/${waiting.id}`);
      expect(progress.body).toContain(`Chờ đến ${end.toFormat('HH:mm')}: đang là giờ yên lặng`);
      // Out of quiet hours nothing is said about them.
      const plain = await (await signedIn(http, db, communeAdmin)).get(`/admin/broadcasts/${waiting.id}`);
      expect(plain.body).not.toContain('giờ yên lặng');
    } finally {
      await quietHttp.close();
    }
  });

  it('the confirm button pressed twice (a double tap, or Back and confirm again) makes one schedule and sends once', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const text = `Họp tổ tối nay, mời bà con đến đông đủ (${Date.now()}).`;
    const preview = await b.post('/admin/schedules/preview', await fields(b, { what: 'text', contentId: '', text, when: 'now' }));
    const confirm = hiddenInputs(preview.body, '/admin/schedules');
    const [first, second] = await Promise.all([b.post('/admin/schedules', confirm), b.post('/admin/schedules', confirm)]);
    const again = await b.post('/admin/schedules', confirm);
    expect(await db.schedule.count({ where: { text } })).toBe(1);
    const schedule = await db.schedule.findFirstOrThrow({ where: { text } });
    expect(await db.broadcast.count({ where: { scheduleId: schedule.id } })).toBe(1);
    // Every press lands on the one broadcast's progress (or the list saying it was done already).
    for (const res of [first, second, again]) {
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/admin\/(broadcasts\/\d+|schedules\?again=1)$/);
    }
    expect(again.headers.location).toMatch(/^\/admin\/broadcasts\/\d+$/);
    const groupChat = 'group:demo-hoa-ban-na-hin';
    await until(async () => harness.channel.transcript(groupChat).some((m) => m.text === text));
    await delivery.tick();
    expect(harness.channel.transcript(groupChat).filter((m) => m.text === text)).toHaveLength(1);
    // A confirm form without its one-time key is refused.
    const { once: _, ...withoutKey } = confirm;
    expect((await b.post('/admin/schedules', withoutKey)).statusCode).toBe(400);
  });

  it('a broadcast going out reloads itself, one not due yet says until when it waits; one outside the area is 403 and audited', async () => {
    const b = await signedIn(http, db, communeAdmin);
    // Due, one chat still waiting (its next try later, as after a failure).
    const going = await db.broadcast.create({ data: { text: 'Đang đi.', audience: { areaId: await areaId('demo-hoa-ban') }, scheduledFor: new Date(Date.now() - 60_000), status: 'queued' } });
    const chat = await db.chatLink.findFirstOrThrow({ where: { group: { area: { code: 'demo-hoa-ban-na-hin' } } } });
    await db.delivery.create({ data: { broadcastId: going.id, chatLinkId: chat.id, platform: chat.platform, nextAttemptAt: new Date(Date.now() + 3_600_000) } });
    const page = await b.get(`/admin/broadcasts/${going.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.body).toContain('Đang gửi. Trang tự tải lại mỗi 5 giây');
    expect(page.body).not.toContain('các con số trên là của toàn bộ nơi nhận');
    // Not due until tomorrow: no reload every 5 seconds until then.
    const tomorrow = new Date(Date.now() + 86_400_000);
    const waiting = await db.broadcast.create({ data: { text: 'Chưa đến giờ.', audience: { areaId: await areaId('demo-hoa-ban') }, scheduledFor: tomorrow } });
    const later = await b.get(`/admin/broadcasts/${waiting.id}`);
    expect(later.body).toContain(`Chờ đến ${DateTime.fromJSDate(tomorrow).setZone(timeZone).toFormat('HH:mm dd/LL/yyyy')}: chưa đến giờ gửi.`);
    expect(later.body).not.toContain('http-equiv="refresh"');
    // Why a run did not go is said in Vietnamese, the stored English text kept as detail.
    const missed = await db.broadcast.create({ data: { text: 'Lỡ giờ.', audience: { areaId: await areaId('demo-hoa-ban') }, scheduledFor: new Date(Date.now() - 86_400_000), status: 'skipped', reason: reasons.missed(360).text } });
    const missedPage = (await b.get(`/admin/broadcasts/${missed.id}`)).body;
    expect(missedPage).toContain('Ghi chú: Đến giờ gửi khi Loa Bản không chạy, quá trễ nên bỏ qua');
    expect(missedPage).toContain('<code>missed while the bot was not running (more than 360 minutes late)</code>');
    // A province-wide broadcast: she may watch it, and is told the figures are not only her area's.
    const wide = await db.broadcast.create({ data: { text: 'Tin của tỉnh.', audience: { areaId: await areaId('demo') }, scheduledFor: new Date(Date.now() + 86_400_000) } });
    expect((await b.get(`/admin/broadcasts/${wide.id}`)).body).toContain('các con số trên là của toàn bộ nơi nhận, không riêng địa bàn của bạn');

    const elsewhere = await db.broadcast.create({ data: { text: 'Tin của xã Nà Sang.', audience: { areaId: await areaId('demo-na-sang') }, scheduledFor: new Date(Date.now() + 86_400_000) } });
    const admin = (await personOf(db, communeAdmin)).id;
    const forbidden = await audits('admin.forbidden', admin);
    const refused = await b.get(`/admin/broadcasts/${elsewhere.id}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('Tin của xã Nà Sang.');
    expect(await audits('admin.forbidden', admin)).toBe(forbidden + 1);
    expect((await b.get('/admin/broadcasts/999999')).statusCode).toBe(404);
  });

  it('chats that blocked Loa Bản are said as such on the progress page, also those stored before reasons had kinds', async () => {
    const b = await signedIn(http, db, communeAdmin);
    const area = await areaId('demo-hoa-ban');
    const run = await db.broadcast.create({ data: { text: 'Đã gửi.', audience: { areaId: area }, scheduledFor: new Date(Date.now() - 3_600_000), status: 'queued' } });
    const [now, before] = await db.chatLink.findMany({ where: { group: { area: { path: { contains: `/${area}/` } } } }, orderBy: { id: 'asc' }, take: 2 });
    await db.delivery.createMany({
      data: [
        { broadcastId: run.id, chatLinkId: now!.id, platform: now!.platform, status: 'failed', ...stored(reasons.stopped('403 Forbidden: bot was blocked by the user')) },
        // As the dispatcher wrote it until December 2026.
        { broadcastId: run.id, chatLinkId: before!.id, platform: before!.platform, status: 'failed', lastError: 'stopped: 403 Forbidden: bot was kicked from the group chat' },
      ],
    });
    const page = (await b.get(`/admin/broadcasts/${run.id}`)).body;
    expect(page.match(/<li>Nhóm chat hoặc người nhận đã chặn hay xoá Loa Bản/g) ?? []).toHaveLength(2);
    expect(page).not.toContain('Nền tảng chat báo lỗi');
    expect(page).toContain('<code>stopped: 403 Forbidden: bot was kicked from the group chat</code>');
  });

  it('a report reminder, queued in the outbox like any message, has its progress page for the admins of its group’s area', async () => {
    const b = await signedIn(http, db, communeAdmin);
    // Due (09:00, eleven days before a quarter ends) far after the real clock: it waits in the queue.
    const { broadcastIds } = await queueReportReminders(db, { timeZone, platforms: ['sandbox'], now: new Date('2099-12-20T02:00:00Z') });
    const coMi = await groupId('demo-hoa-ban-co-mi');
    const reminder = await db.broadcast.findFirstOrThrow({ where: { id: { in: broadcastIds }, audience: { equals: { groupIds: [coMi] } } } });
    const page = await b.get(`/admin/broadcasts/${reminder.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(escapeHtml('Nhắc tổ trưởng «Tổ truyền thông bản Co Mị»'));
    expect(page.body).toMatch(/id="count-queued"><div class="n">1</);
    const elsewhere = await db.broadcast.findFirstOrThrow({ where: { id: { in: broadcastIds }, audience: { equals: { groupIds: [await groupId('demo-na-sang-ban-cang')] } } } });
    expect((await b.get(`/admin/broadcasts/${elsewhere.id}`)).statusCode).toBe(403);
  });
});
