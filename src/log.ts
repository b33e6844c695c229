/** Structured logs with pino: pretty in a terminal, JSON lines otherwise. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  return pino({
    level,
    base: undefined,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  });
}
