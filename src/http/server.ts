/** The http server (fastify) every web-facing part registers on: sandbox, webhooks, admin. */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { translator } from '../i18n.ts';
import type { Logger } from '../log.ts';

/** The port is taken or cannot be bound: an operator must act. */
export class HttpError extends Error {
  override name = 'HttpError';
}

export function createHttpServer(log: Logger): FastifyInstance {
  const http = Fastify({
    // Request lines only at debug: a busy webhook would otherwise fill the log.
    loggerInstance: log.child({ part: 'http' }, { level: log.isLevelEnabled('debug') ? log.level : 'warn' }) as unknown as FastifyBaseLogger,
    forceCloseConnections: true,
  });
  http.get('/health', async () => ({ ok: true }));
  return http;
}

/** Starts listening; returns the base URL. */
export async function listen(http: FastifyInstance, host: string, port: number, language?: string): Promise<string> {
  try {
    await http.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new HttpError(translator(language)('ops:http.portInUse', { host, port }));
    throw error;
  }
  const address = http.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
}
