/**
 * What a Women's Union admin can do from a private chat, inside their own area (the subtrees of
 * their grants): /lich, the next broadcasts reaching the area; /guingay <tin> <địa bàn>, a
 * campaign message sent now after a confirm step; /thongke, this quarter's reporting with the
 * last four quarters and a small chart; /moi <tổ>, a one-time invite code for a group's leader.
 * admin.ts checks the chat and the person first; everything done here is written to the audit log.
 * What /guingay's words name is read (purely) in send-request.ts; its requests are kept in send-asks.ts.
 *
 * A /guingay confirm is an audit row `admin.chat.sendNow.ask` (who, what, where); its buttons
 * carry only that row's id. Pressing one re-checks the admin, the area and the message, refuses
 * a request older than `confirmTtlMs`, and claims the request once (a ProcessedUpdate row keyed
 * on it), so a double press, or "Gửi" after "Huỷ", never sends twice.
 */
import { DateTime } from '../../core/luxon.ts';
import { auditAdmin, type Actor } from './auth.ts';
import { complianceTable, type QuarterShare } from '../reporting/index.ts';
import { upcomingBroadcasts, type UpcomingBroadcast } from './overview.ts';
import { areaById, canSee, type AdminScope } from '../groups/index.ts';
import { campaignTextLimit, type CampaignLibrary } from '../../content/campaigns.ts';
import { resolveAudience, addSchedule, ScheduleError } from '../delivery/index.ts';
import type { QuietHours } from '../../core/config.ts';
import { quietUntil } from '../../core/time.ts';
import { matchByName } from '../../core/text/names.ts';
import { createInvite, invitableGroups } from '../subscriptions/index.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Turn } from '../../bot/turn.ts';
import { parseSendRequest } from './send-request.ts';
import { areasToSendTo, recordSendAsk, sendAskOf } from './send-asks.ts';
import { claimOnce, releaseOnce } from '../../core/store/once.ts';

export const adminCommandNames = ['lich', 'guingay', 'thongke', 'moi'] as const;
export type AdminCommandName = (typeof adminCommandNames)[number];

export interface AdminCommandDeps {
  /** The campaign library /guingay sends from (CONTENT_DIR's). */
  campaigns: CampaignLibrary;
  /** Platforms this deployment sends on. */
  platforms: readonly string[];
  /** The area's time zone for times and quarters (TZ_AREA). */
  timeZone: string;
  /** Days an invite code from /moi works (INVITE_TTL_DAYS). */
  inviteTtlDays: number;
  /** QUIET_HOURS, to tell an admin when a message sent in them will go. */
  quietHours: QuietHours;
  /** Runs due schedules now, so a confirmed /guingay goes at once. */
  kick: () => Promise<void>;
  /** How far ahead a confirmed send is scheduled. */
  sendDelayMs: number;
  now: () => Date;
}

export interface ChatAdmin {
  actor: Actor;
  scope: AdminScope;
}

/** How long a /guingay confirm can be pressed. */
export const confirmTtlMs = 10 * 60_000;
/** Broadcasts /lich lists. */
const upcomingShown = 5;
/** Missing groups /thongke names before "+N". */
const missingShown = 10;
/** Candidates listed when a name is ambiguous. */
const candidatesShown = 8;
/** Lines of a message's text shown in the confirm step. */
const previewLines = 3;
const previewChars = 300;

// ——— formatting ———

const localTime = (date: Date, timeZone: string) => DateTime.fromJSDate(date, { zone: timeZone }).toFormat('HH:mm dd/LL/yyyy');
const scopeName = (scope: AdminScope) => scope.grants.map((g) => g.areaName).join(', ');
const percent = (met: number, counted: number) => (counted === 0 ? '—' : `${Math.round((met / counted) * 100)}%`);
/** "• a\n• b\n+3" — at most `shown` lines, then how many more. */
function bulletList(t: Translate, lines: string[], shown = candidatesShown): string {
  const listed = lines.slice(0, shown).map((l) => `• ${l}`);
  if (lines.length > shown) listed.push(t('admin.common.more', { count: lines.length - shown }));
  return listed.join('\n');
}

function whatOf(t: Translate, b: UpcomingBroadcast): string {
  if (b.what.kind === 'content') return `«${b.what.title}»`;
  if (b.what.kind === 'calendar') return t('admin.schedule.calendar', { key: b.what.key });
  const text = b.what.text.replace(/\s+/g, ' ');
  return `«${text.length > 60 ? `${text.slice(0, 59)}…` : text}»`;
}

function audienceOf(t: Translate, b: UpcomingBroadcast): string {
  if (b.audience.kind === 'everyone') return t('admin.schedule.everyone');
  if (b.audience.kind === 'area') return b.audience.name;
  return b.audience.names.join(', ');
}

/** The first lines of a message's text, for the confirm step. */
function preview(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const shown = lines.slice(0, previewLines).join('\n');
  const cut = shown.length > previewChars ? shown.slice(0, previewChars - 1).trimEnd() : shown;
  return cut.length < shown.length || lines.length > previewLines ? `${cut}…` : cut;
}

// ——— commands ———

/** Runs one admin command for an admin in a private chat. */
export async function runAdminCommand(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps, command: AdminCommandName, args: string): Promise<void> {
  switch (command) {
    case 'lich':
      return upcoming(turn, admin, deps);
    case 'guingay':
      return askSend(turn, admin, deps, args);
    case 'thongke':
      return stats(turn, admin, deps);
    case 'moi':
      return invite(turn, admin, deps, args);
  }
}

async function upcoming(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps): Promise<void> {
  const { t, db } = turn;
  const list = await upcomingBroadcasts(db, admin.scope, upcomingShown);
  await auditAdmin(db, admin.actor, 'admin.chat.schedule', { entity: 'Person', entityId: String(admin.actor.personId), after: { shown: list.length } });
  if (list.length === 0) return void (await turn.reply({ text: t('admin.schedule.none', { scope: scopeName(admin.scope) }) }));
  const lines = list.map((b) => t('admin.schedule.line', { time: localTime(b.at, deps.timeZone), what: whatOf(t, b), audience: audienceOf(t, b) }));
  await turn.reply({ text: [t('admin.schedule.title', { scope: scopeName(admin.scope), count: list.length }), ...lines, '', t('admin.schedule.more')].join('\n') });
}

async function forbidden(turn: Turn, admin: ChatAdmin, entity: string, entityId: string, command: string): Promise<void> {
  await auditAdmin(turn.db, admin.actor, 'admin.forbidden', { entity, entityId, areaId: null, after: { via: 'chat', command } });
}

async function askSend(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps, args: string): Promise<void> {
  const { t, db } = turn;
  const usage = t('admin.sendNow.usage');
  const messages = [...deps.campaigns.messages.values()];
  const request = parseSendRequest(args, messages, await areasToSendTo(db), (a) => canSee(admin.scope, a.id));
  const reply = (text: string) => turn.reply({ text });
  switch (request.kind) {
    case 'usage':
      return void (await reply(usage));
    case 'unknownContent':
      return void (await reply(`${t('admin.sendNow.unknownContent', { query: args.trim() })}\n\n${usage}`));
    case 'ambiguousContent':
      return void (await reply(t('admin.sendNow.ambiguousContent', { query: request.query, list: bulletList(t, request.candidates.map((m) => `${m.id} — ${m.title}`)) })));
    case 'missingArea':
      return void (await reply(`${t('admin.sendNow.missingArea', { title: request.message.title })}\n\n${usage}`));
    case 'unknownArea':
      return void (await reply(`${t('admin.sendNow.unknownArea', { title: request.message.title, query: request.query, scope: scopeName(admin.scope) })}\n\n${usage}`));
    case 'ambiguousArea':
      return void (await reply(t('admin.sendNow.ambiguousArea', { query: request.query, list: bulletList(t, request.candidates.map((a) => `${a.name} (${a.code})`)) })));
    case 'outside': {
      for (const area of request.areas.slice(0, candidatesShown)) await forbidden(turn, admin, 'Area', String(area.id), 'guingay');
      const names = request.areas.map((a) => a.name).join(', ');
      return void (await reply(t('admin.common.outside', { name: names, scope: scopeName(admin.scope) })));
    }
  }
  const { message, area } = request;
  const reach = (await resolveAudience(db, { areaId: area.id }, deps.platforms)).length;
  if (reach === 0) return void (await reply(t('admin.sendNow.noReach', { area: area.name })));
  const askId = await recordSendAsk(db, admin.actor, { contentId: message.id, areaId: area.id, reach }, deps.now());
  await turn.reply({
    text: t('admin.sendNow.confirm', { title: message.title, preview: preview(message.variants.vi ?? ''), area: area.name, count: reach, minutes: confirmTtlMs / 60_000 }),
    buttons: [[{ label: t('admin.sendNow.yes'), data: `adm:send:${askId}` }, { label: t('admin.sendNow.no'), data: `adm:cancel:${askId}` }]],
  });
}

export interface ConfirmTap {
  action: 'send' | 'cancel';
  askId: number;
}

/** The /guingay confirm button a tap carries, or null. */
export function confirmButton(data: string | undefined): ConfirmTap | null {
  // At most 9 digits: a forged longer number would not fit the database's integer ids.
  const match = /^adm:(send|cancel):(\d{1,9})$/.exec(data ?? '');
  return match ? { action: match[1] as ConfirmTap['action'], askId: Number(match[2]) } : null;
}

/** "Gửi" or "Huỷ" under a /guingay confirm: re-checked, once only. */
export async function onConfirmButton(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps, tap: ConfirmTap): Promise<void> {
  const { t, db, event } = turn;
  const now = deps.now();
  const ask = await sendAskOf(db, tap.askId, admin.actor.personId);
  if (!ask) return void (await turn.reply({ text: t('admin.sendNow.gone') }));
  const { contentId, areaId } = ask;
  // One answer per request, whichever button and however many presses.
  const claimKey = { platform: event.platform, updateId: `admin-send:${ask.id}` };
  if (tap.action === 'send' && now.getTime() - ask.at.getTime() > confirmTtlMs) return void (await turn.reply({ text: t('admin.sendNow.expired', { minutes: confirmTtlMs / 60_000 }) }));
  if (!(await claimOnce(db, claimKey))) return void (await turn.reply({ text: t('admin.sendNow.already') }));
  if (tap.action === 'cancel') {
    await auditAdmin(db, admin.actor, 'admin.chat.sendNow.cancel', { entity: 'ContentItem', entityId: contentId, areaId, after: { askId: ask.id } }, now);
    return void (await turn.reply({ text: t('admin.sendNow.cancelled') }));
  }
  const area = await areaById(db, areaId);
  if (!area || !canSee(admin.scope, area.id)) {
    await forbidden(turn, admin, 'Area', String(areaId), 'guingay');
    return void (await turn.reply({ text: t('admin.common.outside', { name: area?.name ?? `#${areaId}`, scope: scopeName(admin.scope) }) }));
  }
  const message = deps.campaigns.messages.get(contentId);
  if (!message) return void (await turn.reply({ text: t('admin.sendNow.contentGone') }));
  const at = new Date(now.getTime() + deps.sendDelayMs);
  let made;
  try {
    made = await addSchedule(
      { db, library: deps.campaigns, timeZone: deps.timeZone, platforms: deps.platforms, textLimit: campaignTextLimit },
      { what: { contentId }, when: { at }, audience: { areaId }, createdById: admin.actor.personId },
      now,
    );
  } catch (error) {
    if (error instanceof ScheduleError) return void (await turn.reply({ text: t('admin.sendNow.failed', { reason: t(`ops:schedule.error.${error.key}`, error.params) }) }));
    // Not our answer to give: let the request be pressed again.
    await releaseOnce(db, claimKey).catch(() => {});
    throw error;
  }
  await auditAdmin(db, admin.actor, 'admin.chat.sendNow', { entity: 'Schedule', entityId: String(made.schedule.id), areaId, after: { contentId, reach: made.reach, askId: ask.id } }, now);
  const queued = t('admin.sendNow.queued', { title: message.title, area: area.name, count: made.reach, id: made.schedule.id });
  const quietEnd = quietUntil(at, deps.timeZone, deps.quietHours);
  const time = quietEnd && DateTime.fromJSDate(quietEnd, { zone: deps.timeZone }).toFormat('HH:mm dd/LL');
  await turn.reply({ text: time ? `${queued}\n${t('admin.sendNow.quiet', { time })}` : queued });
  const wait = Math.max(0, at.getTime() - Date.now()) + 50;
  setTimeout(() => void deps.kick().catch((err: unknown) => turn.log.warn({ err }, 'sending at once failed; the minute tick sends it')), wait).unref();
}

async function stats(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps): Promise<void> {
  const { t, db } = turn;
  const table = await complianceTable(db, admin.scope, { now: deps.now(), timeZone: deps.timeZone });
  await auditAdmin(db, admin.actor, 'admin.chat.stats', { entity: 'Person', entityId: String(admin.actor.personId), after: { groups: table.rows.length } });
  const scope = scopeName(admin.scope);
  if (table.rows.length === 0) return void (await turn.reply({ text: t('admin.stats.noGroups', { scope }) }));
  const current = table.shares.at(-1)!;
  const missing = table.rows.filter((r) => r.statuses.at(-1) === 'missing').map((r) => `${r.group.name} (${r.group.areaName})`);
  const history = table.shares.map((s: QuarterShare) => t('admin.stats.historyLine', { ...s.quarter, met: s.met, counted: s.counted, percent: percent(s.met, s.counted) }));
  const lines = [
    t('admin.stats.title', { ...current.quarter, scope }),
    t('admin.stats.share', { met: current.met, counted: current.counted, percent: percent(current.met, current.counted) }),
    '',
    ...(missing.length > 0 ? [t('admin.stats.missing', { count: missing.length }), bulletList(t, missing, missingShown)] : [t('admin.stats.allReported')]),
    '',
    t('admin.stats.history'),
    ...history,
    '',
    t('admin.stats.details'),
  ];
  // pngjs is loaded with the first chart asked for, not at start.
  const { shareChartPng } = await import('./chart-image.ts');
  const png = shareChartPng(
    table.shares.map((s, i) => ({
      share: s.counted === 0 ? null : s.met / s.counted,
      highlight: i === table.shares.length - 1,
      label: [t('admin.stats.chartQuarter', { quarter: s.quarter.quarter }), String(s.quarter.year)],
    })),
  );
  await turn.reply({ text: lines.join('\n'), image: { png, filename: 'thongke.png' } });
}

async function invite(turn: Turn, admin: ChatAdmin, deps: AdminCommandDeps, args: string): Promise<void> {
  const { t, db } = turn;
  if (args === '') return void (await turn.reply({ text: t('admin.invite.usage') }));
  const found = matchByName(await invitableGroups(db), args);
  const mine = found.filter((g) => canSee(admin.scope, g.areaId));
  if (mine.length === 0 && found.length > 0) {
    for (const g of found.slice(0, candidatesShown)) await forbidden(turn, admin, 'CommunicationGroup', String(g.id), 'moi');
    return void (await turn.reply({ text: t('admin.common.outside', { name: found.map((g) => g.name).join(', '), scope: scopeName(admin.scope) }) }));
  }
  if (mine.length === 0) return void (await turn.reply({ text: `${t('admin.invite.notFound', { query: args, scope: scopeName(admin.scope) })}\n\n${t('admin.invite.usage')}` }));
  if (mine.length > 1) {
    const list = bulletList(t, mine.map((g) => t('admin.invite.candidate', { id: g.id, name: g.name, area: g.area.name })));
    return void (await turn.reply({ text: t('admin.invite.ambiguous', { query: args, list, example: mine[0]!.id }) }));
  }
  const group = mine[0]!;
  const now = deps.now();
  const { code, expiresAt } = await createInvite(db, { groupId: group.id, role: 'leader', ttlDays: deps.inviteTtlDays, createdBy: `admin:${admin.actor.personId}`, now });
  await auditAdmin(db, admin.actor, 'admin.chat.invite', { entity: 'CommunicationGroup', entityId: String(group.id), areaId: group.areaId, after: { role: 'leader', expiresAt: expiresAt.toISOString() } }, now);
  await turn.reply({ text: t('admin.invite.made', { group: group.name, code, until: localTime(expiresAt, deps.timeZone), days: deps.inviteTtlDays }) });
}
