/**
 * Group leaders report their quarterly sessions by chat: `/dangky <code>` makes them leaders;
 * `/baocao` (or the menu item) asks one question at a time, checks each answer, shows a summary
 * to confirm, change one answer, or cancel; `/baocao <everything in one line>` fills what it can
 * and asks only for the rest; `/baocaocuatoi` lists the group's recent reports, each correctable.
 * This is the middleware that wires them to a turn: the wizard (wizard.ts) says what each answer
 * does, replies.ts what is shown, drafts.ts keeps a half-filled report for one day (it survives a
 * restart), store.ts stores a confirmed one, registration.ts knows the leaders.
 */
import type { Middleware, Turn } from '../../bot/turn.ts';
import { draftsOf, newDraftId, type Drafts } from './drafts.ts';
import { localDateOf, parseQuarter, quarterOf } from './quarter.ts';
import { ledGroups, register, rememberPrivateChat } from './registration.ts';
import { myReports as myReportsMessage, photoReceived, question, quickMissing, quickProblems, quickUnderstood } from './replies.ts';
import { correctReport, recentReports, reportByDraft, reportWithGroup, saveReport } from './store.ts';
import { addPhoto, answer, draftOf, finish, nextStep, parseButton, readLine, tap, type Move, type ReportRules, type ReportState, type Tapped } from './wizard.ts';

export interface ReportDeps extends ReportRules {
  timeZone: string;
  /** Now, for tests. */
  now?: () => Date;
}

export function reportFlow(deps: ReportDeps): Middleware {
  const now = () => deps.now?.() ?? new Date();
  const today = () => localDateOf(now(), deps.timeZone);
  // One Drafts a turn: its first load is the row the turn found when the update arrived.
  const turnsDrafts = new WeakMap<Turn, Drafts>();
  const drafts = (turn: Turn) => {
    let mine = turnsDrafts.get(turn);
    if (!mine) turnsDrafts.set(turn, (mine = draftsOf(turn.db, { platform: turn.event.platform, chatId: turn.event.chat.id, userId: turn.event.sender.id }, turn.flow)));
    return mine;
  };

  /**
   * Asks the question of the move's step (or shows the summary) and remembers where we are. After
   * a tap (`inPlace`), the tapped question becomes the next one where the chat can edit it.
   */
  async function ask(turn: Turn, { state, step, prefix }: Move, inPlace = false): Promise<void> {
    await drafts(turn).save(state, step, now());
    const message = question(turn.t, deps, state, step, today(), turn.canEdit);
    const withPrefix = prefix ? { ...message, text: `${prefix}\n\n${message.text}` } : message;
    await (inPlace ? turn.update(withPrefix) : turn.reply(withPrefix));
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
    if (quick === '') return ask(turn, { state, step: 'heldOn', prefix: t('report.start', { group: group.name }) });
    const { read, draft } = readLine(deps, quick, today());
    state.draft = draft;
    const problems = quickProblems(t, deps, read, today());
    const missing = nextStep(state.draft, 0);
    if (missing === 'confirm') return ask(turn, { state, step: missing, ...(problems.length > 0 ? { prefix: [t('report.quickProblems'), ...problems].join('\n') } : {}) });
    const understood = quickUnderstood(t, deps, draft);
    if (event.chat.kind === 'group') {
      const lines = [t('report.quickNotSaved'), ...problems, ...quickMissing(t, read), ...(understood.length ? ['', ...understood] : []), '', t('report.quickResendInGroup')];
      return void (await turn.reply({ text: lines.join('\n') }));
    }
    const told = [...(problems.length > 0 ? [t('report.quickProblems'), ...problems] : []), ...(understood.length ? ['', ...understood] : [])];
    return ask(turn, { state, step: missing, ...(told.length > 0 ? { prefix: told.join('\n').trim() } : {}) });
  }

  async function confirm(turn: Turn, state: ReportState): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    if (!led || !led.groups.some((g) => g.id === state.groupId)) return void (await turn.reply({ text: t('report.notLeader') }));
    // Checked again as a whole: nothing wrong or missing is ever stored.
    const finished = finish(deps, state, today());
    if (!finished.done) return ask(turn, finished.move);
    const { report } = finished;
    const by = { personId: led.person.id, actor: `${event.platform}:${event.sender.id}`, source: event.platform };
    const quarter = quarterOf(report.heldOn);
    if (state.editing) {
      await correctReport(turn.db, state.editing, report, by);
      await drafts(turn).clear();
      return void (await turn.reply({ text: t('report.corrected', { ...quarter }) }));
    }
    const saved = await saveReport(turn.db, state.draftId, report, by);
    await drafts(turn).clear();
    await turn.reply({ text: t(saved ? 'report.saved' : 'report.alreadySaved', { ...quarter, group: state.groupName }) });
  }

  async function onButton(turn: Turn, tapped: Tapped): Promise<void> {
    const { t } = turn;
    if (tapped.action === 'edit' && tapped.value && /^\d+$/.test(tapped.value) && tapped.draftId === 'report') return startCorrection(turn, Number(tapped.value));
    const loaded = await drafts(turn).load(now());
    if (loaded === 'expired') return void (await turn.reply({ text: t('report.expired') }));
    if (!loaded || loaded.state.draftId !== tapped.draftId) {
      // A button of a report that is finished: the confirmation tapped twice stores nothing new.
      if (tapped.action === 'confirm') {
        const stored = await reportByDraft(turn.db, tapped.draftId);
        if (stored) return void (await turn.reply({ text: t('report.alreadySaved', { ...parseQuarter(stored.quarter) }) }));
      }
      return void (await turn.reply({ text: t('report.stale') }));
    }
    const { state, step } = loaded;
    const move = tap(t, deps, state, step, tapped, today());
    if (move === 'cancel') {
      await drafts(turn).clear();
      return void (await turn.update({ text: t('report.cancelled') }));
    }
    if (move === 'confirm') return confirm(turn, state);
    return ask(turn, move, true);
  }

  async function startCorrection(turn: Turn, reportId: number): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    const report = await reportWithGroup(turn.db, reportId);
    if (!led || !report || !led.groups.some((g) => g.id === report.groupId)) return void (await turn.reply({ text: t('report.notYours') }));
    const state: ReportState = { draftId: newDraftId(), groupId: report.groupId, groupName: report.group.name, editing: report.id, draft: draftOf(report) };
    return ask(turn, { state, step: 'change' });
  }

  async function myReports(turn: Turn): Promise<void> {
    const { t, event } = turn;
    const led = await ledGroups(turn.db, event.platform, event.sender.id);
    const group = led?.groups[0];
    if (!group) return void (await turn.reply({ text: t('report.notLeader') }));
    await rememberPrivateChat(turn, led.person.id);
    const quarters = await recentReports(turn.db, group.id, today());
    await turn.reply(myReportsMessage(t, deps, group.name, quarters, today()));
  }

  return async (turn, next) => {
    const { event, t } = turn;
    const command = event.command?.name;
    if (command === 'dangky') return register(turn, now());
    if (command === 'baocao') return start(turn, event.command!.args.trim());
    if (command === 'baocaocuatoi') return myReports(turn);
    if (event.type === 'button' && event.buttonData === 'menu:report') return start(turn, '');
    const tapped = event.type === 'button' ? parseButton(event.buttonData) : null;
    if (tapped) return onButton(turn, tapped);
    if (event.type !== 'message') return next();
    const loaded = await drafts(turn).load(now());
    if (loaded === 'expired') {
      await turn.reply({ text: t('report.expired') });
      return next();
    }
    if (!loaded) return next();
    const { state, step } = loaded;
    if (command === 'huy') {
      await drafts(turn).clear();
      return void (await turn.reply({ text: t('report.cancelled') }));
    }
    if (command) return next();
    if (step === 'photos') {
      if (event.attachment?.kind === 'photo') {
        const added = addPhoto(state, event.attachment.ref);
        if (added.move) return ask(turn, added.move);
        await drafts(turn).save(added.state, 'photos', now());
        return void (await turn.reply(photoReceived(t, added.state)));
      }
      return ask(turn, { state, step: 'photos' });
    }
    return ask(turn, answer(t, deps, state, step, event.text ?? '', today()));
  };
}
