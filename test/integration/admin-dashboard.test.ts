/**
 * The dashboard over http (fastify inject) on a real database: login links that work once and
 * expire, sessions and their cookies, CSRF on every form, the area scope, and /dangnhap in chat.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAdmin } from '../../src/features/admin/admins.ts';
import { createLoginLink, loginLinkTtlMs, sessionIdleMs } from '../../src/features/admin/auth.ts';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { formatQuarter, localDateOf, previousQuarter, quarterEnd, quarterOf, quarterStart, toUtcDate } from '../../src/features/reporting/quarter.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { browser, communeAdmin, csrfOf, dashboard, linkFor, log, logIn, personOf, provinceAdmin, timeZone } from '../support/admin.ts';
import { freshStore } from '../support/stores.ts';
import { adminChat, chatDeps } from '../support/inbound.ts';

let store: Store;
let db: Db;
let http: FastifyInstance;
const areaId = async (code: string) => (await db.area.findUniqueOrThrow({ where: { code } })).id;

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  http = await dashboard(db);
});
afterAll(async () => {
  await http?.close();
  await store?.close();
});

describe('login by one-time link', () => {
  it('opening the link only shows a button (a chat app previewing it uses nothing); pressing it opens the overview and is audited', async () => {
    const b = browser(http);
    const token = await linkFor(db, communeAdmin);
    const page = await b.get(`/admin/login/${token}`);
    expect(page.body).toContain('Vào trang quản trị');
    expect((await b.get(`/admin/login/${token}`)).statusCode).toBe(200);
    const pressed = await b.post(`/admin/login/${token}`, { _csrf: csrfOf(page.body) });
    expect(pressed.statusCode).toBe(303);
    expect(pressed.headers.location).toBe('/admin');
    const overview = await b.get('/admin');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('Cán bộ Hội LHPN xã Hoa Ban (DEMO)');
    const person = await personOf(db, communeAdmin);
    expect(await db.auditLog.count({ where: { action: 'admin.login', actorId: person.id } })).toBeGreaterThanOrEqual(1);
    expect(await db.auditLog.count({ where: { action: 'admin.link', actorId: person.id } })).toBeGreaterThanOrEqual(1);
  });

  it('only the SHA-256 of the token is stored', async () => {
    const token = await linkFor(db, communeAdmin);
    expect(await db.adminLoginLink.count({ where: { tokenHash: { contains: token } } })).toBe(0);
    expect(await db.adminLoginLink.count({ where: { tokenHash: { not: { contains: token } } } })).toBeGreaterThan(0);
  });

  it('a link works once: pressing it again, or opening it later, shows "link already used" and opens nothing', async () => {
    const first = browser(http);
    const token = await linkFor(db, communeAdmin);
    const page = await first.get(`/admin/login/${token}`);
    const second = browser(http);
    const secondPage = await second.get(`/admin/login/${token}`);
    expect((await first.post(`/admin/login/${token}`, { _csrf: csrfOf(page.body) })).statusCode).toBe(303);
    const again = await second.post(`/admin/login/${token}`, { _csrf: csrfOf(secondPage.body) });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('Liên kết đã được dùng');
    expect(again.body).toContain('/dangnhap');
    expect(second.jar.loaban_admin).toBeUndefined();
    const reopened = await browser(http).get(`/admin/login/${token}`);
    expect(reopened.statusCode).toBe(410);
    expect(reopened.body).toContain('chỉ dùng được một lần');
  });

  it('a link older than 10 minutes shows "link expired" and opens nothing', async () => {
    const token = await linkFor(db, communeAdmin, new Date(Date.now() - loginLinkTtlMs - 1000));
    const b = browser(http);
    const page = await b.get(`/admin/login/${token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('Liên kết đã hết hạn');
    expect(page.body).toContain('10 phút');
    // Even pressed with a good form token (from a fresh link's page in the same browser).
    const formToken = csrfOf((await b.get(`/admin/login/${await linkFor(db, communeAdmin)}`)).body);
    const pressed = await b.post(`/admin/login/${token}`, { _csrf: formToken });
    expect(pressed.statusCode).toBe(410);
    expect(b.jar.loaban_admin).toBeUndefined();
  });

  it('a mangled link gets a clear page, never a stack trace', async () => {
    for (const token of ['abc', 'x'.repeat(43), '../../etc/passwd']) {
      const res = await browser(http).get(`/admin/login/${encodeURIComponent(token)}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Liên kết không đúng');
      expect(res.body).not.toMatch(/\bat \S+ \(/);
    }
  });

  it('the session cookie is HttpOnly, SameSite=Lax, for /admin only, 7 days, and not Secure over plain http', async () => {
    const b = browser(http);
    const res = await logIn(b, db, communeAdmin);
    const session = res.cookies.find((c) => c.name === 'loaban_admin')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/admin', maxAge: 7 * 24 * 3600 });
    expect(session.secure).toBeFalsy();
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await db.adminSession.count({ where: { idHash: { contains: session.value } } })).toBe(0);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('behind https (PUBLIC_URL https://…) both cookies are Secure', async () => {
    const secure = await dashboard(db, { publicUrl: 'https://loaban.example.vn' });
    try {
      const b = browser(secure);
      const token = await linkFor(db, communeAdmin);
      const page = await b.get(`/admin/login/${token}`);
      expect(page.cookies.find((c) => c.name === 'loaban_csrf')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
      const res = await b.post(`/admin/login/${token}`, { _csrf: csrfOf(page.body) });
      expect(res.cookies.find((c) => c.name === 'loaban_admin')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    } finally {
      await secure.close();
    }
  });

  it('a page without a session goes to the login page, which says how to get a link', async () => {
    const b = browser(http);
    const res = await b.get('/admin/compliance');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/login');
    const login = await b.get('/admin/login');
    expect(login.body).toContain('/dangnhap');
    expect(login.body).not.toContain('sandbox-login');
  });
});

describe('sessions end', () => {
  it('after 12 hours unused, or 7 days after login, the next page asks to log in again; the session is deleted', async () => {
    for (const change of [{ lastSeenAt: new Date(Date.now() - sessionIdleMs - 1000) }, { expiresAt: new Date(Date.now() - 1000) }]) {
      const b = browser(http);
      await logIn(b, db, communeAdmin);
      const sessions = await db.adminSession.findMany({ orderBy: { id: 'desc' }, take: 1 });
      await db.adminSession.update({ where: { id: sessions[0]!.id }, data: change });
      const res = await b.get('/admin');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/admin/login?ended=1');
      expect(await db.adminSession.count({ where: { id: sessions[0]!.id } })).toBe(0);
      expect((await b.get('/admin/login?ended=1')).body).toContain('Phiên làm việc đã hết');
    }
  });

  it('use keeps a session alive: a page 11 hours after the last one moves the idle clock', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const [session] = await db.adminSession.findMany({ orderBy: { id: 'desc' }, take: 1 });
    await db.adminSession.update({ where: { id: session!.id }, data: { lastSeenAt: new Date(Date.now() - 11 * 3600_000) } });
    expect((await b.get('/admin')).statusCode).toBe(200);
    const touched = await db.adminSession.findUniqueOrThrow({ where: { id: session!.id } });
    expect(Date.now() - touched.lastSeenAt.getTime()).toBeLessThan(60_000);
  });

  it('logging in again in the same browser replaces its session: the old cookie opens nothing', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const first = b.jar.loaban_admin!;
    await logIn(b, db, communeAdmin);
    expect(b.jar.loaban_admin).not.toBe(first);
    expect((await http.inject({ method: 'GET', url: '/admin', cookies: { loaban_admin: first } })).statusCode).toBe(303);
    expect((await b.get('/admin')).statusCode).toBe(200);
  });

  it('logout (a form with its CSRF token) deletes the session, is audited, and the old cookie opens nothing', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const cookie = b.jar.loaban_admin!;
    const page = await b.get('/admin');
    const before = await db.auditLog.count({ where: { action: 'admin.logout' } });
    const out = await b.post('/admin/logout', { _csrf: csrfOf(page.body) });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/admin/login?out=1');
    expect(b.jar.loaban_admin).toBeUndefined();
    expect(await db.auditLog.count({ where: { action: 'admin.logout' } })).toBe(before + 1);
    const replay = await http.inject({ method: 'GET', url: '/admin', cookies: { loaban_admin: cookie } });
    expect(replay.statusCode).toBe(303);
  });

  it('an admin whose rights were taken away is told so, and their session ends', async () => {
    await addAdmin(db, { platform: 'telegram', userId: '777001', displayName: 'Cán bộ tạm', areaId: await areaId('demo-suoi-may'), level: 'commune', actor: 'test' });
    const p = await db.person.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'telegram', platformUserId: '777001' } } });
    const b = browser(http);
    const { token } = await createLoginLink(db, { personId: p.id, platform: 'telegram', platformUserId: '777001' });
    const page = await b.get(`/admin/login/${token}`);
    await b.post(`/admin/login/${token}`, { _csrf: csrfOf(page.body) });
    expect((await b.get('/admin')).statusCode).toBe(200);
    await db.adminGrant.deleteMany({ where: { personId: p.id } });
    const res = await b.get('/admin');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('không có quyền quản trị');
    expect(await db.adminSession.count({ where: { personId: p.id } })).toBe(0);
  });
});

describe('CSRF: every form carries a token bound to the session', () => {
  it('logout without the token, or with another session\'s token, is refused with a clear 403 page, and the session stays', async () => {
    const a = browser(http);
    await logIn(a, db, communeAdmin);
    const other = browser(http);
    await logIn(other, db, provinceAdmin);
    const othersToken = csrfOf((await other.get('/admin')).body);
    for (const form of [{}, { _csrf: 'forged' }, { _csrf: othersToken }] as Record<string, string>[]) {
      const res = await a.post('/admin/logout', form);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Biểu mẫu không hợp lệ');
      expect(res.body).toContain('tải lại trang');
    }
    expect((await a.get('/admin')).statusCode).toBe(200);
  });

  it('a token from before login does not work after it (the token follows the session)', async () => {
    const b = browser(http);
    const loginPageToken = csrfOf((await b.get(`/admin/login/${await linkFor(db, communeAdmin)}`)).body);
    await logIn(b, db, communeAdmin);
    expect((await b.post('/admin/logout', { _csrf: loginPageToken })).statusCode).toBe(403);
  });

  it('a form posted from another site (no CSRF cookie) is refused', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const token = csrfOf((await b.get('/admin')).body);
    const res = await http.inject({
      method: 'POST',
      url: '/admin/logout',
      cookies: { loaban_admin: b.jar.loaban_admin! },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(token)}`,
    });
    expect(res.statusCode).toBe(403);
  });

  it('the login button needs its token too', async () => {
    const token = await linkFor(db, communeAdmin);
    const b = browser(http);
    await b.get(`/admin/login/${token}`);
    expect((await b.post(`/admin/login/${token}`, {})).statusCode).toBe(403);
    // Refused before the link was looked at: it still works.
    expect((await browser(http).get(`/admin/login/${token}`)).statusCode).toBe(200);
  });
});

describe('an admin sees only their area', () => {
  it('the commune admin\'s overview and compliance show the commune\'s four groups, not the next commune\'s', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    for (const url of ['/admin', '/admin/compliance']) {
      const body = (await b.get(url)).body;
      for (const name of ['Nà Hìn', 'Co Mị', 'Huổi Sớ', 'Pá Ca']) expect(body, url).toContain(name);
      for (const name of ['Tà Làng', 'Bản Cang']) expect(body, url).not.toContain(name);
    }
  });

  it('editing the URL to another commune, or to the province above, gets 403 and an audit entry', async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const admin = await personOf(db, communeAdmin);
    for (const code of ['demo-suoi-may', 'demo']) {
      const target = await areaId(code);
      const res = await b.get(`/admin/compliance?area=${target}`);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('Không có quyền');
      expect(res.body).not.toContain('Tà Làng');
      const entry = await db.auditLog.findFirst({ where: { action: 'admin.forbidden', actorId: admin.id, entityId: String(target) } });
      expect(entry).toMatchObject({ actor: 'sandbox:demo-admin-hoa-ban', entity: 'Area' });
    }
    expect((await b.get('/admin/compliance?area=99999')).statusCode).toBe(403);
    expect((await b.get('/admin/compliance?area=1%20OR%201=1')).statusCode).toBe(400);
  });

  it('the province admin sees all twelve groups and can narrow to one commune', async () => {
    const b = browser(http);
    await logIn(b, db, provinceAdmin);
    const all = (await b.get('/admin/compliance')).body;
    expect(all.match(/data-group="/g)).toHaveLength(12);
    const suoiMay = await b.get(`/admin/compliance?area=${await areaId('demo-suoi-may')}`);
    expect(suoiMay.statusCode).toBe(200);
    expect(suoiMay.body.match(/data-group="/g)).toHaveLength(4);
    expect(suoiMay.body).toContain('Tà Làng');
    expect(suoiMay.body).not.toContain('Nà Hìn');
  });
});

describe('sandbox login', () => {
  it('only in sandbox mode: the login page lists the demo admins, and one press logs in (audited)', async () => {
    const sandbox = await dashboard(db, { sandbox: true });
    try {
      const b = browser(sandbox);
      const page = await b.get('/admin/login');
      expect(page.body).toContain('Cán bộ Hội LHPN tỉnh (DEMO)');
      expect(page.body).toContain('Cán bộ Hội LHPN xã Hoa Ban (DEMO)');
      const province = await personOf(db, provinceAdmin);
      const res = await b.post('/admin/sandbox-login', { _csrf: csrfOf(page.body), personId: String(province.id) });
      expect(res.statusCode).toBe(303);
      expect((await b.get('/admin')).body).toContain('Tỉnh Sơn Cước (DEMO)');
      const entry = await db.auditLog.findFirst({ where: { action: 'admin.login', actorId: province.id }, orderBy: { id: 'desc' } });
      expect(entry?.after).toEqual({ via: 'sandbox' });
      // Not a way in for someone who is not a sandbox admin.
      const villager = await personOf(db, 'villager-demo-hoa-ban-na-hin');
      const c = browser(sandbox);
      const refused = await c.post('/admin/sandbox-login', { _csrf: csrfOf((await c.get('/admin/login')).body), personId: String(villager.id) });
      expect(refused.statusCode).toBe(400);
      expect(c.jar.loaban_admin).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it('off the sandbox there is no such door', async () => {
    const b = browser(http);
    const page = await b.get('/admin/login');
    expect(page.body).not.toContain('DEMO');
    const formToken = csrfOf((await b.get(`/admin/login/${await linkFor(db, communeAdmin)}`)).body);
    const province = await personOf(db, provinceAdmin);
    const res = await b.post('/admin/sandbox-login', { _csrf: formToken, personId: String(province.id) });
    expect(res.statusCode).toBe(404);
    expect(b.jar.loaban_admin).toBeUndefined();
  });
});

describe('the figures', () => {
  it('overview and compliance count reports by quarter: on time, late, missing; participants by sex and ethnic minority', async () => {
    const fresh = await freshStore('pglite');
    const fdb = fresh.prisma;
    await seedDemo(fdb, readDemoData(defaultContentDir));
    const app = await dashboard(fdb);
    try {
      const now = new Date();
      const current = quarterOf(localDateOf(now, timeZone));
      const previous = previousQuarter(current);
      const group = async (name: string) => (await fdb.communicationGroup.findFirstOrThrow({ where: { name: { contains: name } } })).id;
      let n = 0;
      const report = (groupId: number, quarter: typeof current, createdAt: Date, people: [number, number, number]) =>
        fdb.sessionReport.create({
          data: {
            groupId,
            quarter: formatQuarter(quarter),
            heldOn: toUtcDate(quarterStart(quarter)),
            format: 'direct',
            topics: [],
            participantsTotal: people[0],
            participantsWomen: people[1],
            participantsEthnicMinority: people[2],
            place: 'nhà văn hoá',
            photos: [],
            source: 'test',
            idempotencyKey: `t${n++}`,
            createdAt,
          },
        });
      // Nà Hìn: this quarter. Co Mị: last quarter, reported after it ended. Huổi Sớ: last quarter, on its last day (noon in Vietnam).
      await report(await group('Nà Hìn'), current, now, [30, 18, 25]);
      await report(await group('Co Mị'), previous, now, [20, 11, 20]);
      await report(await group('Huổi Sớ'), previous, new Date(toUtcDate(quarterEnd(previous)).getTime() + 5 * 3600_000), [15, 9, 12]);
      // A schedule to everyone, one to the next commune only.
      const soon = new Date(now.getTime() + 3600_000);
      await fdb.schedule.create({ data: { kind: 'once', text: 'Tin cho mọi bản', audience: {}, runAt: soon, nextRunAt: soon } });
      const suoiMay = (await fdb.area.findUniqueOrThrow({ where: { code: 'demo-suoi-may' } })).id;
      await fdb.schedule.create({ data: { kind: 'once', text: 'Tin riêng Suối Mây', audience: { areaId: suoiMay }, runAt: soon, nextRunAt: soon } });

      const b = browser(app);
      await logIn(b, fdb, communeAdmin);
      const overview = (await b.get('/admin')).body;
      const card = (label: string) => new RegExp(`<div class="n">([\\d.]+)</div><div class="l">${label}</div>`).exec(overview)?.[1];
      expect(card('Tổ truyền thông')).toBe('4');
      expect(card('Đã báo cáo')).toBe('1');
      expect(card('Chưa báo cáo')).toBe('3');
      expect(card('Buổi sinh hoạt quý này')).toBe('1');
      expect(card('Người tham dự quý này')).toBe('30');
      expect(card('Nữ')).toBe('18');
      expect(card('Dân tộc thiểu số')).toBe('25');
      expect(card('Người dân nhận tin riêng')).toBe('4');
      expect(overview).toContain('Tin cho mọi bản');
      expect(overview).not.toContain('Tin riêng Suối Mây');
      expect(overview).toContain('Đã báo cáo: tổ đã báo cáo ít nhất một buổi sinh hoạt của quý này');

      const compliance = (await b.get('/admin/compliance')).body;
      const row = (name: string) => new RegExp(`<tr data-group="\\d+"><td>[^<]*${name}[\\s\\S]*?</tr>`).exec(compliance)![0];
      // Columns newest first: this quarter, the last one, …
      const statuses = (name: string) => [...row(name).matchAll(/class="s s-(\w+)"/g)].map((m) => m[1]);
      expect(statuses('Nà Hìn').slice(0, 2)).toEqual(['reported', 'untracked']);
      expect(statuses('Co Mị').slice(0, 2)).toEqual(['missing', 'late']);
      expect(statuses('Huổi Sớ').slice(0, 2)).toEqual(['missing', 'reported']);
      expect(statuses('Pá Ca').slice(0, 2)).toEqual(['missing', 'untracked']);
      expect(compliance).toContain('25% (1/4 tổ)');
      expect(compliance).toContain('100% (2/2 tổ)');
      expect(compliance).toContain('Chưa báo cáo quý này: 3 tổ.');
    } finally {
      await app.close();
      await fresh.close();
    }
  });
});

describe('/dangnhap in chat', () => {
  async function chat() {
    const channel = new SandboxChannel();
    await channel.start(createInboundHandler({ ...chatDeps(), db, log, channel, admin: adminChat({ baseUrl: 'https://loaban.example.vn' }) }));
    return async (sender: { id: string; displayName: string }, text: string, chat: { id: string; kind: 'private' | 'group' } = { id: `private:${sender.id}`, kind: 'private' }) => {
      const before = channel.transcript(chat.id).length;
      await channel.receive({ chatId: chat.id, chatKind: chat.kind, sender, text });
      return channel.transcript(chat.id).slice(before).filter((m) => m.from === 'bot').map((m) => m.text);
    };
  }

  it('an admin gets a link to PUBLIC_URL that opens the dashboard; a villager is told it is for Women\'s Union admins', async () => {
    const say = await chat();
    const [reply] = await say({ id: communeAdmin, displayName: 'Cán bộ' }, '/dangnhap');
    const link = /https:\/\/loaban\.example\.vn\/admin\/login\/([A-Za-z0-9_-]{43})/.exec(reply!);
    expect(link, reply).not.toBeNull();
    expect(reply).toContain('10 phút');
    expect((await browser(http).get(`/admin/login/${link![1]}`)).statusCode).toBe(200);

    const links = await db.adminLoginLink.count();
    const [refusal] = await say({ id: 'villager-demo-hoa-ban-na-hin', displayName: 'Người dân' }, '/dangnhap');
    expect(refusal).toContain('chỉ dành cho cán bộ Hội Liên hiệp Phụ nữ');
    expect(refusal).not.toContain('/admin/login/');
    const [stranger] = await say({ id: 'someone-new', displayName: 'Ai đó' }, '/dangnhap');
    expect(stranger).toContain('chỉ dành cho cán bộ');
    expect(await db.adminLoginLink.count()).toBe(links);
  });

  it('in a group chat no link is given, even to an admin: only "send it privately"', async () => {
    const say = await chat();
    const links = await db.adminLoginLink.count();
    const [reply] = await say({ id: communeAdmin, displayName: 'Cán bộ' }, '/dangnhap', { id: 'group:demo-hoa-ban-na-hin', kind: 'group' as const });
    expect(reply).toContain('nhắn /dangnhap riêng');
    expect(reply).not.toContain('/admin/login/');
    expect(await db.adminLoginLink.count()).toBe(links);
  });
});

describe('loaban admin add', () => {
  it('creates the person and the grant once, changes the level when asked, and audits each change', async () => {
    const suoiMay = await areaId('demo-suoi-may');
    const admin = { platform: 'zalo' as const, userId: 'z-admin-1', displayName: 'Chị Hà', areaId: suoiMay, level: 'commune' as const, actor: 'cli' };
    expect(await addAdmin(db, admin)).toMatchObject({ outcome: 'created', newPerson: true });
    expect(await addAdmin(db, admin)).toMatchObject({ outcome: 'unchanged' });
    const updated = await addAdmin(db, { ...admin, level: 'district' });
    expect(updated).toMatchObject({ outcome: 'updated', newPerson: false });
    const audit = await db.auditLog.findMany({ where: { entity: 'AdminGrant', entityId: String(updated.grantId) }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['admin.grant.create', 'admin.grant.update']);
    expect(audit.every((a) => a.actor === 'cli' && a.areaId === suoiMay)).toBe(true);
  });
});
