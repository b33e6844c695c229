/**
 * Runs a piece of work in a child process of its own (an entry module beside this one), so that the
 * memory it takes goes back to the system when the child exits: a worker thread's stays in this
 * process's allocator. The request goes over the IPC channel, not the command line (it may hold a
 * password); the child answers once and exits.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Apart<A> {
  /** What the child sent, if it did. */
  answer: A | undefined;
  /** Its exit code, or the signal that ended it. */
  ended: number | string | null;
  /** The last line the child wrote to stderr, if any. */
  lastLine: string | undefined;
}

/** Runs `<entry>.ts` (from the sources, through tsx) or `<entry>.js` (built) in this folder with `request`; resolves once it has exited. */
export async function runApart<A>(entry: string, request: unknown): Promise<Apart<A>> {
  const self = fileURLToPath(import.meta.url);
  const fromSources = path.extname(self) === '.ts';
  const tsx = () => pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(path.join(path.dirname(self), `${entry}${path.extname(self)}`), [], {
    execArgv: ['--liftoff-only', ...(fromSources ? ['--import', tsx()] : [])],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let answer: A | undefined;
  child.on('message', (message: A) => (answer = message));
  child.send(request as object);
  // Its end, not its message, is the sign it is done (a database it opened is closed).
  const ended = await new Promise<number | string | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal));
  });
  return { answer, ended, lastLine: stderr.trim().split('\n').pop() || undefined };
}

/**
 * For a child's entry module: SIGINT and SIGTERM are left to the process that forked it. A Ctrl+C or a
 * supervisor's stop reaches every process of the group; the start that is waiting for this child
 * finishes its start first, then stops, so the child must not be cut off half-way (a migration half
 * applied, a database half unpacked).
 */
export function leaveStopSignalsToParent(): void {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
}
