/**
 * Checks all of content/ the way start-up and the commands read it — FAQ knowledge, campaign
 * messages and calendar, report formats, demo data — and collects every problem instead of
 * stopping at the first loader that fails (`loaban content validate`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadFaq } from '../features/faq/index.ts';
import { readDemoData } from '../features/groups/index.ts';
import { readFormats } from '../features/reporting/index.ts';
import { loadCampaigns } from '../content/campaigns.ts';
import { collectProblems, parsedAfresh, type ContentProblem } from '../content/yaml.ts';

export interface ContentSummary {
  campaigns: number;
  /** Languages of the campaign texts, vi first. */
  languages: string[];
  calendarEvents: number;
  faqEntries: number;
}

/** Like `collectProblems`, and a file a loader could not find is a problem too. */
function collect<T>(problems: ContentProblem[], read: () => T): T | undefined {
  try {
    return collectProblems(problems, read);
  } catch (error) {
    const { code, path: file } = error as NodeJS.ErrnoException;
    if (code !== 'ENOENT' || !file) throw error;
    problems.push({ file, line: 0, message: 'missing: this file ships with Loa Bản' });
    return undefined;
  }
}

/**
 * Every problem of the content under `contentDir` (file:line: message), and what it holds, every file
 * parsed as it is (not from the snapshot `npm install` keeps). The folder itself is checked by the
 * caller (`checkContentDir`, in the operator's language).
 */
export function validateContent(contentDir: string): { problems: ContentProblem[]; summary: ContentSummary } {
  return parsedAfresh(() => validated(contentDir));
}

function validated(contentDir: string): { problems: ContentProblem[]; summary: ContentSummary } {
  const summary: ContentSummary = { campaigns: 0, languages: [], calendarEvents: 0, faqEntries: 0 };
  const problems: ContentProblem[] = [];
  const faq = collect(problems, () => loadFaq(contentDir));
  const library = collect(problems, () => loadCampaigns(contentDir));
  collect(problems, () => readFormats(contentDir));
  if (existsSync(path.join(contentDir, 'demo.yaml'))) collect(problems, () => readDemoData(contentDir));

  if (faq) summary.faqEntries = faq.knowledge.entries.length;
  if (library) {
    summary.campaigns = library.messages.size;
    summary.calendarEvents = library.calendar.length;
    const languages = new Set([...library.messages.values()].flatMap((m) => Object.keys(m.variants)));
    summary.languages = [...languages].sort((a, b) => (a === 'vi' ? -1 : b === 'vi' ? 1 : a.localeCompare(b)));
  }
  // topics.yaml is read by the FAQ and the campaigns: report its problems once.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
  return { problems: unique, summary };
}
