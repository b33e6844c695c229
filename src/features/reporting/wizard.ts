/**
 * The report wizard, without a database or a turn: the questions in order, what a typed answer,
 * a tapped button or a photo does to the draft, which question comes next, and when a draft is a
 * whole report. Each answer gives a {@link Move}: the question to ask (or the summary), about which
 * state, after which message. What a question shows is in replies.ts; chat.ts asks it and keeps
 * the state in drafts.ts.
 */
import { quarterName } from '../../core/glossary.ts';
import type { Translate } from '../../core/i18n.ts';
import { checkCounts, matchFormat, matchTopics, maxParticipants, openQuarters, parseCount, parseReportDate, reportDateDaysBack, type DateProblem, type Format, type ReportWords, type TopicChoice } from './parse.ts';
import { addDays, formatDate, fromUtcDate, type LocalDate } from './quarter.ts';
import { parseQuickReport, type ReportDraft } from './quick.ts';
import type { ConfirmedReport } from './store.ts';

/** What the wizard asks about (the content's formats and topics), the words it reads, and how old a session may be. */
export interface ReportRules {
  formats: Format[];
  topics: TopicChoice[];
  words: ReportWords;
  graceDays: number;
}

const maxPlace = 200;
const maxNotes = 2000;
export const maxPhotos = 10;

/** The questions, in order. */
export const steps = ['heldOn', 'format', 'topics', 'total', 'women', 'minority', 'place', 'notes', 'photos'] as const;
export type Question = (typeof steps)[number];
export type Step = Question | 'confirm' | 'change';

export interface Draft extends ReportDraft {
  photos?: string[];
}

export interface ReportState {
  draftId: string;
  groupId: number;
  groupName: string;
  /** The report being corrected, if any. */
  editing?: number;
  draft: Draft;
  /** After "change one answer": back to the summary once it is answered. */
  backToConfirm?: boolean;
}

/** What to ask next: the question of `step` (or the summary) about `state`, after `prefix` if any. */
export interface Move {
  state: ReportState;
  step: Step;
  prefix?: string;
}

/** Button data: "rep:<action>:<draft id>[:<value>]", so an old button is recognised as old. */
export const buttonData = (action: string, draftId: string, value?: string | number) => `rep:${action}:${draftId}${value === undefined ? '' : `:${value}`}`;

/** A tapped button of the wizard, or null when the data is not one. */
export function parseButton(data: string | undefined): { action: string; draftId: string; value?: string } | null {
  const m = /^rep:([a-zA-Z]+):([a-z0-9]+)(?::(.+))?$/.exec(data ?? '');
  return m ? { action: m[1]!, draftId: m[2]!, ...(m[3] !== undefined ? { value: m[3] } : {}) } : null;
}

export type Tapped = NonNullable<ReturnType<typeof parseButton>>;

/** Shown back to the person: at most 80 characters of what they wrote. */
export const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** Printable text only: control characters go (they are never meant, and break exports). */
const clean = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();

// ——— which question ———

/** The first question from index `from` on that the draft has no answer to, or the summary. */
export function nextStep(draft: Draft, from: number): Step {
  for (const step of steps.slice(from)) {
    if (step === 'heldOn' && !draft.heldOn) return step;
    if (step === 'format' && !draft.format) return step;
    if (step === 'topics' && !draft.topics?.length) return step;
    if (step === 'total' && draft.participantsTotal === undefined) return step;
    if (step === 'women' && draft.participantsWomen === undefined) return step;
    if (step === 'minority' && draft.participantsEthnicMinority === undefined) return step;
    if (step === 'place' && !draft.place) return step;
    if (step === 'notes' && draft.notes === undefined) return step;
    if (step === 'photos' && draft.photos === undefined) return step;
  }
  return 'confirm';
}

/** After an answer to `from`: the next missing question, or the summary (at once after a change). */
export function after(state: ReportState, from: Step): Move {
  if (state.backToConfirm) return { state: { ...state, backToConfirm: false }, step: 'confirm' };
  const index = steps.indexOf(from as Question);
  return { state, step: nextStep(state.draft, index + 1) };
}

// ——— answers ———

/**
 * Why the date `typed` cannot be taken, quoting it: a day outside the open quarters names them
 * ("Quý 4/2026, từ 01/10/2026").
 */
export function dateProblem(t: Translate, rules: ReportRules, problem: DateProblem, typed: string, today: LocalDate): string {
  if (problem !== 'tooOld') return t(`report.bad.date.${problem}`, { text: clip(typed), today: formatDate(today) });
  const open = openQuarters(today, rules.graceDays).map(({ quarter, from, until }) =>
    until
      ? t('report.openQuarterUntil', { quarter: quarterName(t, quarter), until: formatDate(until) })
      : t('report.openQuarter', { quarter: quarterName(t, quarter), from: formatDate(from) }),
  );
  return t('report.bad.date.outside', { text: clip(typed), open: open.join(t('report.and')) });
}

type Answer = { ok: true; draft: Draft } | { ok: false; reply: string };

function readAnswer(t: Translate, rules: ReportRules, step: Step, text: string, draft: Draft, today: LocalDate): Answer {
  const ok = (patch: Draft): Answer => ({ ok: true, draft: { ...draft, ...patch } });
  switch (step) {
    case 'heldOn': {
      const parsed = parseReportDate(text, today, rules.graceDays, rules.words);
      return parsed.ok ? ok({ heldOn: parsed.date }) : { ok: false, reply: dateProblem(t, rules, parsed.problem, text, today) };
    }
    case 'format': {
      const format = matchFormat(text, rules.formats);
      return format ? ok({ format: format.id }) : { ok: false, reply: t('report.bad.format') };
    }
    case 'topics': {
      const { topics, unknown } = matchTopics(text, rules.topics, rules.words);
      if (unknown.length > 0 || topics.length === 0) return { ok: false, reply: t('report.bad.topics', { unknown: clip(unknown.join(', ') || text) }) };
      return ok({ topics: [...new Set([...(draft.topics ?? []), ...topics])] });
    }
    case 'total':
    case 'women':
    case 'minority': {
      const field = step === 'total' ? 'participantsTotal' : step === 'women' ? 'participantsWomen' : 'participantsEthnicMinority';
      const count = parseCount(text, rules.words, field);
      if (!count.ok) return { ok: false, reply: t(`report.bad.count.${count.problem}`, { text: clip(text) }) };
      const next = { ...draft, [field]: count.value };
      if (next.participantsTotal !== undefined) {
        const problem = checkCounts(next.participantsTotal, next.participantsWomen ?? 0, next.participantsEthnicMinority ?? 0);
        if (problem) return { ok: false, reply: t(`report.bad.counts.${problem}`, { total: next.participantsTotal }) };
      }
      return { ok: true, draft: next };
    }
    case 'place': {
      const place = text.trim();
      if (place.length > maxPlace) return { ok: false, reply: t('report.bad.tooLong', { max: maxPlace }) };
      return ok({ place });
    }
    case 'notes': {
      const notes = text.trim();
      if (notes.length > maxNotes) return { ok: false, reply: t('report.bad.tooLong', { max: maxNotes }) };
      return ok({ notes });
    }
    default:
      return { ok: false, reply: t('report.bad.useButtons') };
  }
}

/** A typed answer to `step`: on to the next question, or the same one again saying what was wrong. */
export function answer(t: Translate, rules: ReportRules, state: ReportState, step: Step, typed: string, today: LocalDate): Move {
  const text = clean(typed);
  if (text === '') return { state, step, prefix: t('report.bad.empty') };
  const answered = readAnswer(t, rules, step, text, state.draft, today);
  if (!answered.ok) return { state, step, prefix: answered.reply };
  return after({ ...state, draft: answered.draft }, step);
}

/**
 * A tapped button of this draft, at `step`. Cancelling and confirming are the conversation's to
 * do (they store); every other button moves the wizard.
 */
export function tap(t: Translate, rules: ReportRules, state: ReportState, step: Step, tapped: Tapped, today: LocalDate): Move | 'cancel' | 'confirm' {
  const d = state.draft;
  const ask = (step: Step, prefix?: string): Move => ({ state, step, prefix });
  switch (tapped.action) {
    case 'cancel':
      return 'cancel';
    case 'date': {
      const daysBack = tapped.value === 'yesterday' ? 1 : 0;
      const parsed = reportDateDaysBack(daysBack, today, rules.graceDays);
      if (!parsed.ok) return ask('heldOn', dateProblem(t, rules, parsed.problem, formatDate(addDays(today, -daysBack)), today));
      return after({ ...state, draft: { ...d, heldOn: parsed.date } }, 'heldOn');
    }
    case 'format':
      if (!rules.formats.some((f) => f.id === tapped.value)) return ask('format');
      return after({ ...state, draft: { ...d, format: tapped.value! } }, 'format');
    case 'topic': {
      if (!rules.topics.some((x) => x.id === tapped.value)) return ask('topics');
      const chosen = new Set(d.topics ?? []);
      if (chosen.has(tapped.value!)) chosen.delete(tapped.value!);
      else chosen.add(tapped.value!);
      return { state: { ...state, draft: { ...d, topics: [...chosen] } }, step: 'topics' };
    }
    case 'topicsDone':
      if (!d.topics?.length) return ask('topics', t('report.bad.noTopic'));
      return after(state, 'topics');
    case 'skip':
      if (step === 'notes') return after({ ...state, draft: { ...d, notes: '' } }, 'notes');
      if (step === 'photos') return after({ ...state, draft: { ...d, photos: d.photos ?? [] } }, 'photos');
      return ask(step);
    case 'change':
      return ask('change');
    case 'back':
      return ask('confirm');
    case 'edit': {
      const field = tapped.value as Question;
      if (!steps.includes(field)) return ask('change');
      return { state: { ...state, backToConfirm: true }, step: field };
    }
    case 'confirm':
      return step === 'confirm' ? 'confirm' : ask(step);
    default:
      return ask(step);
  }
}

/** A photo sent at the photos question: kept, up to the limit. At the limit the wizard moves on; before it, `move` is null (more may come). */
export function addPhoto(state: ReportState, ref: string): { state: ReportState; move: Move | null } {
  const photos = [...(state.draft.photos ?? []), ref].slice(0, maxPhotos);
  const updated = { ...state, draft: { ...state.draft, photos } };
  return { state: updated, move: photos.length >= maxPhotos ? after(updated, 'photos') : null };
}

/** A report begun from one line (`/baocao <everything>`): what the line says, and the draft of it that breaks no rule. */
export function readLine(rules: ReportRules, line: string, today: LocalDate) {
  const read = parseQuickReport(clean(line), { today, graceDays: rules.graceDays, formats: rules.formats, topics: rules.topics, words: rules.words });
  return { read, draft: validDraft({ ...read.draft, notes: read.draft.notes ?? '', photos: [] }, rules, today) };
}

// ——— the whole report ———

/**
 * The draft without answers that break the rules (a date that is not allowed today, more women or
 * ethnic-minority participants than people in all, unknown format or topics): those are asked again.
 */
function validDraft(d: Draft, rules: ReportRules, today: LocalDate): Draft {
  const out: Draft = { ...d };
  if (out.heldOn && !parseReportDate(formatDate(out.heldOn), today, rules.graceDays, rules.words).ok) delete out.heldOn;
  if (out.format && !rules.formats.some((f) => f.id === out.format)) delete out.format;
  if (out.topics) out.topics = out.topics.filter((id) => rules.topics.some((x) => x.id === id));
  const counts = [out.participantsTotal, out.participantsWomen, out.participantsEthnicMinority];
  if (counts.some((n) => n !== undefined && (!Number.isInteger(n) || n < 0 || n > maxParticipants))) {
    delete out.participantsTotal;
    delete out.participantsWomen;
    delete out.participantsEthnicMinority;
  }
  if (out.participantsTotal !== undefined) {
    if ((out.participantsWomen ?? 0) > out.participantsTotal) delete out.participantsWomen;
    if ((out.participantsEthnicMinority ?? 0) > out.participantsTotal) delete out.participantsEthnicMinority;
  } else {
    delete out.participantsWomen;
    delete out.participantsEthnicMinority;
  }
  if (out.place !== undefined && (out.place.trim() === '' || out.place.length > maxPlace)) delete out.place;
  if (out.notes !== undefined && out.notes.length > maxNotes) delete out.notes;
  return out;
}

/**
 * The confirmed draft checked again as a whole, so that nothing wrong or missing is ever stored:
 * the report to store (a ConfirmedReport of store.ts), or the question still to ask.
 */
export function finish(rules: ReportRules, state: ReportState, today: LocalDate) {
  const d = state.draft;
  const valid = validDraft(d, rules, today);
  const missing = nextStep(valid, 0);
  if (missing !== 'confirm') return { done: false as const, move: { state: { ...state, draft: valid }, step: missing } satisfies Move };
  if (!d.heldOn || !d.format || !d.topics?.length || d.participantsTotal === undefined || d.participantsWomen === undefined || d.participantsEthnicMinority === undefined || !d.place) {
    return { done: false as const, move: { state, step: nextStep(d, 0) } satisfies Move };
  }
  const report = {
    groupId: state.groupId,
    heldOn: d.heldOn,
    format: d.format,
    topics: d.topics,
    participantsTotal: d.participantsTotal,
    participantsWomen: d.participantsWomen,
    participantsEthnicMinority: d.participantsEthnicMinority,
    place: d.place,
    notes: d.notes ? d.notes : null,
    photos: d.photos ?? [],
  };
  return { done: true as const, report };
}

/** A stored report, as far as the wizard reads it: a confirmed report with its day as stored. */
export type StoredReport = Omit<ConfirmedReport, 'groupId' | 'heldOn'> & { heldOn: Date };

/** A stored report as a draft, to correct it. */
export function draftOf(report: StoredReport): Draft {
  return {
    heldOn: fromUtcDate(report.heldOn),
    format: report.format,
    topics: report.topics,
    participantsTotal: report.participantsTotal,
    participantsWomen: report.participantsWomen,
    participantsEthnicMinority: report.participantsEthnicMinority,
    place: report.place,
    notes: report.notes ?? '',
    photos: report.photos,
  };
}

/** Only a report whose date could still be reported today can be corrected by chat. */
export const correctableByChat = (rules: ReportRules, heldOn: Date, today: LocalDate) => parseReportDate(formatDate(fromUtcDate(heldOn)), today, rules.graceDays, rules.words).ok;
