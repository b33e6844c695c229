/**
 * `loaban` schedule add/list/pause/resume/remove, broadcast status/list: scheduled messages and their runs.
 */
import { platformsOf, type Config } from '../core/config.ts';
import type { Progress, What, When } from '../features/delivery/index.ts';
import { translator } from '../core/i18n.ts';
import { type Store } from '../core/store/store.ts';
import type { Platform } from '../channels/channel.ts';
import { OperatorError, environment, withStore, action, notFound } from './common.ts';
import type { Command } from 'commander';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../content/folder.ts'), import('../content/campaigns.ts'), import('../content/sync.ts'), import('../features/delivery/index.ts'), import('../core/time.ts'), import('../features/groups/index.ts'), import('../channels/channel.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../content/folder.ts') & typeof import('../content/campaigns.ts') & typeof import('../content/sync.ts') & typeof import('../features/delivery/index.ts') & typeof import('../core/time.ts') & typeof import('../features/groups/index.ts') & typeof import('../channels/channel.ts');
};

/** Adds the commands to `program`. */
export function deliveryCommands(program: Command): void {
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

  const schedule = program.command('schedule');

  schedule
    .command('add')
    .option('--content <id>')
    .option('--text <text>')
    .option('--calendar <event>')
    .option('--at <time>')
    .option('--cron <expression>')
    .option('--time <HH:MM>', '', '08:00')
    .option('--area <id or name>')
    .option('--group <id or name...>')
    .option('--language <code>')
    .option('--channel <platform>')
    .option('--urgent')
    .action(
      action(async (options: ScheduleAddOptions) => {
        const { checkContentDir, campaignTextLimit, loadCampaigns, syncCampaigns, addSchedule, ScheduleError, formatLocalDateTime, parseLocalDateTime, AreaNotFound, findArea, findGroup, GroupNotFound, platforms } = await load();
        const { config, log, t } = await environment();
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
        if (options.channel !== undefined && !(platforms as readonly string[]).includes(options.channel)) throw new OperatorError(t('ops:schedule.badChannel', { value: options.channel }));
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
            ...(options.channel ? { platform: options.channel as Platform } : {}),
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
    .option('--json')
    .action(
      action(async (options: { json?: boolean }) => {
        const { listSchedules, formatLocalDateTime } = await load();
        const { config, log, t } = await environment();
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
      .action(
        action(async (id: string) => {
          const { checkContentDir, loadCampaigns, setScheduleStatus, formatLocalDateTime } = await load();
          const { config, log, t } = await environment();
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

  const broadcast = program.command('broadcast');

  /** A broadcast's line: where it stands, and what it is when it is not a campaign's (a report reminder and its group). */
  async function broadcastLine(store: Store, t: ReturnType<typeof translator>, p: Progress, config: Pick<Config, 'timeZone' | 'quietHours'>): Promise<string> {
    const { formatLocalDateTime, formatLocalTime, listedGroups, standingOf } = await load();
    const { timeZone } = config;
    const at = formatLocalDateTime(p.scheduledFor, timeZone);
    // Where it stands (the same as on the dashboard): done, sending, held by the quiet hours until when, not due yet …
    const standing = standingOf(p, new Date(), timeZone, config.quietHours);
    const quietEnd = (until: Date) => t('ops:broadcast.state.quiet', { time: formatLocalTime(until, timeZone) });
    const state =
      standing.state === 'quiet'
        ? quietEnd(standing.until)
        : standing.state === 'later' && standing.until.getTime() !== p.scheduledFor.getTime()
          ? t('ops:broadcast.state.laterQuiet', { time: formatLocalDateTime(standing.until, timeZone) })
          : t(`ops:broadcast.state.${standing.state}`);
    const line = t('ops:broadcast.status', { ...p, at, state });
    if (p.kind === 'campaign') return line;
    const what = t(`ops:broadcast.kind.${p.kind}`, { groups: (await listedGroups(store.prisma, p.broadcastId)).join(', '), defaultValue: p.kind });
    return `${line} — ${what}`;
  }

  broadcast
    .command('status <id>')
    .option('--json')
    .action(
      action(async (id: string, options: { json?: boolean }) => {
        const { broadcastProgress } = await load();
        const { config, log, t } = await environment();
        if (!/^\d+$/.test(id)) throw new OperatorError(t('ops:broadcast.badId', { value: id }));
        await withStore(config, log, async (store) => {
          const progress = await broadcastProgress(store.prisma, Number(id));
          if (!progress) throw new OperatorError(t('ops:broadcast.notFound', { id }));
          if (options.json) {
            process.stdout.write(`${JSON.stringify(progress)}\n`);
            return;
          }
          process.stdout.write(`${await broadcastLine(store, t, progress, config)}\n`);
          if (progress.reason) process.stdout.write(`${progress.reason}\n`);
          for (const f of progress.failures) process.stdout.write(`  ${t('ops:broadcast.failure', { count: f.count, kind: t(`ops:broadcast.reasonKind.${f.kind}`), reason: f.reason })}\n`);
        });
      }),
    );

  broadcast
    .command('list')
    .option('--limit <n>', '', '20')
    .action(
      action(async (options: { limit: string }) => {
        const { broadcastProgress, latestBroadcastIds } = await load();
        const { config, log, t } = await environment();
        await withStore(config, log, async (store) => {
          const ids = await latestBroadcastIds(store.prisma, Math.max(1, Number(options.limit) || 20));
          if (ids.length === 0) process.stdout.write(`${t('ops:broadcast.none')}\n`);
          for (const id of ids) {
            const p = (await broadcastProgress(store.prisma, id))!;
            process.stdout.write(`${await broadcastLine(store, t, p, config)}\n`);
          }
        });
      }),
    );
}
