/**
 * The audit log as a province admin reads it (/admin/audit over http on a real database): each
 * entry says who (name and role), what (a Vietnamese sentence), when (Vietnam's local time), on
 * what (a link to the schedule, report or group while it exists), with the raw record folded away.
 */
import type { FastifyInstance } from 'fastify';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditAdmin } from '../../src/features/admin/auth.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { defaultContentDir, localesDir, projectRoot } from '../../src/core/paths.ts';
import { localDateOf, quarterOf, quarterStart } from '../../src/features/reporting/quarter.ts';
import { correctReport, saveReport } from '../../src/features/reporting/store.ts';
import { createInvite } from '../../src/features/subscriptions/invites.ts';
import { rotateJoinCode } from '../../src/features/subscriptions/join-codes.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { communeAdmin, dashboard, personOf, provinceAdmin, signedIn, timeZone, type Browser, pageText } from '../support/admin.ts';
import { freshStore } from '../support/stores.ts';

let store: Store;
let db: Db;
let http: FastifyInstance;
let province: Browser;

const text = (body: string) => pageText(body);
/** One entry's row: its html, what shows before the "chi tiết" fold is opened, and the fold. */
async function entry(id: number) {
  const res = await province.get('/admin/audit');
  expect(res.statusCode).toBe(200);
  const row = new RegExp(`<tr data-audit="${id}">([\\s\\S]*?)</tr>`).exec(res.body)?.[1];
  expect(row, `entry ${id} on the page`).toBeDefined();
  const fold = /<details[\s\S]*?<\/details>/.exec(row!)?.[0] ?? '';
  return { html: row!, shown: text(row!.replace(fold, '')), fold: text(fold) };
}
const lastId = async (action: string) => (await db.auditLog.findFirstOrThrow({ where: { action }, orderBy: { id: 'desc' } })).id;
const hoaBan = async () => (await db.area.findUniqueOrThrow({ where: { code: 'demo-hoa-ban' } })).id;
const naHin = () => db.communicationGroup.findFirstOrThrow({ where: { name: { contains: 'Nà Hìn' } } });

beforeAll(async () => {
  store = await freshStore('pglite');
  db = store.prisma;
  await seedDemo(db, readDemoData(defaultContentDir));
  http = await dashboard(db);
  await signedIn(http, db, communeAdmin);
  province = await signedIn(http, db, provinceAdmin);
});
afterAll(async () => {
  await http?.close();
  await store?.close();
});

describe('the audit log reads as sentences', () => {
  it('a login: the name and role, "… đã đăng nhập", the local time; no platform ids, action codes or person numbers outside the fold', async () => {
    const row = await db.auditLog.findFirstOrThrow({ where: { action: 'admin.login', actor: `sandbox:${communeAdmin}` } });
    const { shown, fold } = await entry(row.id);
    expect(shown).toContain('Cán bộ Hội LHPN xã Hoa Ban (DEMO) đã đăng nhập');
    expect(shown).toContain('cán bộ Hội LHPN xã · Xã Hoa Ban (DEMO)');
    expect(shown).not.toMatch(/sandbox:|admin\.login|Person #|\{"/);
    // Nor anywhere else on the page: the action filter names families and actions in words.
    const page = (await province.get('/admin/audit')).body.replace(/<details[\s\S]*?<\/details>/g, '');
    expect(page.replace(/value="[^"]*"/g, '').replace(/href="[^"]*"/g, '')).not.toMatch(/\b(admin|report|invite|joincode|subscription|person|safety)\.[a-zA-Z]*/);
    // The fold keeps the raw record for whoever needs it.
    expect(fold).toContain('chi tiết');
    expect(fold).toContain('admin.login');
    expect(fold).toContain(`sandbox:${communeAdmin}`);
    // When: Vietnam's clock, no zone name, no UTC.
    expect(shown).toContain(DateTime.fromJSDate(row.at, { zone: timeZone }).toFormat('HH:mm dd/LL/yyyy'));
    expect(shown + fold).not.toMatch(/UTC|Asia\/Ho_Chi_Minh|\d{4}-\d\d-\d\dT/);
  });

  it('a schedule: "… đã hẹn gửi tin «…» cho Xã Hoa Ban", linked to the schedule while it is there, and not once removed', async () => {
    const admin = await personOf(db, communeAdmin);
    const areaId = await hoaBan();
    const schedule = await db.schedule.create({
      data: { text: 'Họp bản tối thứ Sáu ở nhà văn hoá', audience: { areaId }, kind: 'once', runAt: new Date(Date.now() + 86_400_000), nextRunAt: new Date(Date.now() + 86_400_000), createdById: admin.id },
    });
    await auditAdmin(db, { personId: admin.id, platform: 'sandbox', platformUserId: communeAdmin }, 'admin.schedule.create', {
      entity: 'Schedule',
      entityId: String(schedule.id),
      areaId,
      after: { kind: 'once', contentId: null, text: schedule.text, audience: { areaId }, runAt: schedule.runAt, nextRunAt: schedule.nextRunAt },
    });
    const id = await lastId('admin.schedule.create');
    const made = await entry(id);
    expect(made.shown).toContain('Cán bộ Hội LHPN xã Hoa Ban (DEMO) đã hẹn gửi tin «Họp bản tối thứ Sáu ở nhà văn hoá» cho Xã Hoa Ban (DEMO)');
    expect(made.html).toContain(`href="/admin/schedules#schedule-${schedule.id}"`);
    expect(made.shown + made.fold).not.toMatch(/\d{4}-\d\d-\d\dT/);

    await db.schedule.update({ where: { id: schedule.id }, data: { status: 'removed' } });
    const gone = await entry(id);
    expect(gone.shown).toContain('đã hẹn gửi tin «Họp bản tối thứ Sáu ở nhà văn hoá»');
    expect(gone.html).not.toContain('href="/admin/schedules#schedule-');
  });

  it('a report and its correction: the leader by name and role, the session date and group, linked to the report', async () => {
    const group = await naHin();
    const leader = await db.membership.findFirstOrThrow({ where: { groupId: group.id, role: 'leader' }, include: { person: true } });
    const heldOn = quarterStart(quarterOf(localDateOf(new Date(), timeZone)));
    const report = { groupId: group.id, heldOn, format: 'direct', topics: ['child-marriage'], participantsTotal: 30, participantsWomen: 20, participantsEthnicMinority: 25, place: 'Nhà văn hóa bản', notes: null, photos: [] };
    const by = { personId: leader.person.id, actor: `telegram:${leader.person.platformUserId}`, source: 'telegram' };
    expect(await saveReport(db, 'audit-1', report, by)).toBe(true);
    const saved = await db.sessionReport.findUniqueOrThrow({ where: { idempotencyKey: 'report:audit-1' } });
    const admin = await personOf(db, provinceAdmin);
    await correctReport(db, saved.id, { ...report, participantsTotal: 31 }, { personId: admin.id, actor: `sandbox:${provinceAdmin}` });
    const day = `${String(heldOn.day).padStart(2, '0')}/${String(heldOn.month).padStart(2, '0')}/${heldOn.year}`;

    const created = await entry(await lastId('report.create'));
    expect(created.shown).toContain(`${leader.person.displayName} đã gửi báo cáo buổi sinh hoạt ngày ${day} của ${group.name}`);
    expect(created.shown).toContain(`tổ trưởng · ${group.name}`);
    expect(created.html).toContain(`href="/admin/reports/${saved.id}"`);
    expect(created.shown).not.toMatch(/telegram:|SessionReport/);

    const corrected = await entry(await lastId('report.correct'));
    expect(corrected.shown).toContain(`Cán bộ Hội LHPN tỉnh (DEMO) đã sửa báo cáo buổi sinh hoạt ngày ${day} của ${group.name}`);
    expect(corrected.html).toContain(`href="/admin/reports/${saved.id}"`);
  });

  it('a group named by the entry links to that group; the command line and the system are named as such', async () => {
    const group = await naHin();
    await rotateJoinCode(db, group.id, 'cli');
    const rotated = await entry(await lastId('joincode.rotate'));
    expect(rotated.shown).toContain(`đã đổi mã tham gia của ${group.name}`);
    expect(rotated.shown).toContain('Người vận hành (dòng lệnh)');
    expect(rotated.html).toMatch(new RegExp(`href="/admin/compliance\\?area=${group.areaId}"`));

    // An invite made in chat names its maker only as "admin:<id>": the page still finds her name.
    const admin = await personOf(db, communeAdmin);
    await createInvite(db, { groupId: group.id, role: 'deputy', ttlDays: 14, createdBy: `admin:${admin.id}` });
    const invited = await entry(await lastId('invite.create'));
    expect(invited.shown).toContain(`Cán bộ Hội LHPN xã Hoa Ban (DEMO) đã tạo mã mời tổ phó cho ${group.name}`);
  });

  it('an action without a sentence still reads as one, with its code only in the fold', async () => {
    await db.auditLog.create({ data: { actor: 'cli', action: 'test.something', entity: 'Thing', entityId: '7' } });
    const unknown = await entry(await lastId('test.something'));
    expect(unknown.shown).toContain('Người vận hành (dòng lệnh) đã làm một việc chưa có tên trong nhật ký');
    expect(unknown.fold).toContain('test.something');
  });
});

describe('every audit action has its sentence', () => {
  function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.isDirectory() ? (d.name === 'generated' ? [] : sourceFiles(path.join(dir, d.name))) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
    );
  }
  /** Every action the code writes: the literals passed to auditAdmin or as `action:` of an auditLog row, the constants, the schedule verbs. */
  function writtenActions(): string[] {
    const found = new Set<string>();
    for (const file of sourceFiles(path.join(projectRoot, 'src'))) {
      const source = readFileSync(file, 'utf8');
      if (!/auditLog\.create|auditAdmin\(/.test(source)) continue;
      for (const m of source.matchAll(/auditAdmin\([^,]+,[^,]+,\s*'([a-zA-Z.]+)'/g)) found.add(m[1]!);
      // Every action is a family and a name ("report.create"); `action: 'send' | 'cancel'` is a type, not an entry.
      for (const m of source.matchAll(/action: (?:[^,}]*\? )?'([a-zA-Z]+\.[a-zA-Z.]+)'(?: : '([a-zA-Z]+\.[a-zA-Z.]+)')?/g)) [m[1], m[2]].forEach((a) => a && found.add(a));
      for (const m of source.matchAll(/const \w+Action = '([a-zA-Z.]+)'/g)) found.add(m[1]!);
      const verbs = /`admin\.schedule\.\$\{verb\}`/.test(source) ? /type Verb = ([^;]+);/.exec(source)?.[1] : undefined;
      for (const v of verbs?.matchAll(/'(\w+)'/g) ?? []) found.add(`admin.schedule.${v[1]}`);
    }
    return [...found].sort();
  }

  it('in Vietnamese and English', () => {
    const actions = writtenActions();
    expect(actions).toContain('admin.login');
    expect(actions).toContain('report.reminder');
    expect(actions).toContain('admin.schedule.pause');
    expect(actions.length).toBeGreaterThan(25);
    for (const language of ['vi', 'en']) {
      const sentences = JSON.parse(readFileSync(path.join(localesDir, language, 'admin.json'), 'utf8')).audit.sentences as Record<string, string>;
      expect(actions.filter((a) => typeof sentences[a] !== 'string'), language).toEqual([]);
    }
  });
});
