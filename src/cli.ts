/**
 * The `loaban` command. Every operator-facing failure (configuration, database, content, port)
 * ends with its clear lines on stderr and exit code 1, never a bare stack trace.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { addAdmin, listAdmins } from './features/admin/admins.ts';
import { adminLevels, type AdminLevel } from './features/admin/scope.ts';
import { checkContentDir, openMigratedStore, startApp, startDispatch } from './app.ts';
import { ConfigError, keepSecrets, loadConfig, loadDotEnv, operatorSettings, platformsOf, type Config } from './core/config.ts';
import { campaignTextLimit, loadCampaigns } from './content/campaigns.ts';
import { syncCampaigns } from './content/sync.ts';
import { validateContent } from './content/validate.ts';
import { broadcastProgress, listedGroups, type Progress } from './features/delivery/broadcasts.ts';
import { addSchedule, listSchedules, ScheduleError, setScheduleStatus, type What, type When } from './features/delivery/schedules.ts';
import { formatLocalDateTime, parseLocalDateTime } from './features/delivery/time.ts';
import { ContentError } from './content/yaml.ts';
import { answerStream } from './features/faq/ask.ts';
import { confirmDirectoryEntry, findDirectoryEntries, listDirectory, type DirectoryLine } from './features/faq/directory-files.ts';
import { loadFaq } from './features/faq/faq.ts';
import { AreaNotFound, findArea, listAreaSubscribers, listGroups } from './features/groups/areas.ts';
import { readDemoData, seedDemo } from './features/groups/demo.ts';
import { createInvite, findGroup, GroupNotFound } from './features/subscriptions/invites.ts';
import { HttpError } from './core/http/server.ts';
import { joinCodeOf, rotateJoinCode } from './features/subscriptions/join-codes.ts';
import { exportRows, toCsv, toXlsx } from './features/reporting/export.ts';
import { readFormats } from './features/reporting/parse.ts';
import { formatQuarter, localDateOf, parseQuarter } from './features/reporting/quarter.ts';
import { buildSummary, formatPeriod, parsePeriod, summaryCsv, summaryXlsx, type Period } from './features/reporting/summary.ts';
import { translator } from './core/i18n.ts';
import { createLogger, type Logger } from './core/log.ts';
import { writeNewMigration } from './core/store/migrations.ts';
import { StoreError, type Store } from './core/store/store.ts';

/** A mistake in what the operator asked for, already worded for them. */
class OperatorError extends Error {
  override name = 'OperatorError';
}

const operatorErrors = [ConfigError, StoreError, ContentError, HttpError, OperatorError];

function environment(): { config: Config; log: Logger; t: ReturnType<typeof translator> } {
  loadDotEnv();
  const config = loadConfig();
  keepSecrets(config);
  return { config, log: createLogger(config.logLevel), t: translator(config.operatorLanguage) };
}

/** Opens the migrated database for one command and closes it afterwards, whatever happens. */
async function withStore<T>(config: Config, log: Logger, use: (store: Store) => Promise<T>): Promise<T> {
  const { store } = await openMigratedStore(config, log);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Runs a command body, turning every failure into clear lines and exit code 1. */
function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (error) {
      // The configuration may be what failed: only the operator's language and LOG_LEVEL are read here.
      const operator = operatorSettings();
      const t = translator(operator.language);
      const known = operatorErrors.some((kind) => error instanceof kind);
      const message = known ? (error as Error).message : t('ops:cli.failed', { message: (error as Error)?.message?.split('\n')[0] ?? String(error) });
      process.stderr.write(`${message}\n`);
      if (!known && operator.debug) process.stderr.write(`${(error as Error)?.stack}\n`);
      process.exit(1);
    }
  };
}

// `loaban groups | head`: the reader went away; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('loaban')
  .description('Loa Bản — the village loudspeaker: chat bot for grassroots communication groups')
  .showHelpAfterError();

program
  .command('start')
  .description('migrate the database, then serve the chat channels and the web pages until stopped')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      const app = await startApp(config, log);
      log.info({ url: app.url, channels: app.channels.map((c) => c.platform), database: app.store.kind }, t('ops:http.listening', { url: app.url }));
      if (app.sandbox) log.info(t('ops:http.sandboxAt', { url: `${app.url}/sandbox` }));
      log.info(t('ops:http.adminAt', { url: `${config.publicUrl ?? app.url}/admin` }));
      if ((config.telegram || config.zalo) && !config.publicUrl) log.warn(t('ops:http.noPublicUrl', { url: app.url }));
      let signals = 0;
      const shutdown = async (signal: string) => {
        if (signals++ > 0) process.exit(1);
        log.info({ signal }, t('ops:start.stopping'));
        await app.stop();
        log.info(t('ops:start.stopped'));
        log.flush?.();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    }),
  );

const migrate = program
  .command('migrate')
  .description('apply pending database migrations (start does this too)')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      const { store, applied } = await openMigratedStore(config, log.child({}, { level: 'warn' }));
      await store.close();
      const line = applied.length > 0 ? t('ops:store.migrationsApplied', { count: applied.length, names: applied.join(', ') }) : t('ops:store.migrationsUpToDate');
      process.stdout.write(`${line}\n`);
    }),
  );

migrate
  .command('new <name>')
  .description('write the next migration from prisma/schema.prisma (lower-case name, e.g. add_invite_codes)')
  .action(
    action(async (name: string) => {
      const t = translator(operatorSettings().language);
      if (!/^[a-z0-9_]+$/.test(name)) throw new ConfigError(t('ops:store.migrationBadName'));
      const folder = await writeNewMigration(name);
      process.stdout.write(`${folder ? t('ops:store.migrationWritten', { path: folder }) : t('ops:store.migrationNothing')}\n`);
    }),
  );

program
  .command('demo')
  .description('demo data')
  .command('seed')
  .description('create the demo province, villages, groups and admins (idempotent)')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      checkContentDir(config);
      await withStore(config, log, async (store) => {
        const created = await seedDemo(store.prisma, readDemoData(config.contentDir));
        const nothing = created.areas + created.groups + created.admins === 0;
        process.stdout.write(`${nothing ? t('ops:demo.alreadySeeded') : t('ops:demo.seeded', { ...created })}\n`);
      });
    }),
  );

program
  .command('invite')
  .description('make a one-time code for a group leader to send as /dangky <code> (printed on the last line)')
  .requiredOption('--group <id or name>', 'the communication group')
  .option('--deputy', 'the code makes a deputy leader instead of a leader')
  .action(
    action(async (options: { group: string; deputy?: boolean }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        const group = await findGroup(store.prisma, options.group).catch((error: unknown) => {
          if (!(error instanceof GroupNotFound)) throw error;
          const list = error.candidates.map((c) => `${c.id}: ${c.name}`).join('; ');
          throw new OperatorError(t(error.candidates.length > 1 ? 'ops:invite.ambiguous' : 'ops:invite.noGroup', { query: error.query, list }));
        });
        const role = options.deputy ? 'deputy' : 'leader';
        const { code, expiresAt } = await createInvite(store.prisma, { groupId: group.id, role, ttlDays: config.inviteTtlDays, createdBy: 'cli' });
        const until = expiresAt.toLocaleString('vi-VN', { timeZone: config.timeZone });
        process.stdout.write(`${t('ops:invite.made', { group: group.name, id: group.id, role: t(`ops:invite.role.${role}`), until })}\n${code}\n`);
      });
    }),
  );

program
  .command('groups')
  .description('list the communication groups: id, name, area, leaders, linked chats, join code, villagers following privately')
  .option('--json', 'one JSON array instead of lines')
  .option('--by-area', 'per area instead: its groups and the villagers following them privately')
  .action(
    action(async (options: { json?: boolean; byArea?: boolean }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        if (options.byArea) {
          const areas = await listAreaSubscribers(store.prisma);
          if (options.json) return void process.stdout.write(`${JSON.stringify(areas, null, 2)}\n`);
          for (const a of areas) {
            process.stdout.write(`${a.id}\t${'  '.repeat(a.depth)}${a.name}\t${t('ops:groups.groups', { count: a.groups })}\t${t('ops:groups.subscribers', { count: a.subscribers })}\n`);
          }
          return;
        }
        const groups = await listGroups(store.prisma);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
          return;
        }
        for (const g of groups) {
          const leaders = g.leaders.map((l) => `${l.name} (${t(`ops:invite.role.${l.role}`)})`).join(', ') || '—';
          const chats = g.chats.map((c) => `${c.platform}:${c.chatId}`).join(', ') || '—';
          const code = g.joinCode ?? '—';
          process.stdout.write(`${g.id}\t${g.name}\t${g.areaPath.join(' › ')}\t${leaders}\t${chats}\t${t('ops:groups.joinCode')} ${code}\t${t('ops:groups.subscribers', { count: g.subscribers })}\n`);
        }
      });
    }),
  );

const exportCommand = program.command('export').description('export data for reporting upward');

exportCommand
  .command('reports')
  .description('the session reports of a quarter, one row per report (CSV to standard output when no --out)')
  .requiredOption('--quarter <quarter>', 'e.g. 2026Q4')
  .option('--area <id>', 'only groups under this area (a province, commune …)')
  .option('--format <format>', 'csv or xlsx', 'csv')
  .option('--out <file>', 'write to this file')
  .action(
    action(async (options: { quarter: string; area?: string; format: string; out?: string }) => {
      const { config, log, t } = environment();
      const quarter = parseQuarter(options.quarter);
      if (!quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
      if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
      if (options.area !== undefined && !/^\d+$/.test(options.area)) throw new OperatorError(t('ops:export.badArea', { value: options.area }));
      if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
      checkContentDir(config);
      const faq = loadFaq(config.contentDir);
      await withStore(config, log, async (store) => {
        const areaId = options.area === undefined ? undefined : Number(options.area);
        if (areaId !== undefined && !(await store.prisma.area.findUnique({ where: { id: areaId } }))) {
          throw new OperatorError(t('ops:export.noArea', { value: options.area }));
        }
        const name = formatQuarter(quarter);
        const rows = await exportRows(store.prisma, { quarter: name, areaId, formats: readFormats(config.contentDir), topics: faq.knowledge.topics });
        const body = options.format === 'csv' ? toCsv(t, rows) : await toXlsx(t, rows, name);
        if (options.out) {
          writeFileSync(options.out, body);
          process.stderr.write(`${t('ops:export.written', { count: rows.length, quarter: name, file: options.out })}\n`);
        } else {
          process.stdout.write(body);
        }
      });
    }),
  );

exportCommand
  .command('summary')
  .description('the summary of a quarter or a year under an area: per area below it, a total and per group, by sex and ethnic-minority status')
  .option('--quarter <quarter>', 'e.g. 2026Q4')
  .option('--year <year>', 'e.g. 2026: the four quarters summed')
  .requiredOption('--area <id>', 'the area summed (a province, commune …): one row per area directly below it')
  .option('--format <format>', 'csv or xlsx', 'csv')
  .option('--out <file>', 'write to this file')
  .action(
    action(async (options: { quarter?: string; year?: string; area: string; format: string; out?: string }) => {
      const { config, log, t } = environment();
      if ((options.quarter === undefined) === (options.year === undefined)) throw new OperatorError(t('ops:export.quarterOrYear'));
      const quarter = options.quarter === undefined ? null : parseQuarter(options.quarter);
      if (options.quarter !== undefined && !quarter) throw new OperatorError(t('ops:export.badQuarter', { value: options.quarter }));
      const year = options.year === undefined ? null : parsePeriod(options.year.trim());
      if (options.year !== undefined && year?.kind !== 'year') throw new OperatorError(t('ops:export.badYear', { value: options.year }));
      if (options.format !== 'csv' && options.format !== 'xlsx') throw new OperatorError(t('ops:export.badFormat', { value: options.format }));
      if (!/^\d+$/.test(options.area)) throw new OperatorError(t('ops:export.badArea', { value: options.area }));
      if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) throw new OperatorError(t('ops:export.xlsxNeedsOut'));
      const period: Period = quarter ? { kind: 'quarter', quarter } : year!;
      await withStore(config, log, async (store) => {
        const areaId = Number(options.area);
        if (!(await store.prisma.area.findUnique({ where: { id: areaId } }))) throw new OperatorError(t('ops:export.noArea', { value: options.area }));
        const summary = await buildSummary(store.prisma, { areaId, period, today: localDateOf(new Date(), config.timeZone), timeZone: config.timeZone });
        const body = options.format === 'csv' ? summaryCsv(t, summary) : await summaryXlsx(t, summary);
        if (options.out) {
          writeFileSync(options.out, body);
          process.stderr.write(`${t('ops:export.summaryWritten', { period: formatPeriod(period), area: summary.area.name, groups: summary.total.groups, sessions: summary.total.sessions, file: options.out })}\n`);
        } else {
          process.stdout.write(body);
        }
      });
    }),
  );

program
  .command('content')
  .description('the content files (CONTENT_DIR, default content/)')
  .command('validate')
  .description('check every content file as start would; print each problem as file:line: message (exit code 1 when any)')
  .action(
    action(async () => {
      const { config, t } = environment();
      checkContentDir(config);
      const { problems, summary } = validateContent(config.contentDir);
      if (problems.length === 0) {
        const { campaigns, languages, calendarEvents: events, faqEntries: faq } = summary;
        process.stdout.write(`${t('ops:content.valid', { campaigns, languages: languages.join(', '), events, faq })}\n`);
        return;
      }
      const shown = (file: string) => {
        const relative = path.relative(process.cwd(), file);
        return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
      };
      for (const p of problems) process.stdout.write(`${shown(p.file)}:${p.line}: ${p.message}\n`);
      process.stdout.write(`${t('ops:content.invalid', { count: problems.length })}\n`);
      process.exitCode = 1;
    }),
  );

program
  .command('faq')
  .description('answer the questions on stdin (one per line) as the bot would in a private chat')
  .option('--jsonl', 'read {"q", "lang"?} lines, write {"q", "answer", "faqId", "confidence", "safety", "more", "category", "atRisk"} lines')
  .action(
    action(async (options: { jsonl?: boolean }) => {
      const { config } = environment();
      checkContentDir(config);
      const bad = await answerStream(loadFaq(config.contentDir), process.stdin, process.stdout, process.stderr, Boolean(options.jsonl));
      if (bad > 0) process.exitCode = 1;
    }),
  );

const directory = program.command('directory').description('the hotlines and trusted addresses of content/directory/');

/** "content/directory/x.yaml:7" relative to where the operator stands when inside it. */
function shownPath(file: string, line?: number): string {
  const relative = path.relative(process.cwd(), file);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  return line === undefined ? shown : `${shown}:${line}`;
}

function directoryLine(t: ReturnType<typeof translator>, l: DirectoryLine): string {
  return t('ops:directory.line', { where: shownPath(l.file, l.line), area: l.area, name: l.name, phone: l.phone ?? '—', status: l.confirmed ? '' : t('ops:directory.pending') });
}

directory
  .command('list')
  .description('every hotline and trusted address with its file and line; those awaiting confirmation are marked')
  .option('--unconfirmed', 'only those the province has not confirmed yet (confirmed: false)')
  .action(
    action(async (options: { unconfirmed?: boolean }) => {
      const { config, t } = environment();
      checkContentDir(config);
      const lines = listDirectory(config.contentDir).filter((l) => !options.unconfirmed || !l.confirmed);
      if (lines.length === 0 && !options.unconfirmed) throw new OperatorError(t('ops:directory.empty', { dir: shownPath(path.join(config.contentDir, 'directory')) }));
      for (const l of lines) process.stdout.write(`${directoryLine(t, l)}\n`);
    }),
  );

directory
  .command('confirm <number-or-name...>')
  .description('mark a number the province has confirmed (confirmed: true in its file), so that villagers see it after a restart')
  .action(
    action(async (words: string[]) => {
      const { config, t } = environment();
      checkContentDir(config);
      const query = words.join(' ');
      const found = findDirectoryEntries(listDirectory(config.contentDir), query);
      const dir = shownPath(path.join(config.contentDir, 'directory'));
      if (found.length === 0) throw new OperatorError(t('ops:directory.noneMatch', { query, dir }));
      if (found.length > 1) throw new OperatorError(t('ops:directory.ambiguous', { query, count: found.length, list: found.map((l) => directoryLine(t, l)).join('\n') }));
      const entry = found[0]!;
      const vars = { name: entry.name, phone: entry.phone ?? '—', where: shownPath(entry.file, entry.line) };
      if (entry.confirmed) return void process.stdout.write(`${t('ops:directory.already', vars)}\n`);
      confirmDirectoryEntry(entry);
      process.stdout.write(`${t('ops:directory.confirmed', vars)}\n`);
    }),
  );

/** A group or area the operator named that does not exist (or is ambiguous), worded for them. */
function notFound(t: ReturnType<typeof translator>, kind: 'group' | 'area', error: GroupNotFound | AreaNotFound): OperatorError {
  const list = error.candidates.map((c) => `${c.id}: ${c.name}`).join('; ');
  return new OperatorError(t(error.candidates.length > 1 ? `ops:schedule.ambiguous_${kind}` : `ops:schedule.no_${kind}`, { query: error.query, list }));
}

interface ScheduleAddOptions {
  content?: string;
  text?: string;
  calendar?: string;
  at?: string;
  cron?: string;
  time?: string;
  area?: string;
  group?: string[];
  language?: string;
  channel?: string;
  urgent?: boolean;
}

program
  .command('joincode')
  .description("show (made on first use) or replace a group's join code, which villagers send privately to receive the group's messages")
  .requiredOption('--group <id or name>', 'the communication group')
  .option('--rotate', 'replace the code; the old one then gets a "replaced" reply')
  .action(
    action(async (options: { group: string; rotate?: boolean }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        const group = await findGroup(store.prisma, options.group).catch((e: unknown) => Promise.reject(e instanceof GroupNotFound ? notFound(t, 'group', e) : e));
        const code = options.rotate ? await rotateJoinCode(store.prisma, group.id, 'cli') : await joinCodeOf(store.prisma, group.id);
        process.stdout.write(`${t(options.rotate ? 'ops:groups.joinCodeRotated' : 'ops:groups.joinCodeShown', { group: group.name, id: group.id })}\n${code}\n`);
      });
    }),
  );

const admin = program.command('admin').description("the Women's Union admins of the dashboard (they log in by sending /dangnhap to the bot)");

admin
  .command('add')
  .description('make a person an admin of an area and everything under it (creates the person if new; running it again changes nothing)')
  .requiredOption('--platform <platform>', 'telegram, zalo or sandbox')
  .requiredOption('--user <id>', "the person's user id on that platform (on Telegram, the number)")
  .requiredOption('--name <name>', 'the name to show')
  .requiredOption('--area <id or name>', 'the area they are responsible for (province, district or commune)')
  .requiredOption('--level <level>', 'province, district or commune')
  .action(
    action(async (options: { platform: string; user: string; name: string; area: string; level: string }) => {
      const { config, log, t } = environment();
      if (!['telegram', 'zalo', 'sandbox'].includes(options.platform)) throw new OperatorError(t('ops:admin.badPlatform', { value: options.platform }));
      if (!adminLevels.includes(options.level as AdminLevel)) throw new OperatorError(t('ops:admin.badLevel', { value: options.level }));
      const user = options.user.trim();
      const name = options.name.trim();
      if (!/^\S{1,100}$/.test(user)) throw new OperatorError(t('ops:admin.badUser', { value: options.user }));
      if (name === '' || name.length > 100) throw new OperatorError(t('ops:admin.badName'));
      await withStore(config, log, async (store) => {
        const area = await findArea(store.prisma, options.area).catch((e: unknown) => Promise.reject(e instanceof AreaNotFound ? notFound(t, 'area', e) : e));
        const platform = options.platform as 'telegram' | 'zalo' | 'sandbox';
        const level = options.level as AdminLevel;
        const added = await addAdmin(store.prisma, { platform, userId: user, displayName: name, areaId: area.id, level, actor: 'cli' });
        const params = { name, platform, user, area: area.name, areaId: area.id, level: t(`ops:admin.level.${level}`) };
        process.stdout.write(`${t(`ops:admin.${added.outcome}`, params)}\n${t('ops:admin.howToLogin')}\n`);
      });
    }),
  );

admin
  .command('list')
  .description('the admins: person, platform identity, area and level, one line per grant')
  .option('--json', 'one JSON array instead of lines')
  .action(
    action(async (options: { json?: boolean }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        const rows = await listAdmins(store.prisma);
        if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) process.stdout.write(`${t('ops:admin.none')}\n`);
        for (const r of rows) {
          const level = t(`ops:admin.level.${r.level}`, { defaultValue: r.level });
          process.stdout.write(`${r.personId}\t${r.name}\t${r.platform}:${r.userId}\t${r.area} (${r.areaId})\t${level}\n`);
        }
      });
    }),
  );

const schedule = program.command('schedule').description('scheduled campaign messages');

schedule
  .command('add')
  .description('schedule a message: what (--content, --text or --calendar), when (--at or --cron; a calendar event has its own dates), to whom (everyone unless narrowed)')
  .option('--content <id>', 'a campaign message of content/campaigns (file name without .md)')
  .option('--text <text>', 'a message of your own, in Vietnamese')
  .option('--calendar <event>', 'a calendar event of content/calendar/calendar.yaml, e.g. action-month')
  .option('--at <time>', 'once, local time "YYYY-MM-DD HH:MM"')
  .option('--cron <expression>', 'repeatedly, a cron expression in local time, e.g. "0 8 * * 1" (Mondays 08:00)')
  .option('--time <HH:MM>', 'time of day for a calendar event', '08:00')
  .option('--area <id or name>', 'only the groups under this area')
  .option('--group <id or name...>', 'only these groups')
  .option('--language <code>', 'only chats reading this language (vi, …)')
  .option('--channel <platform>', 'only telegram, zalo or sandbox chats')
  .option('--urgent', 'goes ahead of other queued messages')
  .action(
    action(async (options: ScheduleAddOptions) => {
      const { config, log, t } = environment();
      const whats = [options.content, options.text, options.calendar].filter((v) => v !== undefined).length;
      if (whats !== 1) throw new OperatorError(t('ops:schedule.needWhat'));
      const what: What = options.content !== undefined ? { contentId: options.content } : options.text !== undefined ? { text: options.text } : { calendar: options.calendar! };
      let when: When;
      if (options.calendar !== undefined) {
        if (options.at !== undefined || options.cron !== undefined) throw new OperatorError(t('ops:schedule.calendarHasDates'));
        if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(options.time ?? '')) throw new OperatorError(t('ops:schedule.badTime', { value: options.time }));
        when = { calendarTime: options.time! };
      } else if ((options.at === undefined) === (options.cron === undefined)) {
        throw new OperatorError(t('ops:schedule.needWhen'));
      } else if (options.at !== undefined) {
        const at = parseLocalDateTime(options.at, config.timeZone);
        if (!at) throw new OperatorError(t('ops:schedule.badAt', { value: options.at }));
        when = { at };
      } else {
        when = { cron: options.cron! };
      }
      if (options.channel !== undefined && !['telegram', 'zalo', 'sandbox'].includes(options.channel)) throw new OperatorError(t('ops:schedule.badChannel', { value: options.channel }));
      if (options.language !== undefined && !/^[a-z]{2,3}$/.test(options.language)) throw new OperatorError(t('ops:schedule.badLanguage', { value: options.language }));
      checkContentDir(config);
      const library = loadCampaigns(config.contentDir);
      await withStore(config, log, async (store) => {
        const db = store.prisma;
        const areaId = options.area === undefined ? undefined : (await findArea(db, options.area).catch((e: unknown) => Promise.reject(e instanceof AreaNotFound ? notFound(t, 'area', e) : e))).id;
        const groupIds: number[] = [];
        for (const name of (options.group ?? []).flatMap((g) => g.split(',')).filter((g) => g.trim())) {
          groupIds.push((await findGroup(db, name).catch((e: unknown) => Promise.reject(e instanceof GroupNotFound ? notFound(t, 'group', e) : e))).id);
        }
        await syncCampaigns(db, library);
        const platforms = platformsOf(config);
        const audience = {
          ...(areaId === undefined ? {} : { areaId }),
          ...(groupIds.length > 0 ? { groupIds } : {}),
          ...(options.language ? { language: options.language } : {}),
          ...(options.channel ? { platform: options.channel as 'telegram' | 'zalo' | 'sandbox' } : {}),
        };
        const made = await addSchedule({ db, library, timeZone: config.timeZone, platforms, textLimit: campaignTextLimit }, { what, when, audience, urgent: options.urgent }, new Date()).catch(
          (error: unknown) => Promise.reject(error instanceof ScheduleError ? new OperatorError(t(`ops:schedule.error.${error.key}`, error.params)) : error),
        );
        const next = formatLocalDateTime(made.schedule.nextRunAt!, config.timeZone);
        process.stdout.write(`${t('ops:schedule.added', { id: made.schedule.id, next, zone: config.timeZone, reach: made.reach })}\n${made.schedule.id}\n`);
      });
    }),
  );

schedule
  .command('list')
  .description('the schedules: id, status, what, when, next run, runs so far')
  .option('--json', 'one JSON array instead of lines')
  .action(
    action(async (options: { json?: boolean }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        const rows = await listSchedules(store.prisma);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) process.stdout.write(`${t('ops:schedule.none')}\n`);
        for (const r of rows) {
          const what = r.contentId ?? r.calendarKey ?? `"${(r.text ?? '').slice(0, 40)}${(r.text ?? '').length > 40 ? '…' : ''}"`;
          const when = r.kind === 'once' ? formatLocalDateTime(r.runAt!, config.timeZone) : r.kind === 'cron' ? `cron ${r.cron}` : `${t('ops:schedule.calendarAt')} ${r.atTime}`;
          const next = r.nextRunAt ? formatLocalDateTime(r.nextRunAt, config.timeZone) : '—';
          process.stdout.write(`${r.id}\t${t(`ops:schedule.status.${r.status}`)}\t${what}\t${when}\t${t('ops:schedule.next')} ${next}\t${t('ops:schedule.runs', { count: r._count.broadcasts })}\t${JSON.stringify(r.audience)}\n`);
        }
      });
    }),
  );

for (const verb of ['pause', 'resume', 'remove'] as const) {
  schedule
    .command(`${verb} <id>`)
    .description({ pause: 'stop a schedule from running (broadcasts already queued still go)', resume: 'run a paused schedule again, from its next time after now', remove: 'remove a schedule for good' }[verb])
    .action(
      action(async (id: string) => {
        const { config, log, t } = environment();
        if (!/^\d+$/.test(id)) throw new OperatorError(t('ops:schedule.badId', { value: id }));
        checkContentDir(config);
        const library = loadCampaigns(config.contentDir);
        await withStore(config, log, async (store) => {
          const row = await setScheduleStatus({ db: store.prisma, library, timeZone: config.timeZone }, Number(id), verb, new Date());
          if (!row) throw new OperatorError(t('ops:schedule.notFound', { id }));
          const next = row.nextRunAt ? formatLocalDateTime(row.nextRunAt, config.timeZone) : '—';
          process.stdout.write(`${t(`ops:schedule.${verb}d`, { id, next })}\n`);
        });
      }),
    );
}

const broadcast = program.command('broadcast').description('runs of schedules, report reminders, and their deliveries');

/** A broadcast's line: where it stands, and what it is when it is not a campaign's (a report reminder and its group). */
async function broadcastLine(store: Store, t: ReturnType<typeof translator>, p: Progress, timeZone: string): Promise<string> {
  const at = formatLocalDateTime(p.scheduledFor, timeZone);
  const line = t('ops:broadcast.status', { ...p, at, state: t(`ops:broadcast.state.${p.status}`) });
  if (p.kind === 'campaign') return line;
  const what = t(`ops:broadcast.kind.${p.kind}`, { groups: (await listedGroups(store.prisma, p.broadcastId)).join(', '), defaultValue: p.kind });
  return `${line} — ${what}`;
}

broadcast
  .command('status <id>')
  .description('how far a broadcast got: queued, sending, sent, failed, skipped, and why')
  .option('--json', 'one JSON object')
  .action(
    action(async (id: string, options: { json?: boolean }) => {
      const { config, log, t } = environment();
      if (!/^\d+$/.test(id)) throw new OperatorError(t('ops:broadcast.badId', { value: id }));
      await withStore(config, log, async (store) => {
        const progress = await broadcastProgress(store.prisma, Number(id));
        if (!progress) throw new OperatorError(t('ops:broadcast.notFound', { id }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(progress)}\n`);
          return;
        }
        process.stdout.write(`${await broadcastLine(store, t, progress, config.timeZone)}\n`);
        if (progress.reason) process.stdout.write(`${progress.reason}\n`);
        for (const f of progress.failures) process.stdout.write(`  ${t('ops:broadcast.failure', { count: f.count, kind: t(`ops:broadcast.reasonKind.${f.kind}`), reason: f.reason })}\n`);
      });
    }),
  );

broadcast
  .command('list')
  .description('the latest broadcasts with their progress')
  .option('--limit <n>', 'how many', '20')
  .action(
    action(async (options: { limit: string }) => {
      const { config, log, t } = environment();
      await withStore(config, log, async (store) => {
        const rows = await store.prisma.broadcast.findMany({ orderBy: { id: 'desc' }, take: Math.max(1, Number(options.limit) || 20), select: { id: true } });
        if (rows.length === 0) process.stdout.write(`${t('ops:broadcast.none')}\n`);
        for (const { id } of rows) {
          const p = (await broadcastProgress(store.prisma, id))!;
          process.stdout.write(`${await broadcastLine(store, t, p, config.timeZone)}\n`);
        }
      });
    }),
  );

program
  .command('dispatch')
  .description('only send scheduled messages (no chats, no web pages): extra sending processes beside start, on PostgreSQL')
  .action(
    action(async () => {
      const { config, log, t } = environment();
      const running = await startDispatch(config, log);
      log.info({ database: running.store.kind, platforms: running.delivery.dispatchers.length }, t('ops:dispatch.started'));
      let signals = 0;
      const shutdown = async () => {
        if (signals++ > 0) process.exit(1);
        await running.stop();
        log.flush?.();
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown());
      process.on('SIGTERM', () => void shutdown());
    }),
  );

await program.parseAsync(process.argv);
