/**
 * What the schedule pages share: how a schedule is worded (what it sends, when, to whom, in
 * which language), the quiet hours in force, and the hidden CSRF field of their forms.
 */
import type { QuietHours } from '../../../core/config.ts';
import type { Translate } from '../../../core/i18n.ts';
import type { Audience } from '../audience.ts';
import type { listSchedules } from '../schedules.ts';
import { canSee } from '../../groups/index.ts';
import { html, localTime, type PageContext, type AdminKit, type SignedIn } from '../../admin/web/index.ts';
import type { AudienceFacts } from '../schedule-admin.ts';

export type ScheduleRow = Awaited<ReturnType<typeof listSchedules>>[number];
export type Library = AdminKit['deps']['campaigns'];

export const excerpt = (text: string, max = 80) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** What a schedule sends: the message's title, the calendar event's, or the start of its own text. */
export function whatText(t: Translate, row: Pick<ScheduleRow, 'contentId' | 'calendarKey' | 'text'>, library: Library): string {
  if (row.contentId) return library.messages.get(row.contentId)?.title ?? row.contentId;
  if (row.calendarKey) return t('admin:schedules.calendarWhat', { title: library.calendar.find((e) => e.id === row.calendarKey)?.title ?? row.calendarKey });
  return excerpt(row.text ?? '');
}

/** When a schedule sends: once at, repeating by cron, on a calendar event's dates at. */
export function whenText(t: Translate, row: ScheduleRow, timeZone: string): string {
  if (row.kind === 'once' && row.runAt) return t('admin:schedules.once', { time: localTime(row.runAt, timeZone) });
  if (row.kind === 'cron') return t('admin:schedules.cron', { cron: row.cron });
  return t('admin:schedules.calendarWhen', { time: row.atTime ?? '08:00' });
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
  if (audience.platform) parts.push(t('admin:schedules.onlyPlatform', { platform: audience.platform }));
  return parts.join(' · ');
}

export const languageName = (t: Translate, code: string) => t(`admin:schedules.language.${code}`, { defaultValue: code });

/** Quiet hours in force when a message would go: the window ("21:00", "06:00") and when it ends. */
export interface Quiet {
  start: string;
  end: string;
  until: Date;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
export const quietWindow = (q: NonNullable<QuietHours>) => ({ start: hhmm(q.startMinute), end: hhmm(q.endMinute) });

export const csrfField = (ctx: PageContext) => html`<input type="hidden" name="_csrf" value="${ctx.admin!.csrf}">`;
