/**
 * Export benchmark (`npm run bench:export [-- --rows 50000]`): fills an embedded database with N
 * session reports of one quarter across the demo province, then downloads them through the real
 * dashboard route as the province admin — reports as XLSX and CSV, and the per-area summary — and
 * measures time, size and the longest stall of the event loop meanwhile (the embedded database runs
 * in the same process as the chats: a long stall would hold every villager's reply up). Each file is
 * read back and its rows counted. The last line on stdout is one JSON object.
 */
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { createLoginLink } from '../../src/features/admin/auth.ts';
import { defaultExportRowLimit } from '../../src/features/reporting/web/export-pages.ts';
import { registerAdminRoutes } from '../../src/features/admin/web/routes.ts';
import { dashboardPages } from '../../src/app.ts';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { readTopics } from '../../src/features/faq/knowledge.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createHttpServer } from '../../src/core/http/server.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { readFormats } from '../../src/features/reporting/parse.ts';
import { formatQuarter, localDateOf, quarterOf, toUtcDate } from '../../src/features/reporting/quarter.ts';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { openMemoryStore } from '../../src/core/store/store.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: String(defaultExportRowLimit) } } });
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1 || rows > defaultExportRowLimit) throw new Error(`--rows must be a whole number from 1 to ${defaultExportRowLimit}`);

/** Targets: a full-size XLSX within 20 s on a small server, and no stall of the event loop over 1 s. */
const targets = { xlsxSeconds: 20, maxStallMs: 1000 };

const timeZone = 'Asia/Ho_Chi_Minh';
const log = createLogger('silent', false);
const store = await openMemoryStore();
await applyMigrations(store.adapterFactory);
const db = store.prisma;
await seedDemo(db, readDemoData(defaultContentDir));
const province = await db.area.findUniqueOrThrow({ where: { code: 'demo' } });
const groups = await db.communicationGroup.findMany({ select: { id: true } });
const today = localDateOf(new Date(), timeZone);
const quarter = formatQuarter(quarterOf(today));
const formats = readFormats(defaultContentDir);
const topics = readTopics(defaultContentDir);

process.stderr.write(`filling ${rows} reports of ${quarter}…\n`);
for (let start = 0; start < rows; start += 5000) {
  const count = Math.min(5000, rows - start);
  await db.sessionReport.createMany({
    data: Array.from({ length: count }, (_, j) => ({
      groupId: groups[(start + j) % groups.length]!.id,
      quarter,
      heldOn: toUtcDate(today),
      format: formats[(start + j) % formats.length]!.id,
      topics: [topics[(start + j) % topics.length]!.id],
      participantsTotal: 45,
      participantsWomen: 30,
      participantsEthnicMinority: 40,
      place: 'Nhà văn hóa bản',
      notes: (start + j) % 10 === 0 ? 'Bà con hỏi nhiều về hỗ trợ pháp lý; hẹn buổi sau mời cán bộ tư pháp xã.' : null,
      photos: [],
      source: 'bench',
      idempotencyKey: `bench:${start + j}`,
    })),
  });
}

const http = createHttpServer(log);
registerAdminRoutes(http, { db, log, sandbox: false, publicUrl: null, timeZone, campaigns: loadCampaigns(defaultContentDir), platforms: ['sandbox'], report: { formats, topics } }, dashboardPages);
await http.ready();

// Logged in as the province admin, by the same one-time link /dangnhap gives.
const admin = await db.person.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'sandbox', platformUserId: 'demo-admin-province' } } });
const { token } = await createLoginLink(db, { personId: admin.id, platform: admin.platform, platformUserId: admin.platformUserId });
const page = await http.inject({ method: 'GET', url: `/admin/login/${token}` });
const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
const jar: Record<string, string> = Object.fromEntries(page.cookies.map((c) => [c.name, c.value]));
const login = await http.inject({ method: 'POST', url: `/admin/login/${token}`, cookies: jar, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf)}` });
for (const c of login.cookies) jar[c.name] = c.value;

/** Data rows of a reports XLSX (every row after the header). */
async function xlsxRows(bytes: Buffer, sheetIndex = 0): Promise<number> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook.worksheets[sheetIndex]!.actualRowCount;
}

interface Measured {
  ms: number;
  bytes: number;
  maxStallMs: number;
  status: number;
  body: Buffer;
}

async function download(kind: 'reports' | 'summary', format: 'xlsx' | 'csv'): Promise<Measured> {
  let maxStallMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - 10);
    last = now;
  }, 10);
  const t0 = performance.now();
  const res = await http.inject({ method: 'GET', url: `/admin/exports/download?period=${quarter}&area=${province.id}&kind=${kind}&format=${format}`, cookies: jar });
  const ms = performance.now() - t0;
  clearInterval(ticker);
  return { ms: Math.round(ms), bytes: res.rawPayload.length, maxStallMs: Math.round(maxStallMs), status: res.statusCode, body: res.rawPayload };
}

const xlsx = await download('reports', 'xlsx');
const csv = await download('reports', 'csv');
const summary = await download('summary', 'xlsx');
for (const [name, m] of Object.entries({ xlsx, csv, summary })) if (m.status !== 200) throw new Error(`${name} export answered ${m.status}`);

const xlsxDataRows = (await xlsxRows(xlsx.body)) - 1;
const csvDataRows = csv.body.toString('utf8').split('\n').filter((l) => l.trim() !== '').length - 1;
await http.close();
await store.close();

const maxStallMs = Math.max(xlsx.maxStallMs, csv.maxStallMs, summary.maxStallMs);
const result = {
  bench: 'export',
  rows,
  quarter,
  reportsXlsx: { seconds: xlsx.ms / 1000, bytes: xlsx.bytes, maxStallMs: xlsx.maxStallMs, rowsReadBack: xlsxDataRows },
  reportsCsv: { seconds: csv.ms / 1000, bytes: csv.bytes, maxStallMs: csv.maxStallMs, rowsReadBack: csvDataRows },
  summaryXlsx: { seconds: summary.ms / 1000, bytes: summary.bytes, maxStallMs: summary.maxStallMs },
  targets,
  met: xlsx.ms / 1000 <= targets.xlsxSeconds && maxStallMs <= targets.maxStallMs && xlsxDataRows === rows && csvDataRows === rows,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
