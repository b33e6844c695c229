/**
 * Structured logs with pino: pretty in a terminal, JSON lines otherwise. Every line passes
 * through the redaction of redact.ts: no token, secret, password or login link is ever written.
 */
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { redactText } from './redact.ts';

export type { Logger };

/** `destination`: where lines go instead of stdout (tests read them there). */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY), destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    serializers: { err: stdSerializers.err },
    // The finished line, whatever wrote into it (a message, an error, fastify's request serializer).
    hooks: { streamWrite: (line) => redactText(line) },
    ...(pretty && !destination ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
