/**
 * What the report conversation shows: each question of the wizard with its buttons, the summary
 * to confirm, the problems found in a one-line report, the photo count, and a group's recent
 * reports (/baocaocuatoi), each with its button to correct it. Pure: the texts come from locales/.
 */
import type { Button, OutboundMessage } from '../../channels/channel.ts';
import type { Translate } from '../../core/i18n.ts';
import { formatDate, fromUtcDate, parseQuarter, type LocalDate } from './quarter.ts';
import type { QuickProblem, ReportDraft } from './quick.ts';
import { buttonData as data, clip, correctableByChat, dateProblem, maxPhotos, type Draft, type ReportRules, type ReportState, type Step } from './wizard.ts';

/**
 * The question of `step` with its buttons, or the summary to confirm. The topics are buttons that
 * tick in place where the chat can edit (`canEdit`); elsewhere (Zalo) one numbered list, answered
 * with the numbers.
 */
export function question(t: Translate, rules: ReportRules, state: ReportState, step: Step, today: LocalDate, canEdit = true): OutboundMessage {
  const id = state.draftId;
  const cancel: Button = { label: t('report.cancel'), data: data('cancel', id) };
  switch (step) {
    case 'heldOn':
      return {
        text: t('report.ask.heldOn', { today: formatDate(today) }),
        buttons: [[{ label: t('report.today'), data: data('date', id, 'today') }, { label: t('report.yesterday'), data: data('date', id, 'yesterday') }], [cancel]],
      };
    case 'format':
      return { text: t('report.ask.format'), buttons: [...rules.formats.map((f) => [{ label: f.label, data: data('format', id, f.id) }]), [cancel]] };
    case 'topics': {
      const chosen = new Set(state.draft.topics ?? []);
      if (!canEdit) {
        // Typed answers only: a numbered "Xong" or "Hủy" would turn the answer "3" into a tap.
        const list = rules.topics.map((topic, i) => `${i + 1}. ${topic.label}`).join('\n');
        return { text: t('report.ask.topicsNumbered', { list }) };
      }
      const names = rules.topics.filter((topic) => chosen.has(topic.id)).map((topic) => topic.label);
      return {
        text: [t('report.ask.topicsButtons'), ...(names.length > 0 ? [t('report.topicsChosen', { topics: names.join(', ') })] : [])].join('\n'),
        buttons: [
          ...rules.topics.map((topic) => [{ label: `${chosen.has(topic.id) ? '✓ ' : ''}${topic.label}`, data: data('topic', id, topic.id) }]),
          [{ label: t('report.done'), data: data('topicsDone', id) }, cancel],
        ],
      };
    }
    // Typed answers only: on Zalo a numbered "1. Hủy" would turn the answer "1" into a cancel.
    case 'total':
    case 'women':
    case 'minority':
      return { text: t(`report.ask.${step}`, { total: state.draft.participantsTotal }) };
    case 'place':
      return { text: t('report.ask.place') };
    case 'notes':
      return { text: t('report.ask.notes'), buttons: [[{ label: t('report.skip'), data: data('skip', id) }, cancel]] };
    case 'photos':
      return { text: t('report.ask.photos', { max: maxPhotos }), buttons: [[{ label: t('report.noPhotos'), data: data('skip', id) }, cancel]] };
    case 'change':
      return {
        text: t('report.ask.change'),
        buttons: [
          ...(['heldOn', 'format', 'topics', 'total', 'women', 'minority', 'place', 'notes'] as const).map((s) => [{ label: t(`report.field.${s}`), data: data('edit', id, s) }]),
          [{ label: t('report.back'), data: data('back', id) }],
        ],
      };
    case 'confirm':
      return summary(t, rules, state);
  }
}

/** The summary's lines; with `onlyGiven`, only those of the answers the draft has. */
function summaryLines(t: Translate, rules: ReportRules, d: Draft, onlyGiven = false): string[] {
  const format = rules.formats.find((f) => f.id === d.format)?.label ?? d.format ?? '';
  const topics = (d.topics ?? []).map((id) => rules.topics.find((x) => x.id === id)?.label ?? id).join(', ');
  const of = [
    d.participantsWomen !== undefined || !onlyGiven ? `${t('report.field.women')}: ${d.participantsWomen ?? ''}` : '',
    d.participantsEthnicMinority !== undefined || !onlyGiven ? `${t('report.field.minority')}: ${d.participantsEthnicMinority ?? ''}` : '',
  ].filter(Boolean);
  const lines: Array<[boolean, string]> = [
    [Boolean(d.heldOn), `${t('report.field.heldOn')}: ${d.heldOn ? formatDate(d.heldOn) : ''}`],
    [Boolean(d.format), `${t('report.field.format')}: ${format}`],
    [Boolean(d.topics?.length), `${t('report.field.topics')}: ${topics}`],
    [d.participantsTotal !== undefined, `${t('report.field.total')}: ${d.participantsTotal ?? ''}${of.length ? ` (${of.join(', ')})` : ''}`],
    [Boolean(d.place), `${t('report.field.place')}: ${d.place ?? ''}`],
  ];
  return [
    ...lines.filter(([given]) => given || !onlyGiven).map(([, line]) => line),
    ...(d.notes ? [`${t('report.field.notes')}: ${d.notes}`] : []),
    ...(d.photos?.length ? [`${t('report.field.photos')}: ${d.photos.length}`] : []),
  ];
}

function summary(t: Translate, rules: ReportRules, state: ReportState): OutboundMessage {
  const id = state.draftId;
  const title = t(state.editing ? 'report.summaryEdit' : 'report.summary', { group: state.groupName });
  return {
    text: [title, '', ...summaryLines(t, rules, state.draft), '', t('report.confirmPrompt')].join('\n'),
    buttons: [
      [{ label: t('report.confirm'), data: data('confirm', id) }],
      [{ label: t('report.change'), data: data('change', id) }, { label: t('report.cancel'), data: data('cancel', id) }],
    ],
  };
}

/** What was wrong in a one-line report, one "• …" line each. */
export function quickProblems(t: Translate, rules: ReportRules, read: { draft: ReportDraft; problems: QuickProblem[] }, today: LocalDate): string[] {
  return read.problems.map((p) => `• ${quickProblem(t, rules, p, read.draft, today)}`);
}

/** "Hình thức: …" lines of what a one-line report gave, under a heading; empty when it gave nothing. */
export function quickUnderstood(t: Translate, rules: ReportRules, draft: ReportDraft): string[] {
  const lines = summaryLines(t, rules, { ...draft, notes: draft.notes ?? '' }, true);
  return lines.length > 0 ? [t('report.quickUnderstood'), ...lines.map((line) => `• ${line}`)] : [];
}

/** The answers a report still lacks that no problem names ("• Ngày: chưa có"): a group chat cannot ask for them. */
export function quickMissing(t: Translate, read: { draft: ReportDraft; problems: QuickProblem[] }): string[] {
  const named = new Set(read.problems.map((p) => p.field));
  const missing = (['heldOn', 'place'] as const).filter((field) => !named.has(field) && !read.draft[field]);
  return missing.map((field) => `• ${t('report.quickProblem', { field: t(`report.field.${field}`), problem: t('report.quickKind.missing'), detail: '' })}`);
}

const countNames = { participantsTotal: 'total', participantsWomen: 'women', participantsEthnicMinority: 'minority' } as const;

function quickProblem(t: Translate, rules: ReportRules, p: QuickProblem, draft: ReportDraft, today: LocalDate): string {
  if (p.field === 'heldOn' && p.problem !== 'ambiguous') return dateProblem(t, rules, p.problem, p.detail ?? '', today);
  if (p.problem === 'womenAboveTotal' || p.problem === 'minorityAboveTotal') return t(`report.bad.counts.${p.problem}`, { total: draft.participantsTotal });
  if (p.problem === 'notNumber' || p.problem === 'negative' || p.problem === 'tooLarge') return t(`report.bad.count.${p.problem}`, { text: clip(p.detail ?? '') });
  if (p.field === 'counts' && p.problem === 'missing') {
    const which = (Object.keys(countNames) as Array<keyof typeof countNames>).filter((field) => draft[field] === undefined);
    return t('report.quickCountsMissing', { which: which.map((field) => t(`report.countName.${countNames[field]}`)).join(', ') });
  }
  const field = t(`report.field.${p.field === 'counts' ? 'total' : p.field}`);
  return t('report.quickProblem', { field, problem: t(`report.quickKind.${p.problem}`), detail: p.detail ? ` «${clip(p.detail)}»` : '' });
}

/** A photo kept: how many so far, and a button to finish. */
export function photoReceived(t: Translate, state: ReportState): OutboundMessage {
  return { text: t('report.photoReceived', { count: state.draft.photos?.length }), buttons: [[{ label: t('report.done'), data: data('skip', state.draftId) }]] };
}

/** A stored report as the list of a group's reports shows it. */
interface ListedReport {
  id: number;
  heldOn: Date;
  format: string;
  participantsTotal: number;
  participantsWomen: number;
  participantsEthnicMinority: number;
}

/** A group's reports of recent quarters, newest quarter first; the ones still correctable by chat get a button. */
export function myReports(t: Translate, rules: ReportRules, groupName: string, quarters: Array<{ quarter: string; reports: ListedReport[] }>, today: LocalDate): OutboundMessage {
  const blocks = quarters.map(({ quarter, reports }) => {
    const head = t('report.mine.quarter', { ...parseQuarter(quarter), count: reports.length });
    const lines = reports.map((r) => `• #${r.id} ${summaryLine(t, rules, r)}`);
    return [head, ...lines].join('\n');
  });
  const correctable = quarters.flatMap((q) => q.reports).filter((r) => correctableByChat(rules, r.heldOn, today));
  return {
    text: [t('report.mine.title', { group: groupName }), '', ...blocks].join('\n'),
    buttons: correctable.map((r) => [{ label: t('report.mine.correct', { id: r.id, date: formatDate(fromUtcDate(r.heldOn)) }), data: data('edit', 'report', r.id) }]),
  };
}

function summaryLine(t: Translate, rules: ReportRules, r: ListedReport): string {
  const format = rules.formats.find((f) => f.id === r.format)?.label ?? r.format;
  return t('report.mine.line', {
    date: formatDate(fromUtcDate(r.heldOn)),
    format,
    total: r.participantsTotal,
    women: r.participantsWomen,
    minority: r.participantsEthnicMinority,
  });
}
