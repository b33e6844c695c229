/**
 * The `loaban` command's entry point: the program (program.ts) in the operator's language, run on
 * this process's arguments.
 */
import { loadDotEnv, operatorSettings } from '../core/config.ts';
import { translator } from '../core/i18n.ts';
import { buildProgram } from './program.ts';

// `loaban groups | head`: the reader went away; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

loadDotEnv();
await buildProgram(translator(operatorSettings().language)).parseAsync(process.argv);
