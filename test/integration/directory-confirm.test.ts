/**
 * A number a plan announces but the province has not confirmed (`confirmed: false`, e.g. Quảng
 * Ninh's 1800 1769, which plan 004 says the province will build): villagers never see it; the
 * admins it concerns see it on the dashboard; `loaban directory confirm` makes it visible.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFaq } from '../../src/features/faq/faq.ts';
import { entryById } from '../../src/features/faq/faq.ts';
import { answerMessage, safetyMessage } from '../../src/features/faq/replies.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { translator } from '../../src/core/i18n.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Db, Store } from '../../src/core/store/store.ts';
import { browser, communeAdmin, dashboard, logIn, provinceAdmin } from '../support/admin.ts';
import { runCli } from '../support/cli.ts';
import { freshStore } from '../support/stores.ts';

const t = translator('vi');
const hoaBan = [{ id: 2, code: 'demo-hoa-ban', name: 'Xã Hoa Ban (DEMO)' }];
const quangNinh = [{ id: 1, code: 'quang-ninh', name: 'Tỉnh Quảng Ninh' }];

/** A copy of the shipped content whose Hoa Ban directory has one more, unconfirmed, number. */
function contentCopy(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'loaban-directory-'));
  const content = path.join(root, 'content');
  cpSync(defaultContentDir, content, { recursive: true });
  const file = path.join(content, 'directory', 'demo-hoa-ban.yaml');
  const added = '  - { name: "Đường dây nóng xã Hoa Ban (DEMO)", phone: "0200 000 099", emergency: true, confirmed: false, source: "demo" }\n';
  writeFileSync(file, readFileSync(file, 'utf8').replace('trustedAddresses:', `${added}trustedAddresses:`));
  return root;
}

describe('what villagers see', () => {
  it('the shipped 1800 1769 is not in the hotlines answer nor in a safety reply, even for someone in Quảng Ninh', () => {
    const faq = loadFaq(defaultContentDir);
    const hotlines = answerMessage(t, faq.knowledge, entryById(faq.knowledge, 'help-hotlines')!, 'vi', quangNinh, 'private').text;
    expect(hotlines).toContain('113');
    expect(hotlines).not.toMatch(/1800 ?1769/);
    const signal = { category: 'violence', atRisk: 'self' } as const;
    expect(safetyMessage(t, faq.knowledge, 'private', quangNinh, signal, 'vi').text).not.toMatch(/1800 ?1769/);
  });

  it('an unconfirmed commune number is left out until confirmed, then shown (answer and safety reply)', async () => {
    const root = contentCopy();
    const content = path.join(root, 'content');
    const before = loadFaq(content).knowledge;
    const ask = (k: typeof before) => answerMessage(t, k, entryById(k, 'help-hotlines')!, 'vi', hoaBan, 'private').text;
    expect(ask(before)).toContain('0200 000 011');
    expect(ask(before)).not.toContain('0200 000 099');

    const confirmed = await runCli(['directory', 'confirm', '0200', '000', '099'], { LOG_LEVEL: 'silent', CONTENT_DIR: content });
    expect(confirmed.stderr).toBe('');
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('Đã xác nhận Đường dây nóng xã Hoa Ban (DEMO): 0200 000 099');
    expect(confirmed.stdout).toContain('khởi động lại');

    const after = loadFaq(content).knowledge;
    expect(ask(after)).toContain('0200 000 099');
    const signal = { category: 'violence', atRisk: 'self' } as const;
    expect(safetyMessage(t, after, 'private', hoaBan, signal, 'vi').text).toContain('0200 000 099');
  });
});

describe('loaban directory', () => {
  it('list --unconfirmed names the file and line of each number awaiting confirmation', async () => {
    const result = await runCli(['directory', 'list', '--unconfirmed'], { LOG_LEVEL: 'silent' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^content\/directory\/quang-ninh\.yaml:\d+ {2}\[quang-ninh\] .*Quảng Ninh: 1800 1769 — CHỜ TỈNH XÁC NHẬN: người dân chưa thấy\n$/);
  });

  it('confirm changes only that field of the file, keeps its comments, and says so again when repeated', async () => {
    const root = contentCopy();
    const content = path.join(root, 'content');
    const file = path.join(content, 'directory', 'quang-ninh.yaml');
    const before = readFileSync(file, 'utf8');
    const first = await runCli(['directory', 'confirm', '18001769'], { LOG_LEVEL: 'silent', CONTENT_DIR: content });
    expect(first.code).toBe(0);
    const after = readFileSync(file, 'utf8');
    expect(after).toBe(before.replace('confirmed: false, note', 'confirmed: true, note'));
    const again = await runCli(['directory', 'confirm', '1800 1769'], { LOG_LEVEL: 'silent', CONTENT_DIR: content });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('đã được xác nhận từ trước');
    expect(readFileSync(file, 'utf8')).toBe(after);
  });

  it('a number nobody has, or a name that fits several, is refused with what to do; nothing is written', async () => {
    const root = contentCopy();
    const content = path.join(root, 'content');
    const none = await runCli(['directory', 'confirm', '0999 999'], { LOG_LEVEL: 'silent', CONTENT_DIR: content });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Không có số hay địa chỉ nào khớp «0999 999»');
    const several = await runCli(['directory', 'confirm', 'Hoa', 'Ban'], { LOG_LEVEL: 'silent', CONTENT_DIR: content });
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('ghi số điện thoại đầy đủ để chọn một');
    expect(readFileSync(path.join(content, 'directory', 'demo-hoa-ban.yaml'), 'utf8')).toContain('confirmed: false');
  });
});

describe('the dashboard', () => {
  let store: Store;
  let db: Db;
  let http: FastifyInstance;
  beforeAll(async () => {
    store = await freshStore('pglite');
    db = store.prisma;
    await seedDemo(db, readDemoData(defaultContentDir));
    http = await dashboard(db, { directory: loadFaq(path.join(contentCopy(), 'content')).knowledge.directory });
  });
  afterAll(async () => {
    await http?.close();
    await store?.close();
  });

  it("the province admin sees both numbers awaiting confirmation (her commune's and a province's that is no area here)", async () => {
    const b = browser(http);
    await logIn(b, db, provinceAdmin);
    const page = await b.get('/admin');
    expect(page.body).toContain('Số chờ tỉnh xác nhận (2)');
    expect(page.body).toContain('Đường dây nóng xã Hoa Ban (DEMO): <strong>0200 000 099</strong>');
    expect(page.body).toContain('<strong>1800 1769</strong> <span class="muted">— quang-ninh</span>');
    expect(page.body).toContain('loaban directory confirm');
  });

  it("the commune admin sees her commune's number only", async () => {
    const b = browser(http);
    await logIn(b, db, communeAdmin);
    const page = await b.get('/admin');
    expect(page.body).toContain('Số chờ tỉnh xác nhận (1)');
    expect(page.body).toContain('0200 000 099</strong> <span class="muted">— Xã Hoa Ban (DEMO)</span>');
    expect(page.body).not.toContain('1800 1769');
  });
});
