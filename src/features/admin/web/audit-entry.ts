/**
 * One audit entry in words, for the audit log page: who acted (their name and role; the command
 * line, Loa Bản itself or "someone on Telegram" when no person is known), what they did as one
 * sentence from locales (admin:audit.sentences, one per action, a generic one for the rest), what
 * it was about (a link to the schedule, report or group while it exists), and the raw record with
 * its times in local time, for the "details" fold. No honorific is guessed: people go by name.
 */
import { DateTime } from '../../../core/luxon.ts';
import type { AuditLog } from '../../../generated/prisma/client.ts';
import type { CampaignLibrary } from '../../../content/campaigns.ts';
import type { Translate } from '../../../core/i18n.ts';
import { periodName } from '../../../core/glossary.ts';
import { parsePeriod } from '../../reporting/index.ts';
import { field, type AuditFacts, type AuditPerson } from '../audit-facts.ts';
import { localTime } from './pages.ts';

export interface WordedEntry {
  who: string;
  /** The person's role today ("cán bộ Hội LHPN xã · Xã Hoa Ban"); '' for the command line, the system, someone unknown. */
  role: string;
  sentence: string;
  link: { href: string; label: string } | null;
  /** The raw record, times in local time. */
  raw: string;
}

/** Actors that are not a person. */
const namedActors = new Set(['cli', 'system', 'villager', 'chat', 'deleted-person', 'anonymous']);

/** A person's role: their admin grants, else their groups. */
function roleOf(t: Translate, person: AuditPerson): string {
  if (person.grants.length > 0) {
    const levels = [...new Set(person.grants.map((g) => g.level))];
    const areas = (level: string) => person.grants.filter((g) => g.level === level).map((g) => g.area).join(', ');
    return levels.map((level) => t('admin:audit.roles.admin', { level: t(`admin:audit.levels.${level}`, { defaultValue: level }), area: areas(level) })).join('; ');
  }
  return person.memberships.map((m) => t(`admin:audit.roles.${m.role === 'leader' || m.role === 'deputy' ? m.role : 'member'}`, { group: m.group })).join('; ');
}

function actorOf(t: Translate, row: AuditLog, facts: AuditFacts): { who: string; role: string } {
  const personId = row.actorId ?? facts.actors.get(row.actor);
  const person = personId === undefined ? undefined : facts.people.get(personId);
  if (person) return { who: person.name, role: roleOf(t, person) };
  if (namedActors.has(row.actor)) return { who: t(`admin:audit.actors.${row.actor}`), role: '' };
  const platform = /^([a-z]+):/.exec(row.actor)?.[1];
  if (platform && platform !== 'admin') return { who: t('admin:audit.actors.platform', { platform: t(`glossary:platform.${platform}`, { defaultValue: platform }) }), role: '' };
  return { who: t('admin:audit.actors.someone'), role: '' };
}

/** A whole-number field of an entry's JSON; null when absent. */
const numberAt = (json: unknown, key: string) => (typeof field(json, key) === 'number' ? (field(json, key) as number) : null);
const idOf = (row: AuditLog, entity: string) => (row.entity === entity && /^\d{1,9}$/.test(row.entityId) ? Number(row.entityId) : null);
const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const excerpt = (s: string, max = 80) => (s.length > max ? `${s.slice(0, max)}…` : s);
const day = (value: unknown) => {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? DateTime.fromJSDate(date, { zone: 'UTC' }).toFormat('dd/LL/yyyy') : undefined;
};

/** A message's title: a campaign message's, a calendar event's, or the start of its own text. */
function messageOf(t: Translate, library: CampaignLibrary, what: { contentId?: unknown; calendarKey?: unknown; text?: unknown }): string | undefined {
  const contentId = text(what.contentId);
  if (contentId) return library.messages.get(contentId)?.title ?? contentId;
  const calendarKey = text(what.calendarKey);
  if (calendarKey) return t('admin:schedules.calendarWhat', { title: library.calendar.find((e) => e.id === calendarKey)?.title ?? calendarKey });
  const own = text(what.text);
  return own ? excerpt(own) : undefined;
}

/** To whom a schedule sends: its groups, its area, or everyone. */
function audienceOf(t: Translate, facts: AuditFacts, audience: unknown): string | undefined {
  if (audience === undefined || audience === null) return undefined;
  const groupIds = field(audience, 'groupIds');
  if (Array.isArray(groupIds)) return groupIds.map((id) => facts.groups.get(Number(id))?.name ?? t('admin:audit.unknown.group')).join(', ');
  const areaId = field(audience, 'areaId');
  if (typeof areaId === 'number') return facts.areas.get(areaId) ?? t('admin:audit.unknown.area');
  return t('admin:schedules.everyone');
}

/** A period as people say it: "quý 4/2026" or "năm 2026". */
function periodOf(t: Translate, value: unknown): string | undefined {
  const period = text(value);
  const parsed = period === undefined ? null : parsePeriod(period);
  return parsed ? periodName(t, parsed) : period;
}

/** The raw record for the fold: every column, JSON with its instants in local time. */
function rawOf(row: AuditLog, timeZone: string): string {
  const local = (_key: string, value: unknown) => (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) ? localTime(new Date(value), timeZone) : value);
  const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, local, 1).replace(/\n\s*/g, ' '));
  return [
    `action: ${row.action}`,
    `actor: ${row.actor}${row.actorId === null ? '' : ` (person ${row.actorId})`}`,
    `entity: ${row.entity} ${row.entityId}`,
    row.areaId === null ? '' : `areaId: ${row.areaId}`,
    row.before === null ? '' : `before: ${json(row.before)}`,
    row.after === null ? '' : `after: ${json(row.after)}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** The sentences in the admin's language, by action. */
function sentences(t: Translate): Record<string, unknown> {
  const all = t('admin:audit.sentences', { returnObjects: true }) as unknown;
  return all && typeof all === 'object' ? (all as Record<string, unknown>) : {};
}

/** `row` in words: who, the sentence, the link to what it is about, the raw record. */
export function wordEntry(t: Translate, row: AuditLog, facts: AuditFacts, library: CampaignLibrary, timeZone: string): WordedEntry {
  const { who, role } = actorOf(t, row, facts);
  const scheduleId = idOf(row, 'Schedule');
  const schedule = scheduleId === null ? undefined : facts.schedules.get(scheduleId);
  const reportId = idOf(row, 'SessionReport');
  const report = reportId === null ? undefined : facts.reports.get(reportId);
  const groupId = idOf(row, 'CommunicationGroup') ?? numberAt(row.after, 'groupId') ?? report?.groupId ?? null;
  const group = groupId === null ? undefined : facts.groups.get(groupId);
  const areaId = idOf(row, 'Area') ?? row.areaId ?? numberAt(row.after, 'areaId');
  const personId = idOf(row, 'Person') ?? numberAt(row.after, 'personId');
  const what = schedule ?? { contentId: field(row.after, 'contentId') ?? (row.entity === 'ContentItem' ? row.entityId : undefined), calendarKey: field(row.after, 'calendarKey'), text: field(row.after, 'text') };
  const level = (value: unknown) => (text(value) ? t(`admin:audit.levels.${String(value)}`, { defaultValue: String(value) }) : undefined);
  const count = ['admins', 'shown', 'groups', 'rows', 'chats', 'reach'].map((key) => numberAt(row.after, key)).find((n) => n !== null) ?? 0;

  const params = {
    who,
    group: group?.name ?? report?.group ?? t('admin:audit.unknown.group'),
    area: areaName(t, facts, areaId),
    message: messageOf(t, library, what) ?? t('admin:audit.unknown.message'),
    audience: audienceOf(t, facts, schedule?.audience ?? field(row.after, 'audience')) ?? t('admin:audit.unknown.area'),
    date: day(report?.heldOn ?? field(row.after, 'heldOn') ?? field(row.before, 'heldOn')) ?? '',
    quarter: periodOf(t, field(row.after, 'quarter')) ?? '',
    period: periodOf(t, field(row.after, 'period')) ?? '',
    person: (personId === null ? undefined : facts.people.get(personId)?.name) ?? t('admin:audit.unknown.person'),
    level: level(field(row.after, 'level')) ?? '',
    levelBefore: level(field(row.before, 'level')) ?? '',
    role: text(field(row.after, 'role')) ? t(`admin:audit.memberRoles.${String(field(row.after, 'role'))}`, { defaultValue: String(field(row.after, 'role')) }) : '',
    text: text(field(row.before, 'text')) ?? '',
    target: row.entity === 'AuditLog' ? t('admin:audit.targets.auditLog') : row.entity === 'Area' ? areaName(t, facts, areaId) : group ? group.name : t('admin:audit.targets.other'),
    count,
  };
  const known = typeof sentences(t)[row.action] === 'string';
  const sentence = known ? t(`audit|sentences|${row.action}`, { ns: 'admin', keySeparator: '|', ...params }) : t('admin:audit.generic', params);

  let link: WordedEntry['link'] = null;
  if (schedule && schedule.status !== 'removed') link = { href: `/admin/schedules#schedule-${scheduleId}`, label: t('admin:audit.links.schedule') };
  else if (report) link = { href: `/admin/reports/${reportId}`, label: t('admin:audit.links.report') };
  else if (group) link = { href: `/admin/compliance?area=${group.areaId}`, label: t('admin:audit.links.group') };
  return { who, role, sentence, link, raw: rawOf(row, timeZone) };
}

function areaName(t: Translate, facts: AuditFacts, areaId: number | null): string {
  return (areaId === null ? undefined : facts.areas.get(areaId)) ?? t('admin:audit.unknown.area');
}
