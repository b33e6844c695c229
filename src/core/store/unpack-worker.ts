/**
 * A child process's entry point (see `unpackApart` in template-image.ts): receives a new database
 * folder and the path of the template's image over IPC, unpacks it there and answers. What the unpacking takes
 * (about 25 MB of inflate and file buffers) leaves with this process instead of staying in the start's.
 */
import { createFromTemplate, type UnpackAnswer } from './template-image.ts';
import { leaveStopSignalsToParent } from './apart.ts';

leaveStopSignalsToParent();

const { dbDir, image } = await new Promise<{ dbDir: string; image: string }>((resolve) => process.once('message', (message) => resolve(message as { dbDir: string; image: string })));
const answer: UnpackAnswer = await createFromTemplate(dbDir, { image }).then(
  () => ({ done: true as const }),
  (error: unknown) => ({ error: (error as Error)?.message ?? String(error) }),
);
process.send!(answer, () => process.exit(0));
