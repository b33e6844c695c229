/**
 * The command line's own words — its --help, and its complaints about a command typed wrong — in
 * the operator's language (OPERATOR_LANG), from locales/<language>/help.json: a command's text is
 * `commands.<its path>.about`, an option's `commands.<its path>.<option name in camelCase>`.
 */
import { Command, Help, type Option } from 'commander';
import type { Translate } from '../core/i18n.ts';

const titleKeys: Record<string, string> = {
  'Usage:': 'usage',
  'Options:': 'options',
  'Commands:': 'commands',
  'Arguments:': 'arguments',
  'Global Options:': 'globalOptions',
};

/** Commander's complaint (English, with the option or command quoted) in the operator's language. */
function complaint(t: Translate, message: string, code: string | undefined): string {
  const [first = '', ...rest] = message.split('\n');
  const quoted = /'[^']*'/.exec(first)?.[0];
  const kind = (code ?? '').replace(/^commander\./, '');
  const known = ['missingMandatoryOptionValue', 'optionMissingArgument', 'missingArgument', 'unknownOption', 'unknownCommand', 'excessArguments'];
  const line = known.includes(kind) && (quoted || kind === 'excessArguments') ? t(`help:errors.${kind}`, { what: quoted }) : t('help:errors.other', { message: first.replace(/^error: /, '') });
  const suggestion = /Did you mean (\S+?)\?/.exec(rest.join(' '))?.[1];
  return suggestion ? `${line} ${t('help:errors.didYouMean', { what: suggestion })}` : line;
}

/** The `loaban` program's root: every command made from it speaks the operator's language. */
export function localizedProgram(t: Translate): Command {
  class LocalizedCommand extends Command {
    override createCommand(name?: string): Command {
      return new LocalizedCommand(name);
    }
    override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
      return super.error(complaint(t, message, errorOptions?.code), errorOptions);
    }
  }
  return new LocalizedCommand('loaban');
}

/** Gives every command and option of `program` its text, and the help its headings, in the operator's language. */
export function describeCommands(program: Command, t: Translate): void {
  const walk = (command: Command, path: string[]) => {
    const key = ['help:commands', ...path].join('.');
    command.description(t(`${key}.about`));
    for (const option of command.options) (option as Option).description = t(`${key}.${(option as Option).attributeName()}`);
    command.helpOption('-h, --help', t('help:helpOption'));
    if (command.commands.length > 0) command.helpCommand('help [command]', t('help:helpCommand'));
    command.configureHelp({
      styleTitle: (title) => (titleKeys[title] ? t(`help:titles.${titleKeys[title]}`) : title),
      optionDescription(option) {
        const shown = option.defaultValue !== undefined && !option.negate ? ` (${t('help:default', { value: JSON.stringify(option.defaultValue) })})` : '';
        return `${option.description}${shown}`;
      },
    } satisfies Partial<Help>);
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
}
