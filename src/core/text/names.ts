/**
 * The one way a name typed by a person — an operator on the command line, an admin in the chat or
 * on the dashboard — picks areas and groups, so that all of them resolve a name alike.
 */
import { foldText } from './fold.ts';

export interface Named {
  id: number;
  name: string;
  code?: string;
}

/**
 * Items named by `query`: its id (digits, and only the id), its code exactly, its name (tone marks, case and
 * punctuation aside), else those whose name contains the query as whole words.
 */
export function matchByName<T extends Named>(items: readonly T[], query: string): T[] {
  const trimmed = query.trim();
  const wanted = foldText(trimmed);
  if (wanted === '') return [];
  // A number is an id, never part of a name: "12" must not pick "Thôn 12" when there is no area 12.
  if (/^\d+$/.test(trimmed)) return items.filter((i) => i.id === Number(trimmed));
  const byCode = items.filter((i) => i.code !== undefined && i.code.toLowerCase() === trimmed.toLowerCase());
  if (byCode.length > 0) return byCode;
  const exact = items.filter((i) => foldText(i.name) === wanted);
  if (exact.length > 0) return exact;
  return items.filter((i) => ` ${foldText(i.name)} `.includes(` ${wanted} `));
}

