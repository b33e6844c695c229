/**
 * Villagers follow their village's communication group from a private chat: by its join code
 * (typed, or opened as the link t.me/<bot>?start=<code>), or by choosing province → … → village
 * from buttons (numbered choices on Zalo). Then: /dunglai (or "dừng", "hủy", "stop") stops every
 * broadcast to them at once, /tieptuc resumes, /ngonngu picks the language, /dulieucuatoi shows
 * what is kept and /xoadulieu deletes it after a confirm step. Leaders see and replace their
 * group's code with /mathamgia.
 */
import type { Button } from '../../channels/channel.ts';
import { foldedWords } from '../../core/i18n.ts';
import { foldText } from '../../core/text/fold.ts';
import { joinCodeOf, ledGroup, lookupJoinCode, normaliseJoinCode, rotateJoinCode } from './join-codes.ts';
import { deletePersonData, groupExists, joinGroup, personData, resumeBroadcasts, setLanguage, stopBroadcasts, villageChoices, type Who } from './subscribers.ts';
import type { Middleware, Turn } from '../../bot/turn.ts';

export interface SubscriptionDeps {
  /** Languages that have content (campaign or FAQ), Vietnamese first. */
  languages: string[];
}

/** Areas or groups shown per page of the picker. */
const pageSize = 8;

const who = (turn: Turn): Who => ({
  platform: turn.event.platform,
  userId: turn.event.sender.id,
  displayName: turn.event.sender.displayName,
  chatId: turn.event.chat.id,
});

const isPrivate = (turn: Turn) => turn.event.chat.kind === 'private';

/** "dừng", "Dung lai", "huỷ đăng ký", "STOP": a whole message asking to stop. */
function isStopWords(turn: Turn): boolean {
  const text = foldText(turn.event.text ?? '').replace(/[.!]+$/, '').trim();
  return text !== '' && foldedWords(turn.language, 'subscription.stopWords').includes(text);
}

/** The link that opens a private chat with the bot and joins with `code`, where the platform has one. */
function joinLink(turn: Turn, code: string): string | null {
  return turn.event.platform === 'telegram' && turn.event.botUsername ? `https://t.me/${turn.event.botUsername}?start=${code}` : null;
}

async function joinWithCode(turn: Turn, code: string): Promise<void> {
  const { t, event } = turn;
  const normal = normaliseJoinCode(code);
  const found = normal ? await lookupJoinCode(turn.db, normal, `${event.platform}:${event.chat.id}`) : ({ kind: 'unknown' } as const);
  switch (found.kind) {
    case 'tooManyTries':
      return void (await turn.reply({ text: t('subscription.tooManyTries') }));
    case 'replaced':
      return void (await turn.reply({ text: t('subscription.codeReplaced', { group: found.group.name }) }));
    case 'unknown':
      return void (await turn.reply({ text: t('subscription.codeUnknown'), buttons: [[{ label: t('subscription.chooseVillage'), data: 'join:top:0' }]] }));
    case 'group':
      return join(turn, found.group.id);
  }
}

/** Joins the group; from the picker (`inPlace`), the picker becomes the answer where the chat can edit. */
async function join(turn: Turn, groupId: number, inPlace = false): Promise<void> {
  const { t } = turn;
  const say = inPlace ? turn.update : turn.reply;
  const result = await joinGroup(turn.db, who(turn), groupId);
  if (result.kind === 'already') return void (await say({ text: t('subscription.already', { group: result.group.name }) }));
  const moved = result.left ? `${t('subscription.moved', { from: result.left.name })}\n` : '';
  await say({ text: `${moved}${t('subscription.joined', { group: result.group.name })}` });
}

/**
 * One page of the village picker: the areas under `parentId` (the top when null), or the groups of
 * an area without sub-areas. Moving through it (`inPlace`) changes the picker where the chat can edit.
 */
async function picker(turn: Turn, parentId: number | null, page: number, inPlace = false): Promise<void> {
  const { t } = turn;
  const say = inPlace ? turn.update : turn.reply;
  const { areas, parent, groups } = await villageChoices(turn.db, parentId);
  if (areas.length === 0 && groups.length === 1) return join(turn, groups[0]!.id, inPlace);
  const items: Button[] = [
    ...groups.map((g) => ({ label: g.name, data: `join:g:${g.id}` })),
    ...areas.map((a) => ({ label: a.name, data: `join:a:${a.id}:0` })),
  ];
  if (items.length === 0) return void (await say({ text: t('subscription.noVillages') }));
  const pages = Math.ceil(items.length / pageSize);
  const current = Math.min(Math.max(page, 0), pages - 1);
  const shown = items.slice(current * pageSize, (current + 1) * pageSize).map((b) => [b]);
  const here = parentId === null ? 'top' : `a:${parentId}`;
  const nav: Button[] = [];
  if (current > 0) nav.push({ label: t('subscription.previous'), data: `join:${here}:${current - 1}` });
  if (current < pages - 1) nav.push({ label: t('subscription.more'), data: `join:${here}:${current + 1}` });
  if (parent) nav.push({ label: t('subscription.back'), data: parent.parentId === null ? 'join:top:0' : `join:a:${parent.parentId}:0` });
  const prompt = parent ? t('subscription.pickIn', { area: parent.name }) : t('subscription.pickProvince');
  const pageNote = pages > 1 ? ` ${t('subscription.page', { page: current + 1, pages })}` : '';
  await say({ text: `${prompt}${pageNote}`, buttons: [...shown, ...(nav.length > 0 ? [nav] : [])] });
}

async function stop(turn: Turn): Promise<void> {
  const result = await stopBroadcasts(turn.db, who(turn));
  await turn.reply({ text: turn.t(`subscription.stop.${result}`) });
}

async function resume(turn: Turn): Promise<void> {
  const result = await resumeBroadcasts(turn.db, who(turn));
  if (result.kind === 'notSubscribed') return void (await turn.reply({ text: turn.t('subscription.resume.notSubscribed'), buttons: [[{ label: turn.t('subscription.chooseVillage'), data: 'join:top:0' }]] }));
  await turn.reply({ text: turn.t(`subscription.resume.${result.kind}`, { groups: result.groups.join(', ') }) });
}

function languageName(turn: Turn, code: string): string {
  const key = `subscription.languageNames.${code}`;
  const name = turn.t(key);
  return name === key ? code : name;
}

/** /ngonngu [language]; a language tapped in the picker (`inPlace`) becomes the picker's answer where the chat can edit. */
async function language(turn: Turn, deps: SubscriptionDeps, wanted: string, inPlace = false): Promise<void> {
  const { t } = turn;
  if (wanted === '') {
    const buttons = deps.languages.map((code) => [{ label: `${languageName(turn, code)}${code === turn.language ? ' ✓' : ''}`, data: `lang:${code}` }]);
    return void (await turn.reply({ text: t('subscription.language.pick', { current: languageName(turn, turn.language) }), buttons }));
  }
  const code = wanted.trim().toLowerCase();
  const match = deps.languages.find((c) => c === code || foldText(languageName(turn, c)) === foldText(wanted));
  if (!match) {
    const list = deps.languages.map((c) => languageName(turn, c)).join(', ');
    return void (await turn.reply({ text: t('subscription.language.noContent', { language: wanted.trim(), list }) }));
  }
  await setLanguage(turn.db, who(turn), match);
  await (inPlace ? turn.update : turn.reply)({ text: t('subscription.language.set', { language: languageName(turn, match) }) });
}

async function showData(turn: Turn): Promise<void> {
  const { t } = turn;
  const data = await personData(turn.db, who(turn));
  if (!data) return void (await turn.reply({ text: t('subscription.data.nothing') }));
  const groups = data.groups.map((g) => `• ${g.name} (${g.area}) — ${t(`subscription.data.role.${g.role}`, { defaultValue: g.role })}`);
  const lines = [
    t('subscription.data.title'),
    t('subscription.data.identity', { platform: data.platform, id: data.userId, name: data.displayName }),
    t('subscription.data.language', { language: languageName(turn, data.language) }),
    groups.length > 0 ? [t('subscription.data.groups'), ...groups].join('\n') : t('subscription.data.noGroups'),
    t(data.receiving ? 'subscription.data.receiving' : 'subscription.data.notReceiving'),
    ...(data.adminAreas.length > 0 ? [t('subscription.data.admin', { areas: data.adminAreas.join(', ') })] : []),
    ...(data.reports > 0 ? [t('subscription.data.reports', { count: data.reports })] : []),
    t('subscription.data.notKept'),
    t('subscription.data.howToDelete'),
  ];
  await turn.reply({ text: lines.join('\n') });
}

async function askDelete(turn: Turn): Promise<void> {
  const { t } = turn;
  if (!(await personData(turn.db, who(turn)))) return void (await turn.reply({ text: t('subscription.data.nothing') }));
  await turn.reply({
    text: t('subscription.delete.confirm'),
    buttons: [[{ label: t('subscription.delete.yes'), data: 'mydata:delete' }, { label: t('subscription.delete.no'), data: 'mydata:keep' }]],
  });
}

async function leaderCode(turn: Turn, args: string): Promise<void> {
  const { t, db, event } = turn;
  const group = await ledGroup(db, event.platform, event.sender.id);
  if (!group) return void (await turn.reply({ text: t('subscription.code.notLeader') }));
  const rotate = ['moi', 'doi'].includes(foldText(args));
  const code = rotate ? await rotateJoinCode(db, group.id, `${event.platform}:${event.sender.id}`) : await joinCodeOf(db, group.id);
  const link = joinLink(turn, code);
  const lines = [
    t(rotate ? 'subscription.code.rotated' : 'subscription.code.show', { group: group.name, code }),
    ...(link ? [t('subscription.code.link', { link })] : []),
    t('subscription.code.howTo'),
  ];
  await turn.reply({ text: lines.join('\n') });
}

/** Private matters said in a group get a pointer to the private chat, nothing else. */
async function privately(turn: Turn): Promise<void> {
  await turn.reply({ text: turn.t('subscription.privateOnly') });
}

export function subscriptions(deps: SubscriptionDeps): Middleware {
  return async (turn, next) => {
    const { event } = turn;
    const command = event.command?.name;
    const args = event.command?.args.trim() ?? '';
    const personal = ['thamgia', 'dunglai', 'tieptuc', 'ngonngu', 'dulieucuatoi', 'xoadulieu'];

    if (command === 'mathamgia') return leaderCode(turn, args);
    if (command && personal.includes(command) && !isPrivate(turn)) return privately(turn);
    if (command === 'start' && args !== '' && isPrivate(turn)) return joinWithCode(turn, args);
    if (command === 'thamgia') return args === '' ? picker(turn, null, 0) : joinWithCode(turn, args);
    if (command === 'dunglai') return stop(turn);
    if (command === 'tieptuc') return resume(turn);
    if (command === 'ngonngu') return language(turn, deps, args);
    if (command === 'dulieucuatoi') return showData(turn);
    if (command === 'xoadulieu') return askDelete(turn);

    const data = event.type === 'button' ? (event.buttonData ?? '') : '';
    if (data === 'menu:join') return isPrivate(turn) ? picker(turn, null, 0) : privately(turn);
    let match: RegExpExecArray | null;
    if ((match = /^join:top:(\d+)$/.exec(data))) return picker(turn, null, Number(match[1]), true);
    if ((match = /^join:a:(\d+):(\d+)$/.exec(data))) return picker(turn, Number(match[1]), Number(match[2]), true);
    if ((match = /^join:g:(\d+)$/.exec(data))) {
      const groupId = Number(match[1]);
      return (await groupExists(turn.db, groupId)) ? join(turn, groupId, true) : picker(turn, null, 0, true);
    }
    if ((match = /^lang:([a-z]{2,3})$/.exec(data))) return language(turn, deps, match[1]!, true);
    // The yes/no question becomes its answer: its buttons cannot be tapped again.
    if (data === 'mydata:delete') {
      const deleted = await deletePersonData(turn.db, who(turn));
      return void (await turn.update({ text: turn.t(deleted ? 'subscription.delete.done' : 'subscription.data.nothing') }));
    }
    if (data === 'mydata:keep') return void (await turn.update({ text: turn.t('subscription.delete.kept') }));

    if (event.type === 'message' && !command && isPrivate(turn)) {
      if (isStopWords(turn)) return stop(turn);
      const text = event.text ?? '';
      if (/\d/.test(text) && normaliseJoinCode(text)) return joinWithCode(turn, text);
    }
    return next();
  };
}
