/**
 * The words every page and message shares (locales/<language>/glossary.json): how a quarter is
 * written for people ("Quý 4/2026"; "2026Q4" is only the machine form of commands, urls and
 * storage), the one term for groups without a report, the platforms' names. Locale strings nest
 * them with $t(glossary:…); code that builds a label itself goes through these helpers.
 */
import type { Translate } from './i18n.ts';

/** "Quý 4/2026" (a label), or "quý 4/2026" inside a sentence. */
export function quarterName(t: Translate, q: { year: number; quarter: number }, form: 'label' | 'inText' = 'label'): string {
  return t(form === 'label' ? 'glossary:quarter' : 'glossary:quarterInText', { quarter: q.quarter, year: q.year });
}

/** A report period inside a sentence: "quý 4/2026" or "năm 2026". */
export function periodName(t: Translate, p: { kind: 'quarter'; quarter: { year: number; quarter: number } } | { kind: 'year'; year: number }): string {
  return p.kind === 'quarter' ? quarterName(t, p.quarter, 'inText') : t('glossary:year', { year: p.year });
}
