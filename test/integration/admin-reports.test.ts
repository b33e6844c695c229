/**
 * The dashboard's read-mostly pages over http on a real database: session reports (list by quarter
 * and area, one report with its corrections), unanswered questions, leader invite codes and the
 * audit log — each inside the admin's area scope, with 403 and an audit entry outside it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { redeemInvite } from '../../src/features/subscriptions/invites.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { addDays, formatQuarter, localDateOf, previousQuarter, quarterOf, quarterStart, type LocalDate } from '../../src/features/reporting/quarter.ts';
import { correctReport, saveReport, type ConfirmedReport } from '../../src/features/reporting/store.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { communeAdmin, csrfOf, dashboard, personOf, provinceAdmin, signedIn, timeZone, type Browser, pageText } from '../support/admin.ts';
import { freshStore } from '../support/stores.ts';

const districtAdmin = 'demo-admin-district';

let store: Store;
let db: Db;
let http: FastifyInstance;
let commune: Browser;
let district: Browser;
let province: Browser;

const current = quarterOf(localDateOf(new Date(), timeZone));
const areaId = async (code: string) => (await db.area.findUniqueOrThrow({ where: { code } })).id;
const group = async (name: string) => db.communicationGroup.findFirstOrThrow({ where: { name: { contains: name } } });
const text = (body: string) => pageText(body);
const auditRows = (body: string) => [...body.matchAll(/<tr data-audit="\d+">[\s\S]*?<\/tr>/g)].map((m) => m[0]);
const reportRows = (body: string) => [...body.matchAll(/<tr data-report="(\d+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ id: Number(m[1]), text: text(m[2]!) }));

let seq = 0;
async function report(groupName: string, heldOn: LocalDate, people: [number, number, number], extra: Partial<ConfirmedReport> = {}, source = 'telegram') {
  const g = await group(groupName);
  const leader = await db.membership.findFirstOrThrow({ where: { groupId: g.id, role: 'leader' }, include: { person: true } });
  const draftId = `admin-reports-${seq++}`;
  const saved = await saveReport(
    db,
    draftId,
    { groupId: g.id, heldOn, format: 'direct', topics: ['child-marriage'], participantsTotal: people[0], participantsWomen: people[1], participantsEthnicMinority: people[2], place: 'Nhà văn hóa bản', notes: null, photos: [], ...extra },
    { personId: leader.person.id, actor: `${source}:${leader.person.platformUserId}`, source },
  );
  expect(saved).toBe(true);
  return db.sessionReport.findUniqueOrThrow({ where: { idempotencyKey: `report:${draftId}` } });
}

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  http = await dashboard(db);
  commune = await signedIn(http, db, communeAdmin);
  district = await signedIn(http, db, districtAdmin);
  province = await signedIn(http, db, provinceAdmin);
});
afterAll(async () => {
  await http?.close();
  await store?.close();
});

describe('session reports: the list', () => {
  const start = quarterStart(current);
  beforeAll(async () => {
    await report('Nà Hìn', start, [45, 30, 40]);
    await report('Tà Làng', start, [20, 12, 18]);
    await report('bản Cang', start, [33, 20, 25]);
  });

  it("a commune admin sees her commune's reports of this quarter only, with group, area, format and the participant figures", async () => {
    const res = await commune.get('/admin/reports');
    expect(res.statusCode).toBe(200);
    const rows = reportRows(res.body);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toContain('Tổ truyền thông bản Nà Hìn');
    expect(rows[0]!.text).toContain('Bản Nà Hìn');
    expect(rows[0]!.text).toContain('Truyền thông trực tiếp');
    expect(rows[0]!.text).toMatch(/45 30 40/);
    expect(text(res.body)).toContain(`Quý ${current.quarter}/${current.year}: 1 báo cáo.`);
    expect(res.body).not.toContain('Tà Làng');
  });

  it('a district admin over two communes sees both, not the third; the area filter narrows to one', async () => {
    const all = text((await district.get('/admin/reports')).body);
    expect(all).toContain('Tổ truyền thông bản Nà Hìn');
    expect(all).toContain('Tổ truyền thông bản Tà Làng');
    expect(all).not.toContain('Tổ truyền thông bản Cang');
    const suoiMay = await district.get(`/admin/reports?area=${await areaId('demo-suoi-may')}`);
    expect(suoiMay.statusCode).toBe(200);
    const rows = reportRows(suoiMay.body);
    expect(rows.map((r) => r.text.includes('Tà Làng'))).toEqual([true]);
  });

  it('a province admin sees all three', async () => {
    expect(reportRows((await province.get('/admin/reports')).body)).toHaveLength(3);
  });

  it("an area outside the admin's scope is refused with 403 and written to the audit log", async () => {
    const naSang = await areaId('demo-na-sang');
    const res = await district.get(`/admin/reports?area=${naSang}`);
    expect(res.statusCode).toBe(403);
    expect(text(res.body)).toContain('Bạn không có quyền xem địa bàn này');
    const person = await personOf(db, districtAdmin);
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', actorId: person.id, entityId: String(naSang) } })).toBe(1);
  });

  it('another quarter shows its own reports: last quarter has none of these', async () => {
    const res = await province.get(`/admin/reports?quarter=${formatQuarter(previousQuarter(current))}`);
    expect(res.statusCode).toBe(200);
    expect(reportRows(res.body)).toHaveLength(0);
    expect(text(res.body)).toContain('Chưa có báo cáo nào của quý này');
    // The quarter picker offers the last four quarters, the chosen one selected.
    expect(res.body).toContain(`<option value="${formatQuarter(previousQuarter(current))}" selected>`);
    expect([...res.body.matchAll(/<option value="\d{4}Q\d"/g)]).toHaveLength(4);
  });

  it('a bad quarter, page or area in the address gets a 400 page', async () => {
    for (const query of ['quarter=abc', 'quarter=2026Q5', 'page=0', 'page=-1', 'page=abc', 'area=x', 'area=1&area=2']) {
      const res = await commune.get(`/admin/reports?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(text(res.body), query).toContain('Yêu cầu không hợp lệ');
    }
  });

  it('50 reports a page, newest session first, with links to the next and previous pages', async () => {
    const older = previousQuarter(previousQuarter(current));
    const q = formatQuarter(older);
    const first = quarterStart(older);
    // 55 sessions of Co Mị on 55 different days of that quarter.
    for (let i = 0; i < 55; i++) await report('Co Mị', addDays(first, i), [10 + i, 5, 5]);
    const page1 = await commune.get(`/admin/reports?quarter=${q}`);
    const rows1 = reportRows(page1.body);
    expect(rows1).toHaveLength(50);
    expect(rows1[0]!.text).toMatch(/ 64 5 5/); // the newest: the 55th day, 64 people
    expect(text(page1.body)).toContain('Trang 1/2');
    expect(page1.body).toContain(`href="/admin/reports?quarter=${q}&amp;page=2"`);
    expect(text(page1.body)).not.toContain('Trang trước');

    const page2 = await commune.get(`/admin/reports?quarter=${q}&page=2`);
    const rows2 = reportRows(page2.body);
    expect(rows2).toHaveLength(5);
    expect(text(page2.body)).toContain('Trang 2/2');
    expect(text(page2.body)).toContain('Trang trước');
    expect(text(page2.body)).not.toContain('Trang sau');
    expect(new Set([...rows1, ...rows2].map((r) => r.id)).size).toBe(55);
    // The oldest session is last.
    expect(rows2.at(-1)!.text).toMatch(/ 10 5 5/);

    const page3 = await commune.get(`/admin/reports?quarter=${q}&page=3`);
    expect(page3.statusCode).toBe(200);
    expect(reportRows(page3.body)).toHaveLength(0);
    expect(text(page3.body)).toContain('Trang này không có báo cáo');
  });
});

describe('session reports: one report', () => {
  let corrected: { id: number };
  beforeAll(async () => {
    corrected = await report('Huổi Sớ', quarterStart(current), [45, 30, 40], { photos: ['AgACAgIAAxkBAAIB-file-id', 'https://example.org/photo-2.jpg'], notes: 'Bà con hỏi nhiều' });
    const leader = await db.membership.findFirstOrThrow({ where: { groupId: (await group('Huổi Sớ')).id, role: 'leader' }, include: { person: true } });
    const ok = await correctReport(
      db,
      corrected.id,
      {
        groupId: (await group('Huổi Sớ')).id,
        heldOn: quarterStart(current),
        format: 'staged',
        topics: ['child-marriage', 'domestic-violence'],
        participantsTotal: 50,
        participantsWomen: 30,
        participantsEthnicMinority: 40,
        place: 'Nhà văn hóa bản',
        notes: 'Bà con hỏi nhiều',
        photos: ['AgACAgIAAxkBAAIB-file-id', 'https://example.org/photo-2.jpg'],
      },
      { personId: leader.person.id, actor: `telegram:${leader.person.platformUserId}` },
    );
    expect(ok).toBe(true);
  });

  it('shows the figures (men = total − women), the place, the notes, who reported and on which platform', async () => {
    const res = await commune.get(`/admin/reports/${corrected.id}`);
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Tổ truyền thông bản Huổi Sớ');
    expect(page).toContain('Tỉnh Sơn Cước (DEMO) › Xã Hoa Ban (DEMO) › Bản Huổi Sớ');
    expect(page).toContain('Số người tham gia 50');
    expect(page).toContain('Nữ 30');
    expect(page).toContain('Nam 20');
    expect(page).toContain('Dân tộc thiểu số 40');
    expect(page).toContain('Sân khấu hóa');
    expect(page).toContain('Tảo hôn; Bạo lực gia đình và bạo lực trên cơ sở giới');
    expect(page).toContain('Bà con hỏi nhiều');
    expect(page).toContain('Gửi qua Telegram');
    expect(page).toContain('Người báo cáo Quàng Văn Thanh');
  });

  it('says how many photos are stored and where, and links only to https addresses', async () => {
    const res = await commune.get(`/admin/reports/${corrected.id}`);
    const page = text(res.body);
    expect(page).toContain('Có 2 ảnh, lưu trên Telegram.');
    expect(res.body).toContain('<a href="https://example.org/photo-2.jpg" rel="noreferrer noopener" target="_blank">Ảnh 2</a>');
    expect(res.body).not.toContain('href="AgAC');
    expect(page).toContain('Loa Bản chỉ giữ mã tệp của ảnh trên Telegram');
  });

  it('lists the correction: when, who, and each changed field before → after, by its label', async () => {
    const res = await commune.get(`/admin/reports/${corrected.id}`);
    const corrections = text(res.body.split('id="corrections"')[1] ?? '');
    expect(corrections).toContain('Quàng Văn Thanh');
    expect(corrections).toContain('Số người tham gia: 45 → 50');
    expect(corrections).toContain('Hình thức: Truyền thông trực tiếp → Sân khấu hóa');
    expect(corrections).toContain('Chủ đề: Tảo hôn → Tảo hôn; Bạo lực gia đình và bạo lực trên cơ sở giới');
    // Unchanged fields are not listed.
    expect(corrections).not.toContain('Số nữ');
    expect(corrections).not.toContain('Địa điểm');
    // The list marks the report as corrected.
    const list = reportRows((await commune.get('/admin/reports')).body);
    expect(list.find((r) => r.id === corrected.id)!.text).toContain('đã sửa');
    expect(list.filter((r) => r.id !== corrected.id).every((r) => !r.text.includes('đã sửa'))).toBe(true);
  });

  it("another commune's report is refused with 403 and an admin.forbidden audit entry naming its area", async () => {
    const other = await report('Phiêng Bánh', quarterStart(current), [12, 6, 6]);
    const res = await commune.get(`/admin/reports/${other.id}`);
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('Phiêng Bánh');
    const person = await personOf(db, communeAdmin);
    const g = await group('Phiêng Bánh');
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.forbidden', actorId: person.id, entityId: String(g.areaId) }, orderBy: { id: 'desc' } });
    expect(entry.after).toMatchObject({ url: `/admin/reports/${other.id}`, method: 'GET' });
    // The district admin over that commune sees it.
    expect((await district.get(`/admin/reports/${other.id}`)).statusCode).toBe(200);
  });

  it('an unknown or malformed report id shows "not found"', async () => {
    for (const id of ['999999', 'abc', '0']) {
      const res = await commune.get(`/admin/reports/${id}`);
      expect(res.statusCode, id).toBe(404);
      expect(text(res.body)).toContain('Không tìm thấy trang');
    }
  });
});

describe('unanswered questions', () => {
  let inHoaBan: number;
  let inSuoiMay: number;
  let noArea: number;
  beforeAll(async () => {
    inHoaBan = (await db.unansweredQuestion.create({ data: { text: 'Làm giấy khai sinh cho con ở đâu?', areaId: await areaId('demo-hoa-ban-na-hin') } })).id;
    inSuoiMay = (await db.unansweredQuestion.create({ data: { text: 'Vay vốn nuôi bò thế nào?', areaId: await areaId('demo-suoi-may-ta-lang') } })).id;
    noArea = (await db.unansweredQuestion.create({ data: { text: 'Where is the <clinic>?', language: 'en' } })).id;
  });

  it("a commune admin sees her area's questions with language, area and time, not other communes' nor those without an area", async () => {
    const res = await commune.get('/admin/questions');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Có 1 câu hỏi đang chờ.');
    expect(page).toContain('Làm giấy khai sinh cho con ở đâu?');
    expect(page).toContain('Tiếng Việt · Bản Nà Hìn');
    expect(page).toContain('Loa Bản không lưu ai đã hỏi');
    expect(page).toContain('content/faq');
    expect(page).not.toContain('Vay vốn nuôi bò');
    expect(page).not.toContain('clinic');
  });

  it('a district admin sees both of her communes; a province admin also sees the questions without an area (escaped)', async () => {
    const d = text((await district.get('/admin/questions')).body);
    expect(d).toContain('Làm giấy khai sinh');
    expect(d).toContain('Vay vốn nuôi bò');
    expect(d).not.toContain('clinic');
    const p = await province.get('/admin/questions');
    expect(text(p.body)).toContain('Có 3 câu hỏi đang chờ.');
    expect(p.body).toContain('Where is the &lt;clinic&gt;?');
    expect(text(p.body)).toContain('Tiếng Anh · không rõ địa bàn');
  });

  it('"Handled" deletes the question and writes its text to the audit log', async () => {
    const page = await commune.get('/admin/questions');
    const res = await commune.post(`/admin/questions/${inHoaBan}/done`, { _csrf: csrfOf(page.body) });
    expect(res.statusCode).toBe(303);
    expect(await db.unansweredQuestion.count({ where: { id: inHoaBan } })).toBe(0);
    const after = text((await commune.get(res.headers.location as string)).body);
    expect(after).toContain('Đã đánh dấu xử lý');
    expect(after).toContain('Có 0 câu hỏi đang chờ.');
    const person = await personOf(db, communeAdmin);
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.question.done', entityId: String(inHoaBan) } });
    expect(entry.actorId).toBe(person.id);
    expect(entry.areaId).toBe(await areaId('demo-hoa-ban-na-hin'));
    expect(entry.before).toMatchObject({ text: 'Làm giấy khai sinh cho con ở đâu?' });
    // Pressed again (an old page): told it was handled already, nothing else happens.
    const again = await commune.post(`/admin/questions/${inHoaBan}/done`, { _csrf: csrfOf(page.body) });
    expect(again.headers.location).toBe('/admin/questions?gone=1');
    expect(await db.auditLog.count({ where: { action: 'admin.question.done', entityId: String(inHoaBan) } })).toBe(1);
  });

  it("another commune's question, or one without an area, cannot be handled by a commune admin: 403, audited, kept", async () => {
    const csrf = csrfOf((await commune.get('/admin/questions')).body);
    const person = await personOf(db, communeAdmin);
    const other = await commune.post(`/admin/questions/${inSuoiMay}/done`, { _csrf: csrf });
    expect(other.statusCode).toBe(403);
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', actorId: person.id, entityId: String(await areaId('demo-suoi-may-ta-lang')) } })).toBe(1);
    const arealess = await commune.post(`/admin/questions/${noArea}/done`, { _csrf: csrf });
    expect(arealess.statusCode).toBe(403);
    expect(text(arealess.body)).toContain('chỉ cán bộ cấp tỉnh');
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', actorId: person.id, entity: 'UnansweredQuestion', entityId: String(noArea) } })).toBe(1);
    expect(await db.unansweredQuestion.count({ where: { id: { in: [inSuoiMay, noArea] } } })).toBe(2);
  });

  it('without the form token nothing is deleted', async () => {
    const res = await province.post(`/admin/questions/${noArea}/done`, {});
    expect(res.statusCode).toBe(403);
    expect(await db.unansweredQuestion.count({ where: { id: noArea } })).toBe(1);
  });
});

describe('invite codes', () => {
  it("lists the commune's groups by area with their leader, open codes and the villagers' join code", async () => {
    const res = await commune.get('/admin/invites');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Tỉnh Sơn Cước (DEMO) › Xã Hoa Ban (DEMO)');
    expect(page).toContain('Tổ truyền thông bản Nà Hìn');
    expect(page).toContain('Lò Thị Hương (tổ trưởng)');
    expect(page).not.toContain('Tà Làng');
    const naHin = await group('Nà Hìn');
    const joinCode = (await db.communicationGroup.findUniqueOrThrow({ where: { id: naHin.id } })).joinCode!;
    expect(joinCode).toMatch(/^[A-Z2-9]{6}$/);
    const box = text(new RegExp(`<section class="box group" data-group="${naHin.id}">([\\s\\S]*?)</section>`).exec(res.body)![1]!);
    expect(box).toContain(`Mã tham gia cho bà con: ${joinCode}`);
    expect(box).toContain('Không có mã mời nào đang chờ dùng.');
  });

  it('creating a code shows it once, with its expiry and how to send it; the code makes its sender the group\'s deputy', async () => {
    const naHin = await group('Nà Hìn');
    const page = await commune.get('/admin/invites');
    const res = await commune.post('/admin/invites', { _csrf: csrfOf(page.body), groupId: String(naHin.id), role: 'deputy' });
    expect(res.statusCode).toBe(200);
    const code = /<p class="code" id="invite-code">([A-Z2-9]{4}-[A-Z2-9]{4})<\/p>/.exec(res.body)?.[1];
    expect(code).toBeDefined();
    const shown = text(res.body);
    expect(shown).toContain('Mã mời tổ phó «Tổ truyền thông bản Nà Hìn»');
    expect(shown).toMatch(/Hết hạn lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    expect(shown).toContain(`/dangky ${code}`);
    expect(shown).toContain('Mã chỉ hiện một lần');

    // The list now counts one open code, and never shows the code itself.
    const list = await commune.get('/admin/invites');
    expect(list.body).not.toContain(code!);
    const box = text(new RegExp(`<section class="box group" data-group="${naHin.id}">([\\s\\S]*?)</section>`).exec(list.body)![1]!);
    expect(box).toContain('Mã mời chưa dùng: 1');

    // Audited with the group's area, without the code.
    const person = await personOf(db, communeAdmin);
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.invite.create', actorId: person.id }, orderBy: { id: 'desc' } });
    expect(entry.areaId).toBe(naHin.areaId);
    expect(entry.entityId).toBe(String(naHin.id));
    const everything = JSON.stringify(await db.auditLog.findMany());
    expect(everything).not.toContain(code!);
    expect(everything).not.toContain(code!.replace('-', ''));
    const invite = await db.inviteCode.findFirstOrThrow({ where: { groupId: naHin.id }, orderBy: { id: 'desc' } });
    expect(invite.createdBy).toBe(`sandbox:${communeAdmin}`);

    const redeemed = await redeemInvite(db, code!, { platform: 'telegram', chat: { id: '-100777', kind: 'group', title: 'Nà Hìn' }, sender: { id: '777', displayName: 'Lò Thị Mai' } });
    expect(redeemed).toMatchObject({ ok: true, group: { id: naHin.id }, role: 'deputy' });
    const after = text((await commune.get('/admin/invites')).body);
    expect(after).toContain('Lò Thị Mai (tổ phó)');
  });

  it('a group outside the scope (a tampered form) is refused with 403 and audited; no code is made', async () => {
    const taLang = await group('Tà Làng');
    const page = await commune.get('/admin/invites');
    const res = await commune.post('/admin/invites', { _csrf: csrfOf(page.body), groupId: String(taLang.id), role: 'leader' });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toMatch(/id="invite-code"/);
    expect(await db.inviteCode.count({ where: { groupId: taLang.id } })).toBe(0);
    const person = await personOf(db, communeAdmin);
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', actorId: person.id, entityId: String(taLang.areaId), after: { path: ['url'], equals: '/admin/invites' } } })).toBe(1);
  });

  it('a bad role or group id gets a 400 page and no code', async () => {
    const naHin = await group('Nà Hìn');
    const csrf = csrfOf((await commune.get('/admin/invites')).body);
    const before = await db.inviteCode.count();
    for (const form of [
      { groupId: String(naHin.id), role: 'admin' },
      { groupId: 'x', role: 'leader' },
      { groupId: '999999', role: 'leader' },
    ]) {
      expect((await commune.post('/admin/invites', { _csrf: csrf, ...form })).statusCode, JSON.stringify(form)).toBe(400);
    }
    expect(await db.inviteCode.count()).toBe(before);
  });
});

describe('the audit log', () => {
  it('is refused to a commune admin (403, audited) and missing from her menu', async () => {
    const res = await commune.get('/admin/audit');
    expect(res.statusCode).toBe(403);
    expect(text(res.body)).toContain('Nhật ký chỉ dành cho cán bộ Hội LHPN cấp tỉnh.');
    expect(res.body).not.toContain('href="/admin/audit"');
    const person = await personOf(db, communeAdmin);
    expect(await db.auditLog.count({ where: { action: 'admin.forbidden', actorId: person.id, entity: 'AuditLog' } })).toBe(1);
    expect((await district.get('/admin/audit')).statusCode).toBe(403);
  });

  it('shows a province admin the entries, newest first, as sentences with names, areas and the raw record folded', async () => {
    const res = await province.get('/admin/audit');
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Đăng nhập trang quản trị');
    expect(page).toContain('Sửa báo cáo');
    expect(page).toContain('Cán bộ Hội LHPN xã Hoa Ban (DEMO) đã đăng nhập trang quản trị');
    expect(page).toContain(`sandbox:${communeAdmin}`); // in the "chi tiết" fold
    const ids = [...res.body.matchAll(/<tr data-audit="(\d+)">/g)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // The handled question's text, escaped, in its row.
    const done = auditRows(res.body).find((row) => row.includes('admin.question.done'))!;
    expect(text(done)).toContain('đã xử lý câu hỏi chưa trả lời «Làm giấy khai sinh cho con ở đâu?»');
    expect(text(done)).toContain('Bản Nà Hìn');
    expect(text(done)).toContain('Làm giấy khai sinh cho con ở đâu?');
  });

  it('filters by action or family; a bad filter or page gets a 400 page', async () => {
    const reports = await province.get('/admin/audit?action=report.');
    expect(reports.statusCode).toBe(200);
    const actions = auditRows(reports.body);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((row) => /đã (gửi|sửa) báo cáo buổi sinh hoạt/.test(text(row)))).toBe(true);
    expect(reports.body).toContain('<option value="report." selected>');
    const corrections = await province.get('/admin/audit?action=report.correct');
    expect([...corrections.body.matchAll(/<tr data-audit=/g)]).toHaveLength(1);
    for (const query of ['action=%3Cscript%3E', 'page=0', 'page=x']) expect((await province.get(`/admin/audit?${query}`)).statusCode, query).toBe(400);
  });

  it('pages by 100', async () => {
    // Everything in this database lies in the demo province or has no area: the province admin sees it all.
    await db.auditLog.createMany({ data: Array.from({ length: 120 }, (_, i) => ({ actor: 'cli', action: 'test.bulk', entity: 'Test', entityId: String(i) })) });
    const total = await db.auditLog.count();
    const pages = Math.ceil(total / 100);
    const first = await province.get('/admin/audit');
    expect(auditRows(first.body)).toHaveLength(100);
    expect(first.body).toContain('href="/admin/audit?page=2"');
    expect(text(first.body)).toContain(`Trang 1/${pages}`);
    const last = await province.get(`/admin/audit?page=${pages}`);
    expect(auditRows(last.body)).toHaveLength(total - (pages - 1) * 100);
  });
});
