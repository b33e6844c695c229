/**
 * What the schedule pages share: how a schedule is worded (what it sends, when, to whom, in
 * which language, on which channel), where a run stands, the quiet hours in force, and the
 * hidden CSRF field of their forms.
 */
import type { QuietHours } from '../../../core/config.ts';
import type { Translate } from '../../../core/i18n.ts';
import { formatLocalTime } from '../../../core/time.ts';
import type { Audience } from '../audience.ts';
import type { listSchedules } from '../schedules.ts';
import { canSee } from '../../groups/index.ts';
import { html, localTime, type PageContext, type AdminKit, type SignedIn } from '../../admin/web/index.ts';
import type { AudienceFacts } from '../schedule-admin.ts';
import { repeatOf } from '../repeat.ts';
import type { Standing } from '../standing.ts';

export type ScheduleRow = Awaited<ReturnType<typeof listSchedules>>[number];
export type Library = AdminKit['deps']['campaigns'];

export const excerpt = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** What a schedule sends: the message's title, the calendar event's, or the start of its own text. */
export function whatText(t: Translate, row: Pick<ScheduleRow, 'contentId' | 'calendarKey' | 'text'>, library: Library): string {
  if (row.contentId) return library.messages.get(row.contentId)?.title ?? row.contentId;
  if (row.calendarKey) return t('admin:schedules.calendarWhat', { title: library.calendar.find((e) => e.id === row.calendarKey)?.title ?? row.calendarKey });
  return excerpt(row.text ?? '');
}

/** When a schedule sends: once at, every week or month (or by an advanced cron expression), on a calendar event's dates at. */
export function whenText(t: Translate, row: Pick<ScheduleRow, 'kind' | 'runAt' | 'cron' | 'atTime'>, timeZone: string): string {
  if (row.kind === 'once' && row.runAt) return t('admin:schedules.once', { time: localTime(row.runAt, timeZone) });
  if (row.kind === 'cron') return repeatText(t, row.cron ?? '');
  return t('admin:schedules.calendarWhen', { time: row.atTime ?? '08:00' });
}

/** A weekday's name, 0 Sunday … 6 Saturday. */
export const weekdayName = (t: Translate, day: number) => t(`admin:schedules.weekday.${day}`);

/** A repeating schedule in words: "every Monday and Thursday at 07:30", "the last day of each month at 19:00"; else its cron expression, as advanced. */
export function repeatText(t: Translate, cron: string): string {
  const repeat = repeatOf(cron);
  if (!repeat) return t('admin:schedules.cron', { cron });
  if (repeat.every === 'month') return repeat.day === 'last' ? t('admin:schedules.monthlyLast', { time: repeat.time }) : t('admin:schedules.monthly', { day: repeat.day, time: repeat.time });
  if (repeat.weekdays.length === 7) return t('admin:schedules.daily', { time: repeat.time });
  return t('admin:schedules.weekly', { days: repeat.weekdays.map((d) => weekdayName(t, d)), time: repeat.time });
}

/** A chat platform by the name people know it by: Telegram, Zalo, and the sandbox as a "test box". */
export const channelName = (t: Translate, platform: string) => t(`admin:schedules.channel.${platform}`, { defaultValue: platform });

/** "HH:MM" of `date` in `timeZone`: the end of the quiet hours, always within a day. */
export const clockTime = formatLocalTime;

/** Where a run stands, in a few words for the list beside its time: waiting until the quiet hours end, sending, done with how many sent… */
export function standingText(t: Translate, standing: Standing, counts: { sent: number; total: number }, timeZone: string): string {
  switch (standing.state) {
    case 'quiet':
      return t('admin:schedules.standing.quiet', { time: clockTime(standing.until, timeZone) });
    case 'done':
      return t('admin:schedules.standing.done', counts);
    default:
      return t(`admin:schedules.standing.${standing.state}`);
  }
}

/** To whom: everyone, an area, the groups the admin may see; then the language and platform filters. */
export function audienceText(t: Translate, who: SignedIn, audience: Audience, facts: AudienceFacts): string {
  const parts: string[] = [];
  if (audience.groupIds) {
    const visible = audience.groupIds.filter((id) => canSee(who.scope, facts.groupAreas.get(id) ?? -1));
    parts.push(visible.map((id) => facts.groupNames.get(id) ?? `#${id}`).join(', '));
    if (visible.length < audience.groupIds.length) parts.push(t('admin:schedules.moreGroups', { count: audience.groupIds.length - visible.length }));
  } else if (audience.areaId !== undefined) {
    parts.push(facts.areaNames.get(audience.areaId) ?? `#${audience.areaId}`);
  } else {
    parts.push(t('admin:schedules.everyone'));
  }
  if (audience.language) parts.push(t('admin:schedules.onlyLanguage', { language: languageName(t, audience.language) }));
  if (audience.platform) parts.push(t('admin:schedules.onlyPlatform', { platform: channelName(t, audience.platform) }));
  return parts.join(' · ');
}

export const languageName = (t: Translate, code: string) => t(`admin:schedules.language.${code}`, { defaultValue: code });

/** The quiet hours: "21:00" to "06:00". */
export interface QuietWindow {
  start: string;
  end: string;
}

/** Quiet hours in force when a message would go: the window and when it ends. */
export interface Quiet extends QuietWindow {
  until: Date;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
export const quietWindow = (q: NonNullable<QuietHours>): QuietWindow => ({ start: hhmm(q.startMinute), end: hhmm(q.endMinute) });

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.admin!.csrf}">`;
