/** The command line's help is written for every command and option, in every language Loa Bản speaks. */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.ts';
import { translator } from '../../src/core/i18n.ts';

function texts(command: Command, path: string[] = []): Array<[string, string]> {
  const here = [...path, command.name()].join(' ');
  return [
    [here, command.description()] as [string, string],
    ...command.options.map((o) => [`${here} ${o.long}`, o.description] as [string, string]),
    ...command.commands.flatMap((sub) => texts(sub, [...path, command.name()])),
  ];
}

describe('loaban --help', () => {
  it.each(['vi', 'en'])('every command and option has its text in %s', (language) => {
    const all = texts(buildProgram(translator(language)));
    expect(all.length).toBeGreaterThan(60);
    // A missing text shows as its key (commands.faq.about): none may.
    expect(all.filter(([, text]) => !text || text.startsWith('commands.'))).toEqual([]);
  });

  it('Vietnamese help is Vietnamese, not the English one', () => {
    const vi = new Map(texts(buildProgram(translator('vi'))));
    const en = new Map(texts(buildProgram(translator('en'))));
    const same = [...vi].filter(([where, text]) => en.get(where) === text && /[a-z]{4,} [a-z]{4,}/.test(text));
    // Only the formats and code-like texts read the same in both languages.
    expect(same.map(([where]) => where)).toEqual([]);
  });
});
