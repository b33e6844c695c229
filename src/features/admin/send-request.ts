/**
 * Reading an admin's "/guingay <tin> <địa bàn>" (pure): which campaign message and which area
 * the words name, or the most useful problem. chat-commands.ts answers it.
 */
import { foldText } from '../../core/text/fold.ts';
import { matchByName, type Named } from '../../core/text/names.ts';

export interface Titled {
  id: string;
  title: string;
}

/** Campaign messages named by `query`: the message id, the whole title, else every word found in the title or id (tone marks aside). */
export function matchMessages<T extends Titled>(messages: readonly T[], query: string): T[] {
  const id = query.trim().toLowerCase();
  const byId = messages.filter((m) => m.id === id);
  if (byId.length > 0) return byId;
  const wanted = foldText(query);
  if (wanted === '') return [];
  const exact = messages.filter((m) => foldText(m.title) === wanted);
  if (exact.length > 0) return exact;
  const words = wanted.split(' ');
  return messages.filter((m) => {
    const known = new Set(foldText(`${m.title} ${m.id}`).split(' '));
    return words.every((w) => known.has(w));
  });
}

export type SendRequest<M extends Titled, A extends Named> =
  | { kind: 'usage' }
  | { kind: 'ok'; message: M; area: A }
  | { kind: 'unknownContent' }
  | { kind: 'ambiguousContent'; query: string; candidates: M[] }
  | { kind: 'missingArea'; message: M }
  | { kind: 'unknownArea'; message: M; query: string }
  | { kind: 'ambiguousArea'; message: M; query: string; candidates: A[] }
  | { kind: 'outside'; message: M; areas: A[] };

/**
 * Reads "/guingay <tin> <địa bàn>": both parts may be several words, so every place to cut the
 * words in two is tried; the reading where the first part names one message and the rest one
 * area of the admin's (`inScope`) wins. Otherwise the most useful problem is reported.
 */
export function parseSendRequest<M extends Titled, A extends Named>(args: string, messages: readonly M[], areas: readonly A[], inScope: (area: A) => boolean): SendRequest<M, A> {
  const words = args.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { kind: 'usage' };
  const readings = [];
  for (let cut = 1; cut < words.length; cut++) {
    const contentQuery = words.slice(0, cut).join(' ');
    const areaQuery = words.slice(cut).join(' ');
    const found = matchByName(areas, areaQuery);
    readings.push({ contentQuery, areaQuery, contents: matchMessages(messages, contentQuery), areas: found, mine: found.filter(inScope) });
  }
  const ok = new Map<string, { message: M; area: A }>();
  for (const r of readings) if (r.contents.length === 1 && r.mine.length === 1) ok.set(`${r.contents[0]!.id}:${r.mine[0]!.id}`, { message: r.contents[0]!, area: r.mine[0]! });
  if (ok.size === 1) return { kind: 'ok', ...[...ok.values()][0]! };
  if (ok.size > 1) {
    const found = [...ok.values()];
    const sameMessage = found.every((f) => f.message.id === found[0]!.message.id);
    return sameMessage
      ? { kind: 'ambiguousArea', message: found[0]!.message, query: args.trim(), candidates: found.map((f) => f.area) }
      : { kind: 'ambiguousContent', query: args.trim(), candidates: [...new Map(found.map((f) => [f.message.id, f.message])).values()] };
  }
  // The longest content part first: the most specific reading of the message.
  const byContent = [...readings].reverse();
  const unique = byContent.filter((r) => r.contents.length === 1);
  const outside = unique.find((r) => r.areas.length > 0 && r.mine.length === 0);
  if (outside) return { kind: 'outside', message: outside.contents[0]!, areas: outside.areas };
  const several = unique.find((r) => r.mine.length > 1);
  if (several) return { kind: 'ambiguousArea', message: several.contents[0]!, query: several.areaQuery, candidates: several.mine };
  // Several messages only count as "which one?" where the rest names an area of the admin's.
  const manyWithArea = byContent.find((r) => r.contents.length > 1 && r.mine.length > 0);
  if (manyWithArea) return { kind: 'ambiguousContent', query: manyWithArea.contentQuery, candidates: manyWithArea.contents };
  if (unique[0]) return { kind: 'unknownArea', message: unique[0].contents[0]!, query: unique[0].areaQuery };
  const whole = matchMessages(messages, args);
  if (whole.length === 1) return { kind: 'missingArea', message: whole[0]! };
  if (whole.length > 1) return { kind: 'ambiguousContent', query: args.trim(), candidates: whole };
  return { kind: 'unknownContent' };
}
