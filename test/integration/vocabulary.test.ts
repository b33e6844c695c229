/**
 * One vocabulary (locales/<language>/glossary.json) on every dashboard page and in the chat: a
 * quarter is "Quý 4/2026" for people — never "2026Q4" (the machine form of urls and commands) nor
 * "Q4/2026" —, a group without a report this quarter is "Chưa báo cáo" everywhere (not "Im lặng"),
 * and no sentence says "địa bàn có địa bàn".
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditAdmin } from '../../src/features/admin/auth.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { formatQuarter, localDateOf, quarterOf, quarterStart, type Quarter } from '../../src/features/reporting/quarter.ts';
import { saveReport } from '../../src/features/reporting/store.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { communeAdmin, dashboard, personOf, provinceAdmin, signedIn, timeZone, type Browser, pageText } from '../support/admin.ts';
import { freshStore } from '../support/stores.ts';
import { leader, leaderChat, sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

/** What a person reads on a page: the "chi tiết" folds (raw records) and tags dropped, entities decoded. */
const readable = (body: string) => pageText(body, { hideFolds: true });

/** The old spellings the glossary replaced. */
const oldSpellings: Array<[string, RegExp]> = [
  ['a machine-form quarter (2026Q4)', /\b20\d\d-?Q[1-4]\b/],
  ['a short quarter (Q4/2026)', /\bQ[1-4]\/20\d\d\b/],
  ['"Im lặng" for groups without a report', /im lặng/i],
  ['"địa bàn có địa bàn"', /địa bàn có địa bàn/],
];
function expectGlossaryWords(where: string, text: string) {
  for (const [what, pattern] of oldSpellings) expect(pattern.exec(text)?.[0], `${where}: ${what}`).toBeUndefined();
}

const current = quarterOf(localDateOf(new Date(), timeZone));
const spoken = (q: Quarter) => `${q.quarter}/${q.year}`;

describe('the dashboard speaks the glossary', () => {
  let store: Store;
  let db: Db;
  let http: FastifyInstance;
  let province: Browser;
  let commune: Browser;
  let reportId: number;

  beforeAll(async () => {
    store = await freshStore('pglite');
    db = store.prisma;
    await seedDemo(db, readDemoData(defaultContentDir));
    http = await dashboard(db);
    const group = await db.communicationGroup.findFirstOrThrow({ where: { name: { contains: 'Nà Hìn' } } });
    const head = await db.membership.findFirstOrThrow({ where: { groupId: group.id, role: 'leader' }, include: { person: true } });
    const report = { groupId: group.id, heldOn: quarterStart(current), format: 'direct', topics: ['child-marriage'], participantsTotal: 30, participantsWomen: 20, participantsEthnicMinority: 25, place: 'Nhà văn hóa bản', notes: null, photos: [] };
    await saveReport(db, 'vocabulary-1', report, { personId: head.person.id, actor: `telegram:${head.person.platformUserId}`, source: 'telegram' });
    reportId = (await db.sessionReport.findUniqueOrThrow({ where: { idempotencyKey: 'report:vocabulary-1' } })).id;
    // An upcoming message for the whole deployment: the overview explains whose messages it lists.
    await db.schedule.create({ data: { text: 'Họp bản', audience: {}, kind: 'once', runAt: new Date(Date.now() + 86_400_000), nextRunAt: new Date(Date.now() + 86_400_000) } });
    const admin = await personOf(db, communeAdmin);
    await auditAdmin(db, { personId: admin.id, platform: 'sandbox', platformUserId: communeAdmin }, 'admin.export', { entity: 'Area', entityId: String(group.areaId), areaId: group.areaId, after: { kind: 'reports', period: formatQuarter(current), format: 'xlsx', rows: 1 } });
    await db.auditLog.create({ data: { actor: 'system', action: 'report.reminder', entity: 'CommunicationGroup', entityId: String(group.id), areaId: group.areaId, after: { quarter: formatQuarter(current), broadcastId: 1, chats: 1 } } });
    province = await signedIn(http, db, provinceAdmin);
    commune = await signedIn(http, db, communeAdmin);
  });
  afterAll(async () => {
    await http?.close();
    await store?.close();
  });

  it('every page, for a commune and a province admin, writes quarters as "Quý 4/2026" and groups without a report as "Chưa báo cáo"', async () => {
    const pages = ['/admin', '/admin/compliance', '/admin/reports', `/admin/reports/${reportId}`, '/admin/exports', '/admin/exports/download?period=2026Q9', '/admin/schedules', '/admin/schedules/new', '/admin/questions', '/admin/invites'];
    for (const [who, browser] of [['commune', commune], ['province', province]] as const) {
      for (const url of who === 'province' ? [...pages, '/admin/audit'] : pages) {
        const res = await browser.get(url);
        expect(res.statusCode, `${who} ${url}`).toBeLessThan(500);
        expectGlossaryWords(`${who} ${url}`, readable(res.body));
      }
    }
    const overview = readable((await commune.get('/admin')).body);
    expect(overview).toContain(`Quý ${spoken(current)}`);
    expect(overview).toContain('Chưa báo cáo');
    expect(readable((await commune.get('/admin/compliance')).body)).toContain(`Quý ${spoken(current)}`);
    expect(readable((await commune.get('/admin/reports')).body)).toContain(`Quý ${spoken(current)}`);
    const audit = readable((await province.get('/admin/audit')).body);
    expect(audit).toContain(`báo cáo quý ${spoken(current)}`);
    expect(audit).toContain(`đã tải số liệu quý ${spoken(current)}`);
  });
});

describe('the chat speaks the glossary', () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness('pglite');
  });
  afterAll(() => h?.close());

  it('a leader who confirms a report is told "Đã lưu báo cáo quý 4/2026", and again on a second tap', async () => {
    const today = localDateOf(new Date(), timeZone);
    const day = `${String(today.day).padStart(2, '0')}/${String(today.month).padStart(2, '0')}`;
    await h.say(`/baocao ${day} hop thon; tao hon; 30 nguoi, 20 nu, 25 dtts; tai nha van hoa`, leaderChat, leader);
    const confirm = h.channel.transcript(leaderChat.id).at(-1)?.buttons?.flat().find((b) => b.label === '✅ Xác nhận')?.data;
    expect(confirm).toBeDefined();
    const [saved] = await h.tap(confirm!, leaderChat.id, leader);
    expect(saved).toContain(`Đã lưu báo cáo quý ${spoken(current)}`);
    const [again] = await h.tap(confirm!, leaderChat.id, leader);
    expect(again).toContain(`quý ${spoken(current)}`);
    for (const [where, text] of [['saved', saved!], ['saved again', again!]]) expectGlossaryWords(where, text);
  });

  it("a leader's reports and an admin's /thongke write quarters as \"Quý 4/2026\"; groups without a report are \"Chưa báo cáo\"", async () => {
    const group = await h.store.prisma.communicationGroup.findFirstOrThrow({ where: { name: { contains: 'Nà Hìn' } } });
    const person = await h.store.prisma.person.findFirstOrThrow({ where: { platformUserId: leader.id } });
    const report = { groupId: group.id, heldOn: quarterStart(current), format: 'direct', topics: ['child-marriage'], participantsTotal: 30, participantsWomen: 20, participantsEthnicMinority: 25, place: 'Nhà văn hóa bản', notes: null, photos: [] };
    await saveReport(h.store.prisma, 'vocabulary-chat', report, { personId: person.id, actor: `sandbox:${leader.id}`, source: 'sandbox' });
    const [mine] = await h.say('/baocaocuatoi', leaderChat, leader);
    expect(mine).toContain(`Quý ${spoken(current)}: 2 buổi`);
    expectGlossaryWords('/baocaocuatoi', mine!);

    const admin = { id: communeAdmin, displayName: 'Cán bộ Hội LHPN xã Hoa Ban (DEMO)' };
    const [stats] = await h.say('/thongke', { id: `private:${communeAdmin}`, kind: 'private' }, admin);
    expect(stats).toContain(`quý ${spoken(current)}`);
    expect(stats).toContain('Chưa báo cáo');
    expectGlossaryWords('/thongke', stats!);
  });
});
