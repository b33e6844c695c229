/**
 * The new-schedule form (what, to whom, when: now, once, every week, every month, on a calendar
 * event, or a cron expression folded under an "advanced" part; each wrong field with its message) and its
 * preview (the text in each language, how many chats it reaches, the first run, quiet hours),
 * whose confirm carries the fields and a one-time key.
 */
import { randomBytes } from 'node:crypto';
import { html, type Html, layout, localTime, type PageContext } from '../../admin/web/index.ts';
import { lastDaySafe, weekdaysInOrder } from '../repeat.ts';
import type { Preview } from '../schedule-admin.ts';
import type { FieldErrors, FieldName, ScheduleFields, ScheduleRequest } from '../schedule-form.ts';
import { channelName, csrfField, languageName, repeatText, weekdayName, type Library, type Quiet } from './schedule-view.ts';

export interface FormView {
  fields: ScheduleFields;
  errors: FieldErrors;
  areas: { id: number; name: string; depth: number }[];
  groups: { id: number; name: string; areaName: string }[];
  /** Whether "everyone" may be chosen (the admin holds every root area). */
  everyone: boolean;
  library: Library;
  platforms: readonly string[];
  languages: string[];
}

/**
 * The days a monthly schedule offers: 1–28, which every month has, then the last day. 29–31 are not
 * offered (a form sent with one anyway is refused, saying which months would get nothing).
 */
const monthDays = [...Array.from({ length: lastDaySafe }, (_, i) => String(i + 1)), 'last'];

/** A weekday name with a capital first letter, as a choice on its own line. */
const capitalized = (text: string) => text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);

/** Cron expressions shown as examples, with the key of their meaning in words. */
const cronExamples = [
  ['0 8 * * 1', 'mondayMorning'],
  ['30 7 1 * *', 'monthly'],
  ['0 19 * * 6', 'saturdayEvening'],
] as const;

export function formPage(ctx: PageContext, view: FormView): string {
  const { t } = ctx;
  const f = view.fields;
  const error = (name: FieldName) => {
    const e = view.errors[name];
    return e ? html`<p class="error" id="error-${name}">${t(`admin:schedules.error.${e.key}`, e.params ?? {})}</p>` : '';
  };
  const invalid = (name: FieldName) => (view.errors[name] ? html`aria-invalid="true" aria-describedby="error-${name}"` : '');
  const checked = (on: boolean) => (on ? html`checked` : '');
  const selected = (on: boolean) => (on ? html`selected` : '');
  const radio = (name: 'what' | 'to' | 'when', value: string, label: string) =>
    html`<label><input type="radio" name="${name}" value="${value}" ${checked(f[name] === value)}> ${label}</label>`;
  const timeInput = (name: 'time' | 'weeklyTime' | 'monthlyTime' | 'calendarTime') =>
    html`<label for="${name}" class="muted">${t('admin:schedules.form.timeLabel')}</label>
<input type="time" id="${name}" name="${name}" value="${f[name]}" ${invalid(name)}>
${error(name)}`;
  const messages = [...view.library.messages.values()].sort((a, b) => a.title.localeCompare(b.title, 'vi'));
  const hasErrors = Object.keys(view.errors).length > 0;
  const body = html`<h1>${t('admin:schedules.form.title')}</h1>
${hasErrors ? html`<p class="notice">${t('admin:schedules.form.fix')}</p>` : ''}
<form class="stack" method="post" action="/admin/schedules/preview">
${csrfField(ctx)}
<fieldset><legend>${t('admin:schedules.form.whatLegend')}</legend>${error('what')}
${radio('what', 'content', t('admin:schedules.form.whatContent'))}
<label for="contentId" class="muted">${t('admin:schedules.form.contentLabel')}</label>
<select id="contentId" name="contentId" ${invalid('contentId')}><option value="">${t('admin:schedules.form.choose')}</option>${messages.map((m) => html`<option value="${m.id}" ${selected(f.contentId === m.id)}>${m.title}</option>`)}</select>
${error('contentId')}
${radio('what', 'text', t('admin:schedules.form.whatText'))}
<textarea id="text" name="text" ${invalid('text')}>${f.text}</textarea>
<span class="muted">${t('admin:schedules.form.textHint')}</span>
${error('text')}
${radio('what', 'calendar', t('admin:schedules.form.whatCalendar'))}
<label for="calendarKey" class="muted">${t('admin:schedules.form.calendarLabel')}</label>
<select id="calendarKey" name="calendarKey" ${invalid('calendarKey')}><option value="">${t('admin:schedules.form.choose')}</option>${view.library.calendar.map((e) => html`<option value="${e.id}" ${selected(f.calendarKey === e.id)}>${e.title}</option>`)}</select>
${error('calendarKey')}
</fieldset>
<fieldset><legend>${t('admin:schedules.form.toLegend')}</legend>${error('to')}
${radio('to', 'area', t('admin:schedules.form.toArea'))}
<select id="areaId" name="areaId" ${invalid('areaId')}>${view.areas.map((a) => html`<option value="${a.id}" ${selected(f.areaId === String(a.id))}>${'\u00a0\u00a0'.repeat(a.depth)}${a.name}</option>`)}</select>
${error('areaId')}
${radio('to', 'groups', t('admin:schedules.form.toGroups'))}
${view.groups.map((g) => html`<label><input type="checkbox" name="groupIds" value="${g.id}" ${checked(f.groupIds.includes(String(g.id)))}> ${g.name} <span class="muted">— ${g.areaName}</span></label>`)}
${error('groupIds')}
${view.everyone ? radio('to', 'everyone', t('admin:schedules.form.toEveryone')) : ''}
<label for="language">${t('admin:schedules.form.languageLabel')}</label>
<select id="language" name="language" ${invalid('language')}><option value="">${t('admin:schedules.form.anyLanguage')}</option>${view.languages.map((l) => html`<option value="${l}" ${selected(f.language === l)}>${languageName(t, l)}</option>`)}</select>
${error('language')}
<label for="platform">${t('admin:schedules.form.platformLabel')}</label>
<select id="platform" name="platform" ${invalid('platform')}><option value="">${t('admin:schedules.form.anyPlatform')}</option>${view.platforms.map((p) => html`<option value="${p}" ${selected(f.platform === p)}>${channelName(t, p)}</option>`)}</select>
${error('platform')}
</fieldset>
<fieldset><legend>${t('admin:schedules.form.whenLegend')}</legend>${error('when')}
${radio('when', 'now', t('admin:schedules.form.whenNow'))}
${radio('when', 'once', t('admin:schedules.form.whenOnce'))}
<label for="date" class="muted">${t('admin:schedules.form.dateLabel')}</label>
<input type="date" id="date" name="date" value="${f.date}" ${invalid('date')}>
${error('date')}
${timeInput('time')}
${radio('when', 'weekly', t('admin:schedules.form.whenWeekly'))}
${weekdaysInOrder.map((d) => html`<label><input type="checkbox" name="weekdays" value="${d}" ${checked(f.weekdays.includes(String(d)))} ${invalid('weekdays')}> ${capitalized(weekdayName(t, d))}</label>`)}
${error('weekdays')}
${timeInput('weeklyTime')}
${radio('when', 'monthly', t('admin:schedules.form.whenMonthly'))}
<label for="monthDay" class="muted">${t('admin:schedules.form.monthDayLabel')}</label>
<select id="monthDay" name="monthDay" ${invalid('monthDay')}>${monthDays.map((d) => html`<option value="${d}" ${selected(f.monthDay === d)}>${d === 'last' ? t('admin:schedules.form.lastDay') : d}</option>`)}</select>
<span class="muted">${t('admin:schedules.form.monthDayHint')}</span>
${error('monthDay')}
${timeInput('monthlyTime')}
${radio('when', 'calendar', t('admin:schedules.form.whenCalendar'))}
${timeInput('calendarTime')}
<details ${f.when === 'cron' || view.errors.cron ? html`open` : ''}><summary>${t('admin:schedules.form.advanced')}</summary>
${radio('when', 'cron', t('admin:schedules.form.whenCron'))}
<input type="text" id="cron" name="cron" value="${f.cron}" placeholder="0 8 * * 1" inputmode="text" autocomplete="off" ${invalid('cron')}>
${error('cron')}
<span class="muted">${t('admin:schedules.form.cronHelp')}</span>
<ul class="muted">${cronExamples.map(([cron, key]) => html`<li><code>${cron}</code>: ${t(`admin:schedules.form.cronExample.${key}`)}</li>`)}</ul>
</details>
<label><input type="checkbox" name="urgent" value="on" ${checked(f.urgent)}> ${t('admin:schedules.form.urgent')}</label>
</fieldset>
<p><button type="submit">${t('admin:schedules.form.preview')}</button> <a href="/admin/schedules">${t('admin:schedules.back')}</a></p>
</form>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.form.title'), body);
}

/** The fields as hidden inputs: the preview carries them to the confirm (or back to the form). */
function hiddenFields(f: ScheduleFields): Html[] {
  const inputs: Html[] = [];
  for (const [name, value] of Object.entries(f) as [keyof ScheduleFields, ScheduleFields[keyof ScheduleFields]][]) {
    if (name === 'urgent') {
      if (value) inputs.push(html`<input type="hidden" name="urgent" value="on">`);
    } else if (Array.isArray(value)) {
      for (const one of value) inputs.push(html`<input type="hidden" name="${name}" value="${one}">`);
    } else {
      inputs.push(html`<input type="hidden" name="${name}" value="${value}">`);
    }
  }
  return inputs;
}

export interface PreviewView {
  fields: ScheduleFields;
  request: ScheduleRequest;
  preview: Preview;
  audience: string;
  timeZone: string;
  quiet: Quiet | null;
}

export function previewPage(ctx: PageContext, view: PreviewView): string {
  const { t } = ctx;
  const { preview, request } = view;
  const when = request.when;
  const sendNow = 'now' in when;
  const body = html`<h1>${t('admin:schedules.preview.title')}</h1>
${preview.title ? html`<h2>${preview.title}</h2>` : ''}
${preview.variants.map(([lang, text]) => html`<section lang="${lang}"><h3>${t('admin:schedules.preview.textIn', { language: languageName(t, lang) })}</h3><div class="message">${text}</div></section>`)}
${preview.calendarTitles.length > 0 ? html`<p class="muted">${t('admin:schedules.preview.calendarMessages', { titles: preview.calendarTitles.join(' → ') })}</p>` : ''}
<h2>${t('admin:schedules.preview.toWhom')}</h2>
<p>${view.audience}</p>
<p id="reach"><strong>${t('admin:schedules.preview.reach', { count: preview.reach })}</strong></p>
<h2>${t('admin:schedules.preview.when')}</h2>
<p id="first-run">${sendNow ? t('admin:schedules.preview.now') : t('admin:schedules.preview.firstRun', { time: localTime(preview.firstRun!, view.timeZone) })}</p>
${'cron' in when ? html`<p>${repeatText(t, when.cron)}</p>` : ''}
${'calendarTime' in when ? html`<p>${t('admin:schedules.calendarWhen', { time: when.calendarTime })}</p>` : ''}
${request.urgent ? html`<p>${t('admin:schedules.preview.urgent')}</p>` : ''}
${view.quiet ? html`<p class="notice" id="quiet">${t('admin:schedules.quiet.preview', { ...view.quiet, time: localTime(view.quiet.until, view.timeZone) })}</p>` : ''}
<form method="post" action="/admin/schedules" class="actions">
${csrfField(ctx)}
${hiddenFields(view.fields)}
<input type="hidden" name="once" value="${randomBytes(16).toString('base64url')}">
<button type="submit">${sendNow ? t('admin:schedules.preview.confirmNow') : t('admin:schedules.preview.confirm')}</button>
<button type="submit" class="secondary" formaction="/admin/schedules/new">${t('admin:schedules.preview.edit')}</button>
</form>`;
  return layout({ ...ctx, current: 'schedules' }, t('admin:schedules.preview.title'), body);
}
