/**
 * The composition root: config → content check → store (migrated, demo-seeded when new) →
 * http → channels. `stop` undoes it in reverse: stop receiving, finish in-flight work,
 * close http, close the database.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { registerAdminRoutes, type DashboardPages } from './features/admin/web/index.ts';
import { registerSchedulePages } from './features/delivery/web/index.ts';
import { registerQuestionPages } from './features/faq/web/index.ts';
import { registerExportPages, registerReportPages } from './features/reporting/web/index.ts';
import { registerInvitePages } from './features/subscriptions/web/index.ts';
import type { Channel } from './channels/channel.ts';
import { counted } from './channels/counted.ts';
import { registerSandboxRoutes } from './channels/sandbox/routes.ts';
import { SandboxChannel } from './channels/sandbox/sandbox.ts';
import { ConfigError, platformsOf, type Config } from './core/config.ts';
import { loadCampaigns, type CampaignLibrary } from './content/campaigns.ts';
import { syncCampaigns } from './content/sync.ts';
import { ContentError } from './content/yaml.ts';
import { contentLanguages, createInboundHandler } from './bot/inbound.ts';
import { databaseClock, memoryClock, outboxFigures, outboxHealth, pacedChannel, stallAfterMs, startDelivery, type DeliveryService } from './features/delivery/index.ts';
import { loadFaq } from './features/faq/index.ts';
import { readReportContent, reminderStillWanted, reportReminderJob, scheduleReportJobs, type Send } from './features/reporting/index.ts';
import { hasAreas, readDemoData, seedDemo } from './features/groups/index.ts';
import { scheduleBackups, scheduleHousekeeping } from './housekeeping.ts';
import { PersonBudget } from './bot/budget.ts';
import { translator } from './core/i18n.ts';
import type { Logger } from './core/log.ts';
import { createHttpServer, listen } from './core/http/server.ts';
import { registerHealth, type ReadinessChecks } from './core/http/health.ts';
import { registerMetrics } from './core/metrics.ts';
import { migrationsUpToDate, openMigratedStore } from './core/store/migrations.ts';
import { serveControl, type ControlServer } from './core/store/control.ts';
import { ping, type Db, type Store } from './core/store/store.ts';
import { aliveWorkersSeenBy, openPresence, type Presence } from './core/store/presence.ts';
import { pollingInTurn } from './channels/polling-turn.ts';
import { checkContentDir } from './content/folder.ts';

export interface App {
  store: Store;
  http: FastifyInstance;
  url: string;
  sandbox: SandboxChannel | null;
  channels: Channel[];
  campaigns: CampaignLibrary;
  delivery: DeliveryService;
  stop(): Promise<void>;
}

/** The first start on an empty embedded database seeds the demo province. */
async function seedWhenNew(config: Config, store: Store, log: Logger): Promise<void> {
  if (store.kind !== 'pglite' || (await hasAreas(store.prisma))) return;
  if (!existsSync(path.join(config.contentDir, 'demo.yaml'))) return;
  const created = await seedDemo(store.prisma, readDemoData(config.contentDir));
  log.info(created, 'demo data seeded (new embedded database)');
}

/**
 * What `/health/ready` checks: the database answers, every migration is applied, each channel is
 * receiving (its webhook set or its polling answered), and the outbox is not stalled.
 */
function readinessChecks(config: Config, store: Store, channels: readonly Channel[]): ReadinessChecks {
  return {
    database: async () => (await ping(store.prisma), { ok: true }),
    // Pinged first: a database that does not answer has unknown migrations, not pending ones.
    migrations: async () => (await ping(store.prisma), (await migrationsUpToDate(store.prisma)) ? { ok: true } : { ok: false, problem: 'migrations are pending: restart loaban start to apply them' }),
    ...Object.fromEntries(channels.map((c) => [c.platform, () => ({ ...(c.status?.() ?? { ok: true, receiving: 'local' }) })])),
    outbox: async () => {
      const health = await outboxHealth(store.prisma, new Date(), config.timeZone, config.quietHours);
      return health.ok ? { ...health } : { ...health, problem: `messages due for over ${stallAfterMs / 60_000} minutes and none sent since` };
    },
  };
}

/** Each slice's dashboard pages, in the order the dashboard registers them. */
export const dashboardPages: readonly DashboardPages[] = [registerSchedulePages, registerReportPages, registerExportPages, registerQuestionPages, registerInvitePages];

export async function startApp(config: Config, log: Logger): Promise<App> {
  checkContentDir(config);
  const faq = loadFaq(config.contentDir);
  log.info({ entries: faq.knowledge.entries.length, areasWithDirectory: faq.knowledge.directory.size }, 'FAQ loaded');
  const campaigns = loadCampaigns(config.contentDir);
  log.info({ messages: campaigns.messages.size, calendarEvents: campaigns.calendar.length }, 'campaigns loaded');
  const report = { ...readReportContent(config.contentDir), topics: faq.knowledge.topics, timeZone: config.timeZone, graceDays: config.reportGraceDays };
  const { store } = await openMigratedStore(config, log);
  const http = createHttpServer(log);
  const channels: Channel[] = [];
  let delivery: DeliveryService | undefined;
  let control: ControlServer | null = null;
  let presence: Presence | null = null;
  try {
    // On PostgreSQL other processes may share the database: this one shows itself to them (presence.ts).
    if (store.kind === 'postgres') presence = await openPresence(config.databaseUrl!, log);
    // The embedded database is this process's: `loaban` commands reach it through DATA_DIR/loaban.sock.
    if (store.kind === 'pglite') control = await serveControl(config.dataDir, store.adapterFactory, log, { backupImage: store.backupImage });
    await seedWhenNew(config, store, log);
    const sandbox = config.sandbox ? new SandboxChannel() : null;
    if (sandbox) {
      registerSandboxRoutes(http, { db: store.prisma, channel: sandbox, publicUrl: config.publicUrl });
      channels.push(counted(sandbox));
    }
    // What the admin chat commands and the dashboard both need. Delivery starts after the channels:
    // a confirmed "send now" runs the schedules at once when it is there, else at the next tick.
    const adminSettings = {
      campaigns,
      platforms: platformsOf(config),
      timeZone: config.timeZone,
      inviteTtlDays: config.inviteTtlDays,
      quietHours: config.quietHours,
      kick: () => delivery?.tick() ?? Promise.resolve(),
    };
    registerAdminRoutes(
      http,
      { ...adminSettings, db: store.prisma, log, sandbox: config.sandbox, publicUrl: config.publicUrl, report: { formats: report.formats, topics: report.topics }, directory: faq.knowledge.directory },
      dashboardPages,
    );
    channels.push(...(await platformChannels(config, http, store.prisma, log, { webhooks: true, presence })).map(counted));
    registerHealth(http, readinessChecks(config, store, channels));
    if (config.metrics) await registerMetrics(http, { token: config.metrics.token, outbox: () => outboxFigures(store.prisma, new Date()) });
    const url = await listen(http, config.host, config.port, config.operatorLanguage);
    const synced = await syncCampaigns(store.prisma, campaigns);
    if (synced.created + synced.updated > 0) log.info(synced, 'campaign messages stored');
    // Replies take slots of the same per-platform clock as broadcasts.
    // One send clock for replies and broadcasts: in memory when this process alone has the database.
    const clock = store.kind === 'pglite' ? memoryClock() : databaseClock(store.prisma);
    const paced = channels.map((c) => pacedChannel(c, store.prisma, config, log, clock));
    const personBudget = new PersonBudget(config.personMessagesPerMinute);
    const languages = contentLanguages(faq, [...campaigns.messages.values()].map((m) => m.variants));
    const admin = { ...adminSettings, baseUrl: config.publicUrl ?? url };
    for (const [i, channel] of channels.entries()) {
      await channel.start(createInboundHandler({ db: store.prisma, log, channel: paced[i]!, faq, report, languages, admin, personBudget }));
    }
    const byPlatform = new Map(paced.map((c) => [c.platform as string, c]));
    const send: Send = async (platform, chatId, message) => {
      const channel = byPlatform.get(platform);
      if (!channel) return { ok: false, error: { kind: 'invalid', reason: `no ${platform} channel` }, sentMessageIds: [] };
      return channel.send({ chatId }, message);
    };
    const stopReportJobs = scheduleReportJobs(store.prisma, send, log);
    const stopHousekeeping = scheduleHousekeeping(store.prisma, config.timeZone, log);
    const stopBackups = scheduleBackups(store, config.dataDir, config.backupKeepDays, config.timeZone, log);
    const stopJobs = () => (stopReportJobs(), stopHousekeeping(), stopBackups());
    // Report reminders go through the outbox: queued on the delivery tick, sent by the dispatchers.
    const reminders = reportReminderJob(store.prisma, { timeZone: config.timeZone, platforms: [...byPlatform.keys()] }, log);
    delivery = await startDelivery({ db: store.prisma, channels, config, library: campaigns, soleProcess: store.kind === 'pglite', clock, log, jobs: [reminders], stillWanted: reminderStillWanted(store.prisma), platforms: platformsOf(config), ...together(store, presence, log) });
    let stopping: Promise<void> | undefined;
    return {
      store,
      http,
      url,
      sandbox,
      channels,
      campaigns,
      delivery,
      stop: () =>
        (stopping ??= (async () => {
          stopJobs();
          await delivery?.stop();
          await Promise.allSettled(channels.map((c) => c.stop()));
          await http.close();
          await control?.close();
          await presence?.close();
          await store.close();
        })()),
    };
  } catch (error) {
    await delivery?.stop();
    await Promise.allSettled(channels.map((c) => c.stop()));
    await http.close().catch(() => {});
    await control?.close().catch(() => {});
    await presence?.close();
    await store.close();
    throw error;
  }
}

export interface Dispatch {
  store: Store;
  delivery: DeliveryService;
  stop(): Promise<void>;
}

/**
 * The Telegram and Zalo channels the configuration asks for, built once for `start` and for
 * `dispatch`. With `presence` (PostgreSQL, where other processes may run), a channel that polls
 * polls in one process at a time (polling-turn.ts). Each platform's modules (telegraf, axios) are
 * loaded only when it is configured.
 */
async function platformChannels(config: Config, http: FastifyInstance, db: Db, log: Logger, { webhooks, presence = null }: { webhooks: boolean; presence?: Presence | null }): Promise<Channel[]> {
  const hook = (url: string | undefined | null, secret: string | undefined | null) => (webhooks && url && secret ? { url, secret } : null);
  const inTurn = (make: () => Channel, polls: boolean) => (polls && presence ? pollingInTurn(make(), make, (name) => presence.lead(name), log) : make());
  const channels: Channel[] = [];
  if (config.telegram) {
    const { token, apiRoot, webhookUrl, webhookSecret } = config.telegram;
    const webhook = hook(webhookUrl, webhookSecret);
    const { TelegramChannel } = await import('./channels/telegram/telegram.ts');
    channels.push(inTurn(() => new TelegramChannel({ token, apiRoot, webhook, http, log }), !webhook));
  }
  if (config.zalo) {
    const { token, apiRoot, webhookUrl, webhookSecret } = config.zalo;
    const webhook = hook(webhookUrl, webhookSecret);
    const [{ ZaloChannel }, { choiceMemory }] = await Promise.all([import('./channels/zalo/zalo.ts'), import('./channels/zalo/choices.ts')]);
    channels.push(inTurn(() => new ZaloChannel({ token, apiRoot, webhook, http, choices: choiceMemory(db, 'zalo'), log }), !webhook));
  }
  return channels;
}

/**
 * On PostgreSQL, where other processes may share the database: how the dispatchers tell which
 * processes are alive (a dead one's deliveries are taken back at once), and the tick's lock.
 */
const together = (store: Store, presence: Presence | null, log: Logger) =>
  presence ? { aliveWorkers: () => aliveWorkersSeenBy(store.prisma, presence.worker, log), tickLock: () => presence.tryLock('delivery-tick') } : {};

/**
 * Only the schedules and the outbox, no inbound chats and no web pages: `loaban dispatch`, for
 * extra sending processes beside `loaban start` on PostgreSQL (the embedded database allows
 * one process, which `start` already is). Telegram and Zalo only: the sandbox lives inside start.
 */
export async function startDispatch(config: Config, log: Logger): Promise<Dispatch> {
  checkContentDir(config);
  const campaigns = loadCampaigns(config.contentDir);
  const { store } = await openMigratedStore(config, log);
  let presence: Presence | null = null;
  try {
    if (store.kind === 'postgres') presence = await openPresence(config.databaseUrl!, log);
    const http = createHttpServer(log);
    // Sending only: no webhooks (the `start` process receives the updates).
    const channels = (await platformChannels(config, http, store.prisma, log, { webhooks: false })).map(counted);
    if (channels.length === 0) throw new ConfigError(translator(config.operatorLanguage)('ops:dispatch.noChannel'));
    await syncCampaigns(store.prisma, campaigns);
    const delivery = await startDelivery({ db: store.prisma, channels, config, library: campaigns, soleProcess: store.kind === 'pglite', clock: store.kind === 'pglite' ? memoryClock() : undefined, log, stillWanted: reminderStillWanted(store.prisma), platforms: platformsOf(config), ...together(store, presence, log) });
    let stopping: Promise<void> | undefined;
    return {
      store,
      delivery,
      stop: () =>
        (stopping ??= (async () => {
          await delivery.stop();
          await presence?.close();
          await store.close();
        })()),
    };
  } catch (error) {
    await presence?.close();
    await store.close();
    throw error;
  }
}
