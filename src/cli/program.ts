/**
 * The `loaban` program: one module per group of subcommands, each adding its commands here; their
 * words (descriptions, --help, complaints) in the operator's language from locales/<language>/help.json.
 */
import type { Command } from 'commander';
import type { Translate } from '../core/i18n.ts';
import { adminsCommands } from './admins.ts';
import { backupCommands } from './backup.ts';
import { contentCommands } from './content.ts';
import { deliveryCommands } from './delivery.ts';
import { exportsCommands } from './exports.ts';
import { groupsCommands } from './groups.ts';
import { moveCommands } from './move.ts';
import { runCommands } from './run.ts';
import { describeCommands, localizedProgram } from './help.ts';

export function buildProgram(t: Translate): Command {
  const program = localizedProgram(t).showHelpAfterError();
  runCommands(program);
  groupsCommands(program);
  exportsCommands(program);
  contentCommands(program);
  adminsCommands(program);
  deliveryCommands(program);
  backupCommands(program);
  moveCommands(program);
  describeCommands(program, t);
  return program;
}
