/** Runs the real `loaban` command as an operator would, in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/core/paths.ts';

const bin = path.join(projectRoot, 'src/bin/loaban.js');

/** Environment without the outer one's Loa Bản variables, plus `env`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|DATA_DIR|PORT|TELEGRAM_|ZALO_|SANDBOX|HOST|CONTENT_DIR|QUIET_HOURS|TZ_AREA|LOG_LEVEL|OPERATOR_LANG)/.test(k)),
  );
  return { ...clean, LOG_LEVEL: 'info', ...env };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `loaban ...args` to the end, with `input` on its stdin. */
export function runCli(args: string[], env: Record<string, string>, cwd = projectRoot, input = ''): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: environment(env) });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `loaban start` and sends it `signal` as soon as `when` holds (its output so far) — while it
 * is still starting, as a supervisor stopping it then would — and resolves when it has exited. With
 * `group`, the signal goes to its whole process group (its children too), as Ctrl+C and systemd send
 * it. Killed after `timeoutMs` if it has not ended.
 */
export function signalWhileStarting(
  env: Record<string, string>,
  when: RegExp | ((output: string) => boolean),
  { signal = 'SIGTERM', group = false, timeoutMs = 90_000 }: { signal?: NodeJS.Signals; group?: boolean; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'start'], { cwd: projectRoot, env: environment({ PORT: '0', ...env }), detached: group });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const holds = typeof when === 'function' ? when : (output: string) => when.test(output);
    const watch = () => {
      if (sent || !holds(stdout + stderr)) return;
      sent = true;
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
    };
    const poll = setInterval(watch, 5);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => ((stdout += d), watch()));
    child.stderr.on('data', (d) => ((stderr += d), watch()));
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `loaban start` and resolves once it is listening (PORT=0 picks a free port); with
 * `{ npm: true }` as the README says, through `npm start` (then `child` is npm).
 */
export function startCli(env: Record<string, string>, timeoutMs = 60_000, { npm = false } = {}): Promise<Running> {
  return new Promise((resolve, reject) => {
    const [command, args] = npm ? ['npm', ['start']] : [process.execPath, [bin, 'start']];
    const child = spawn(command, args, { cwd: projectRoot, env: environment({ PORT: '0', ...env }) });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`loaban start did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const onData = (d: Buffer) => {
      output += d;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          output: () => output,
          stop: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`loaban start exited with ${code}:\n${output}`));
    });
  });
}
