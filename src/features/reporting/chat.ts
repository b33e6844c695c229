/**
 * Group leaders report their quarterly sessions by chat: `/dangky <code>` makes them leaders;
 * `/baocao` (or the menu item) asks one question at a time, checks each answer, shows a summary
 * to confirm, change one answer, or cancel; `/baocao <everything in one line>` fills what it can
 * and asks only for the rest; `/baocaocuatoi` lists the group's recent reports, each correctable.
 * A half-filled report lives in ConversationState (it survives a restart) for one day.
 */
import { randomBytes } from 'node:crypto';
import type { Button, OutboundMessage } from '../../channels/channel.ts';
import type { Topic } from '../faq/knowledge.ts';
import { redeemInvite } from '../subscriptions/invites.ts';
import type { Translate } from '../../core/i18n.ts';
import { checkCounts, matchFormat, matchTopics, maxParticipants, parseCount, parseReportDate, reportDateDaysBack, type Format } from './parse.ts';
import { formatDate, formatQuarter, fromUtcDate, localDateOf, quarterOf, type LocalDate } from './quarter.ts';
import { parseQuickReport, type QuickProblem, type ReportDraft } from './quick.ts';
import { correctReport, recentReports, reportKey, saveReport } from './store.ts';
import type { Db } from '../../core/store/store.ts';
import type { Middleware, Turn } from '../../bot/turn.ts';

export interface ReportDeps {
  formats: Format[];
  topics: Topic[];
  timeZone: string;
  graceDays: number;
  /** Now, for tests. */
  now?: () => Date;
}

const flow = 'report';
const lifetimeMs = 24 * 60 * 60 * 1000;
const maxPlace = 200;
const maxNotes = 2000;
const maxPhotos = 10;

/** The questions, in order. */
const steps = ['heldOn', 'format', 'topics', 'total', 'women', 'minority', 'place', 'notes', 'photos'] as const;
type Step = (typeof steps)[number] | 'confirm' | 'change';

interface Draft extends ReportDraft {
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

/** Button data: "rep:<action>:<draft id>[:<value>]", so an old button is recognised as old. */
const data = (action: string, draftId: string, value?: string | number) => `rep:${action}:${draftId}${value === undefined ? '' : `:${value}`}`;

function parseData(buttonData: string | undefined): { action: string; draftId: string; value?: string } | null {
  const m = /^rep:([a-zA-Z]+):([a-z0-9]+)(?::(.+))?$/.exec(buttonData ?? '');
  return m ? { action: m[1]!, draftId: m[2]!, ...(m[3] !== undefined ? { value: m[3] } : {}) } : null;
}

const newDraftId = () => randomBytes(8).toString('hex');

// ——— state ———

function stateKey(turn: Turn) {
  const e = turn.event;
  return { platform_chatId_userId: { platform: e.platform, chatId: e.chat.id, userId: e.sender.id } };
}

async function loadState(turn: Turn, now: Date): Promise<{ state: ReportState; step: Step } | 'expired' | null> {
  const row = await turn.db.conversationState.findUnique({ where: stateKey(turn) });
  if (!row || row.flow !== flow) return null;
  if (row.expiresAt <= now) {
    await turn.db.conversationState.deleteMany({ where: { id: row.id } });
    return 'expired';
  }
  return { state: row.data as unknown as ReportState, step: row.step as Step };
}

async function saveState(turn: Turn, state: ReportState, step: Step, now: Date): Promise<void> {
  const e = turn.event;
  const fields = { flow, step, data: state as never, expiresAt: new Date(now.getTime() + lifetimeMs) };
  await turn.db.conversationState.upsert({
    where: stateKey(turn),
    create: { platform: e.platform, chatId: e.chat.id, userId: e.sender.id, ...fields },
    update: fields,
  });
}

async function clearState(turn: Turn): Promise<void> {
  const e = turn.event;
  await turn.db.conversationState.deleteMany({ where: { platform: e.platform, chatId: e.chat.id, userId: e.sender.id, flow } });
}

/** The groups the sender leads (leader or deputy), first joined first. */
async function ledGroups(db: Db, platform: string, userId: string) {
  const person = await db.person.findUnique({
    where: { platform_platformUserId: { platform, platformUserId: userId } },
    include: { memberships: { where: { role: { in: ['leader', 'deputy'] } }, include: { group: true }, orderBy: { id: 'asc' } } },
  });
  return person ? { person, groups: person.memberships.map((m) => m.group) } : null;
}

/**
 * A leader writing privately: their private chat is where reminders go. (On Telegram a leader
 * registers in the group's chat, and a bot may only write privately to someone who wrote first.)
 */
async function rememberPrivateChat(turn: Turn, personId: number): Promise<void> {
  const e = turn.event;
  if (e.chat.kind !== 'private') return;
  await turn.db.chatLink.upsert({
    where: { platform_chatId: { platform: e.platform, chatId: e.chat.id } },
    create: { platform: e.platform, chatId: e.chat.id, kind: 'private', personId },
    update: { personId, active: true, inactiveReason: null },
  });
}

// ——— the questions and the summary ———

function nextStep(draft: Draft, from: number): Step {
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

function question(t: Translate, deps: ReportDeps, state: ReportState, step: Step, today: LocalDate): OutboundMessage {
  const id = state.draftId;
  const cancel: Button = { label: t('report.cancel'), data: data('cancel', id) };
  switch (step) {
    case 'heldOn':
      return {
        text: t('report.ask.heldOn', { today: formatDate(today) }),
        buttons: [[{ label: t('report.today'), data: data('date', id, 'today') }, { label: t('report.yesterday'), data: data('date', id, 'yesterday') }], [cancel]],
      };
    case 'format':
      return { text: t('report.ask.format'), buttons: [...deps.formats.map((f) => [{ label: f.label, data: data('format', id, f.id) }]), [cancel]] };
    case 'topics': {
      const chosen = new Set(state.draft.topics ?? []);
      const list = deps.topics.map((topic, i) => `${i + 1}. ${chosen.has(topic.id) ? '✓ ' : ''}${topic.label}`).join('\n');
      return {
        text: t('report.ask.topics', { list }),
        buttons: [
          ...deps.topics.map((topic) => [{ label: `${chosen.has(topic.id) ? '✓ ' : ''}${topic.label}`, data: data('topic', id, topic.id) }]),
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
      return summary(t, deps, state);
  }
}

function summaryLines(t: Translate, deps: ReportDeps, d: Draft): string[] {
  const format = deps.formats.find((f) => f.id === d.format)?.label ?? d.format ?? '';
  const topics = (d.topics ?? []).map((id) => deps.topics.find((x) => x.id === id)?.label ?? id).join(', ');
  return [
    `${t('report.field.heldOn')}: ${d.heldOn ? formatDate(d.heldOn) : ''}`,
    `${t('report.field.format')}: ${format}`,
    `${t('report.field.topics')}: ${topics}`,
    `${t('report.field.total')}: ${d.participantsTotal ?? ''} (${t('report.field.women')}: ${d.participantsWomen ?? ''}, ${t('report.field.minority')}: ${d.participantsEthnicMinority ?? ''})`,
    `${t('report.field.place')}: ${d.place ?? ''}`,
    ...(d.notes ? [`${t('report.field.notes')}: ${d.notes}`] : []),
    ...(d.photos?.length ? [`${t('report.field.photos')}: ${d.photos.length}`] : []),
  ];
}

function summary(t: Translate, deps: ReportDeps, state: ReportState): OutboundMessage {
  const id = state.draftId;
  const title = t(state.editing ? 'report.summaryEdit' : 'report.summary', { group: state.groupName });
  return {
    text: [title, '', ...summaryLines(t, deps, state.draft), '', t('report.confirmPrompt')].join('\n'),
    buttons: [
      [{ label: t('report.confirm'), data: data('confirm', id) }],
      [{ label: t('report.change'), data: data('change', id) }, { label: t('report.cancel'), data: data('cancel', id) }],
    ],
  };
}

// ——— answers ———

type Answer = { ok: true; draft: Draft } | { ok: false; reply: string };

function answerText(t: Translate, deps: ReportDeps, step: Step, text: string, draft: Draft, today: LocalDate): Answer {
  const ok = (patch: Draft): Answer => ({ ok: true, draft: { ...draft, ...patch } });
  switch (step) {
    case 'heldOn': {
      const parsed = parseReportDate(text, today, deps.graceDays);
      return parsed.ok ? ok({ heldOn: parsed.date }) : { ok: false, reply: t(`report.bad.date.${parsed.problem}`, { text: clip(text), today: formatDate(today) }) };
    }
    case 'format': {
      const format = matchFormat(text, deps.formats);
      return format ? ok({ format: format.id }) : { ok: false, reply: t('report.bad.format') };
    }
    case 'topics': {
      const { topics, unknown } = matchTopics(text, deps.topics);
      if (unknown.length > 0 || topics.length === 0) return { ok: false, reply: t('report.bad.topics', { unknown: clip(unknown.join(', ') || text) }) };
      return ok({ topics: [...new Set([...(draft.topics ?? []), ...topics])] });
    }
    case 'total':
    case 'women':
    case 'minority': {
      const count = parseCount(text);
      if (!count.ok) return { ok: false, reply: t(`report.bad.count.${count.problem}`, { text: clip(text) }) };
      const field = step === 'total' ? 'participantsTotal' : step === 'women' ? 'participantsWomen' : 'participantsEthnicMinority';
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

/**
 * The draft without answers that break the rules (a date that is not allowed today, more women or
 * ethnic-minority participants than people in all, unknown format or topics): those are asked again.
 */
function validDraft(d: Draft, deps: ReportDeps, today: LocalDate): Draft {
  const out: Draft = { ...d };
  if (out.heldOn && !parseReportDate(formatDate(out.heldOn), today, deps.graceDays).ok) delete out.heldOn;
  if (out.format && !deps.formats.some((f) => f.id === out.format)) delete out.format;
  if (out.topics) out.topics = out.topics.filter((id) => deps.topics.some((x) => x.id === id));
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

/** Shown back to the person: at most 80 characters of what they wrote. */
const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** Printable text only: control characters go (they are never meant, and break exports). */
const clean = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();

// ——— the middleware ———

export function reportFlow(deps: ReportDeps): Middleware {
  const now = () => deps.now?.() ?? new Date();
  const today = () => localDateOf(now(), deps.timeZone);

  /** Asks the question of `step` (or shows the summary) and remembers where we are. */
  async function ask(turn: Turn, state: ReportState, step: Step, prefix?: string): Promise<void> {
    await saveState(turn, state, step, now());
    const message = question(turn.t, deps, state, step, today());
    await turn.reply(prefix ? { ...message, text: `${prefix}\n\n${message.text}` } : message);
  }

  /** After an answer: the next missing question, or the summary. */
  async function advance(turn: Turn, state: ReportState, from: Step, prefix?: string): Promise<void> {
    if (state.backToConfirm) return ask(turn, { ...state, backToConfirm: false }, 'confirm', prefix);
    const index = steps.indexOf(from as (typeof steps)[number]);
    return ask(turn, state, nextStep(state.draft, index + 1), prefix);
  }

  /** Starts a report for the sender's group; with `quick`, fills what one line says first. */
  async function start(turn: Turn, quick: string): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    const group = led?.groups[0];
    if (!group) return void (await turn.reply({ text: t('report.notLeader') }));
    await rememberPrivateChat(turn, led.person.id);
    if (event.chat.kind === 'group' && quick === '') return void (await turn.reply({ text: t('report.inPrivate') }));
    const state: ReportState = { draftId: newDraftId(), groupId: group.id, groupName: group.name, draft: {} };
    if (quick === '') return ask(turn, state, 'heldOn', t('report.start', { group: group.name }));
    const parsed = parseQuickReport(clean(quick), { today: today(), graceDays: deps.graceDays, formats: deps.formats, topics: deps.topics });
    state.draft = validDraft({ ...parsed.draft, notes: parsed.draft.notes ?? '', photos: [] }, deps, today());
    const problems = parsed.problems.map((p) => `• ${quickProblem(t, p, parsed.draft)}`);
    const missing = nextStep(state.draft, 0);
    if (event.chat.kind === 'group' && missing !== 'confirm') {
      return void (await turn.reply({ text: [t('report.quickIncompleteInGroup'), ...problems].join('\n') }));
    }
    const prefix = problems.length > 0 ? [t('report.quickProblems'), ...problems].join('\n') : undefined;
    return ask(turn, state, missing, prefix);
  }

  function quickProblem(t: Translate, p: QuickProblem, draft: Draft): string {
    if (p.field === 'heldOn') return t(`report.bad.date.${p.problem}`, { text: '', today: formatDate(today()) });
    if (p.problem === 'womenAboveTotal' || p.problem === 'minorityAboveTotal') return t(`report.bad.counts.${p.problem}`, { total: draft.participantsTotal });
    if (p.problem === 'notNumber' || p.problem === 'negative' || p.problem === 'tooLarge') return t(`report.bad.count.${p.problem}`, { text: clip(p.detail ?? '') });
    const field = t(`report.field.${p.field === 'counts' ? 'total' : p.field}`);
    return t('report.quickProblem', { field, problem: t(`report.quickKind.${p.problem}`), detail: p.detail ? ` «${clip(p.detail)}»` : '' });
  }

  async function confirm(turn: Turn, state: ReportState): Promise<void> {
    const { t, event } = turn;
    const d = state.draft;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    if (!led || !led.groups.some((g) => g.id === state.groupId)) return void (await turn.reply({ text: t('report.notLeader') }));
    // Checked again as a whole: nothing wrong or missing is ever stored.
    const valid = validDraft(d, deps, today());
    const missing = nextStep(valid, 0);
    if (missing !== 'confirm') return ask(turn, { ...state, draft: valid }, missing);
    if (!d.heldOn || !d.format || !d.topics?.length || d.participantsTotal === undefined || d.participantsWomen === undefined || d.participantsEthnicMinority === undefined || !d.place) {
      return ask(turn, state, nextStep(d, 0));
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
    const by = { personId: led.person.id, actor: `${event.platform}:${event.sender.id}`, source: event.platform };
    const quarter = formatQuarter(quarterOf(d.heldOn));
    if (state.editing) {
      await correctReport(turn.db, state.editing, report, by);
      await clearState(turn);
      return void (await turn.reply({ text: t('report.corrected', { quarter }) }));
    }
    const saved = await saveReport(turn.db, state.draftId, report, by);
    await clearState(turn);
    await turn.reply({ text: t(saved ? 'report.saved' : 'report.alreadySaved', { quarter, group: state.groupName }) });
  }

  async function onButton(turn: Turn, tapped: NonNullable<ReturnType<typeof parseData>>): Promise<void> {
    const { t } = turn;
    if (tapped.action === 'edit' && tapped.value && /^\d+$/.test(tapped.value) && tapped.draftId === 'report') return startCorrection(turn, Number(tapped.value));
    const loaded = await loadState(turn, now());
    if (loaded === 'expired') return void (await turn.reply({ text: t('report.expired') }));
    if (!loaded || loaded.state.draftId !== tapped.draftId) {
      // A button of a report that is finished: the confirmation tapped twice stores nothing new.
      if (tapped.action === 'confirm') {
        const stored = await turn.db.sessionReport.findUnique({ where: { idempotencyKey: reportKey(tapped.draftId) } });
        if (stored) return void (await turn.reply({ text: t('report.alreadySaved', { quarter: stored.quarter }) }));
      }
      return void (await turn.reply({ text: t('report.stale') }));
    }
    const { state, step } = loaded;
    const d = state.draft;
    switch (tapped.action) {
      case 'cancel':
        await clearState(turn);
        return void (await turn.reply({ text: t('report.cancelled') }));
      case 'date': {
        const parsed = reportDateDaysBack(tapped.value === 'yesterday' ? 1 : 0, today(), deps.graceDays);
        if (!parsed.ok) return ask(turn, state, 'heldOn', t(`report.bad.date.${parsed.problem}`, { text: '', today: formatDate(today()) }));
        return advance(turn, { ...state, draft: { ...d, heldOn: parsed.date } }, 'heldOn');
      }
      case 'format':
        if (!deps.formats.some((f) => f.id === tapped.value)) return ask(turn, state, 'format');
        return advance(turn, { ...state, draft: { ...d, format: tapped.value! } }, 'format');
      case 'topic': {
        if (!deps.topics.some((x) => x.id === tapped.value)) return ask(turn, state, 'topics');
        const chosen = new Set(d.topics ?? []);
        if (chosen.has(tapped.value!)) chosen.delete(tapped.value!);
        else chosen.add(tapped.value!);
        return ask(turn, { ...state, draft: { ...d, topics: [...chosen] } }, 'topics');
      }
      case 'topicsDone':
        if (!d.topics?.length) return ask(turn, state, 'topics', t('report.bad.noTopic'));
        return advance(turn, state, 'topics');
      case 'skip':
        if (step === 'notes') return advance(turn, { ...state, draft: { ...d, notes: '' } }, 'notes');
        if (step === 'photos') return advance(turn, { ...state, draft: { ...d, photos: d.photos ?? [] } }, 'photos');
        return ask(turn, state, step);
      case 'change':
        return ask(turn, state, 'change');
      case 'back':
        return ask(turn, state, 'confirm');
      case 'edit': {
        const field = tapped.value as (typeof steps)[number];
        if (!steps.includes(field)) return ask(turn, state, 'change');
        return ask(turn, { ...state, backToConfirm: true }, field);
      }
      case 'confirm':
        if (step !== 'confirm') return ask(turn, state, step);
        return confirm(turn, state);
      default:
        return ask(turn, state, step);
    }
  }

  async function startCorrection(turn: Turn, reportId: number): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    const report = await turn.db.sessionReport.findUnique({ where: { id: reportId }, include: { group: true } });
    if (!led || !report || !led.groups.some((g) => g.id === report.groupId)) return void (await turn.reply({ text: t('report.notYours') }));
    const state: ReportState = {
      draftId: newDraftId(),
      groupId: report.groupId,
      groupName: report.group.name,
      editing: report.id,
      draft: {
        heldOn: fromUtcDate(report.heldOn),
        format: report.format,
        topics: report.topics,
        participantsTotal: report.participantsTotal,
        participantsWomen: report.participantsWomen,
        participantsEthnicMinority: report.participantsEthnicMinority,
        place: report.place,
        notes: report.notes ?? '',
        photos: report.photos,
      },
    };
    return ask(turn, state, 'change');
  }

  async function myReports(turn: Turn): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    const group = led?.groups[0];
    if (!group) return void (await turn.reply({ text: t('report.notLeader') }));
    await rememberPrivateChat(turn, led.person.id);
    const quarters = await recentReports(turn.db, group.id, today());
    const blocks = quarters.map(({ quarter, reports }) => {
      const head = t('report.mine.quarter', { quarter: quarterLabel(quarter), count: reports.length });
      const lines = reports.map((r) => `• #${r.id} ${summaryLine(t, deps, r)}`);
      return [head, ...lines].join('\n');
    });
    // Only reports whose date could still be reported today can be corrected by chat.
    const correctable = quarters.flatMap((q) => q.reports).filter((r) => parseReportDate(formatDate(fromUtcDate(r.heldOn)), today(), deps.graceDays).ok);
    await turn.reply({
      text: [t('report.mine.title', { group: group.name }), '', ...blocks].join('\n'),
      buttons: correctable.map((r) => [{ label: t('report.mine.correct', { id: r.id, date: formatDate(fromUtcDate(r.heldOn)) }), data: data('edit', 'report', r.id) }]),
    });
  }

  return async (turn, next) => {
    const { event, t } = turn;
    const command = event.command?.name;
    if (command === 'dangky') return register(turn);
    if (command === 'baocao') return start(turn, event.command!.args.trim());
    if (command === 'baocaocuatoi') return myReports(turn);
    if (event.type === 'button' && event.buttonData === 'menu:report') return start(turn, '');
    const tapped = event.type === 'button' ? parseData(event.buttonData) : null;
    if (tapped) return onButton(turn, tapped);
    if (event.type !== 'message') return next();
    const loaded = await loadState(turn, now());
    if (loaded === 'expired') {
      await turn.reply({ text: t('report.expired') });
      return next();
    }
    if (!loaded) return next();
    const { state, step } = loaded;
    if (command === 'huy') {
      await clearState(turn);
      return void (await turn.reply({ text: t('report.cancelled') }));
    }
    if (command) return next();
    if (step === 'photos') {
      if (event.attachment?.kind === 'photo') {
        const photos = [...(state.draft.photos ?? []), event.attachment.ref].slice(0, maxPhotos);
        const full = photos.length >= maxPhotos;
        const updated = { ...state, draft: { ...state.draft, photos } };
        if (full) return advance(turn, updated, 'photos');
        await saveState(turn, updated, 'photos', now());
        return void (await turn.reply({ text: t('report.photoReceived', { count: photos.length }), buttons: [[{ label: t('report.done'), data: data('skip', state.draftId) }]] }));
      }
      return ask(turn, state, 'photos');
    }
    const text = clean(event.text ?? '');
    if (text === '') return ask(turn, state, step, t('report.bad.empty'));
    const answer = answerText(t, deps, step, text, state.draft, today());
    if (!answer.ok) return ask(turn, state, step, answer.reply);
    return advance(turn, { ...state, draft: answer.draft }, step);
  };

  async function register(turn: Turn): Promise<void> {
    const { t, event } = turn;
    const code = event.command!.args.trim();
    if (code === '') return void (await turn.reply({ text: t('register.howTo') }));
    const result = await redeemInvite(turn.db, code, { platform: event.platform, chat: event.chat, sender: event.sender }, now());
    if (!result.ok) return void (await turn.reply({ text: t(`register.${result.reason}`) }));
    const where = t(event.chat.kind === 'group' ? 'register.linkedGroupChat' : 'register.linkedPrivateChat');
    await turn.reply({ text: t('register.done', { role: t(`register.role.${result.role}`), group: result.group.name, where }) });
  }
}

/** "2026Q4" → "4/2026". */
const quarterLabel = (quarter: string) => `${quarter.slice(5)}/${quarter.slice(0, 4)}`;

function summaryLine(t: Translate, deps: ReportDeps, r: { heldOn: Date; format: string; participantsTotal: number; participantsWomen: number; participantsEthnicMinority: number }): string {
  const format = deps.formats.find((f) => f.id === r.format)?.label ?? r.format;
  return t('report.mine.line', {
    date: formatDate(fromUtcDate(r.heldOn)),
    format,
    total: r.participantsTotal,
    women: r.participantsWomen,
    minority: r.participantsEthnicMinority,
  });
}
