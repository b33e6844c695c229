/**
 * `loaban` content validate, faq, directory list and confirm: the content files.
 */
import path from 'node:path';
import type { DirectoryLine } from '../features/faq/index.ts';
import { translator } from '../core/i18n.ts';
import { OperatorError, environment, action, shownPath } from './common.ts';
import type { Command } from 'commander';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../content/folder.ts'), import('./validate-content.ts'), import('../features/faq/index.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../content/folder.ts') & typeof import('./validate-content.ts') & typeof import('../features/faq/index.ts');
};

/** Adds the commands to `program`. */
export function contentCommands(program: Command): void {
  program
    .command('content')
    .command('validate')
    .action(
      action(async () => {
        const { checkContentDir, validateContent } = await load();
        const { config, t } = await environment({ database: false });
        checkContentDir(config);
        const { problems, summary } = validateContent(config.contentDir);
        if (problems.length === 0) {
          const { campaigns, languages, calendarEvents: events, faqEntries: faq } = summary;
          process.stdout.write(`${t('ops:content.valid', { campaigns, languages: languages.join(', '), events, faq })}\n`);
          return;
        }
        const shown = (file: string) => {
          const relative = path.relative(process.cwd(), file);
          return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
        };
        for (const p of problems) process.stdout.write(`${shown(p.file)}:${p.line}: ${p.message}\n`);
        process.stdout.write(`${t('ops:content.invalid', { count: problems.length })}\n`);
        process.exitCode = 1;
      }),
    );

    program
    .command('faq')
    .option('--jsonl')
    .action(
      action(async (options: { jsonl?: boolean }) => {
        const { checkContentDir, answerStream, loadFaq } = await load();
        const { config } = await environment({ database: false });
        checkContentDir(config);
        const bad = await answerStream(loadFaq(config.contentDir), process.stdin, process.stdout, process.stderr, Boolean(options.jsonl));
        if (bad > 0) process.exitCode = 1;
      }),
    );

  const directory = program.command('directory');

  function directoryLine(t: ReturnType<typeof translator>, l: DirectoryLine): string {
    return t('ops:directory.line', { where: shownPath(l.file, l.line), area: l.area, name: l.name, phone: l.phone ?? '—', status: l.confirmed ? '' : t('ops:directory.pending') });
  }

  directory
    .command('list')
    .option('--unconfirmed')
    .action(
      action(async (options: { unconfirmed?: boolean }) => {
        const { checkContentDir, listDirectory } = await load();
        const { config, t } = await environment({ database: false });
        checkContentDir(config);
        const lines = listDirectory(config.contentDir).filter((l) => !options.unconfirmed || !l.confirmed);
        if (lines.length === 0 && !options.unconfirmed) throw new OperatorError(t('ops:directory.empty', { dir: shownPath(path.join(config.contentDir, 'directory')) }));
        for (const l of lines) process.stdout.write(`${directoryLine(t, l)}\n`);
      }),
    );

  directory
    .command('confirm <number-or-name...>')
    .action(
      action(async (words: string[]) => {
        const { checkContentDir, confirmDirectoryEntry, findDirectoryEntries, listDirectory } = await load();
        const { config, t } = await environment({ database: false });
        checkContentDir(config);
        const query = words.join(' ');
        const found = findDirectoryEntries(listDirectory(config.contentDir), query);
        const dir = shownPath(path.join(config.contentDir, 'directory'));
        if (found.length === 0) throw new OperatorError(t('ops:directory.noneMatch', { query, dir }));
        if (found.length > 1) throw new OperatorError(t('ops:directory.ambiguous', { query, count: found.length, list: found.map((l) => directoryLine(t, l)).join('\n') }));
        const entry = found[0]!;
        const vars = { name: entry.name, phone: entry.phone ?? '—', where: shownPath(entry.file, entry.line) };
        if (entry.confirmed) return void process.stdout.write(`${t('ops:directory.already', vars)}\n`);
        confirmDirectoryEntry(entry);
        process.stdout.write(`${t('ops:directory.confirmed', vars)}\n`);
      }),
    );
}
