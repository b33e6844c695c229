/**
 * The `loaban` command: one module per group of subcommands, each adding its commands here.
 */
import { Command } from 'commander';
import { adminsCommands } from './admins.ts';
import { contentCommands } from './content.ts';
import { deliveryCommands } from './delivery.ts';
import { exportsCommands } from './exports.ts';
import { groupsCommands } from './groups.ts';
import { runCommands } from './run.ts';

// `loaban groups | head`: the reader went away; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('loaban')
  .description('Loa Bản — the village loudspeaker: chat bot for grassroots communication groups')
  .showHelpAfterError();

runCommands(program);
groupsCommands(program);
exportsCommands(program);
contentCommands(program);
adminsCommands(program);
deliveryCommands(program);

await program.parseAsync(process.argv);
