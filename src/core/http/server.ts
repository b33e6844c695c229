/**
 * The http server (fastify) every web-facing part registers on: sandbox, webhooks, admin. It
 * closes what a slow or idle client holds open: a request must arrive whole within
 * `requestTimeoutMs` (a body sent one byte at a time is cut), headers within `headersTimeoutMs`,
 * and an idle kept-alive connection is closed after `keepAliveTimeoutMs`.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { translator } from '../i18n.ts';
import type { Logger } from '../log.ts';
import { HttpError } from './errors.ts';
import { registerFavicon } from './favicon.ts';

export { HttpError } from './errors.ts';


export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Largest body of any route that does not set its own (webhooks: 1 MB, dashboard forms: 64 KB). */
  bodyLimit: number;
}

export const defaultHttpLimits: HttpLimits = { requestTimeoutMs: 30_000, headersTimeoutMs: 15_000, keepAliveTimeoutMs: 10_000, bodyLimit: 1024 * 1024 };

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type Factory = (...args: unknown[]) => unknown;

/**
 * fastify's schema compilers (ajv for requests, fast-json-stringify for replies), loaded the first
 * time a route declares a schema instead of with every server: Loa Bản's routes check their input
 * with zod, and loading them was about 50 ms of a start. A route with a schema gets them as fastify
 * would have made them.
 */
function lazySchemaCompilers(): Compilers {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  /** The factory the package `name` makes (its default export, called), made on first use. */
  const lazily = (name: string): Factory => {
    let made: Factory | undefined;
    return (...args) => (made ??= (fromFastify(name) as () => Factory)())(...args);
  };
  // fastify's own types for these are unions of its compilers' overloads; the factories are theirs.
  return { buildValidator: lazily('@fastify/ajv-compiler'), buildSerializer: lazily('@fastify/fast-json-stringify-compiler') } as unknown as Compilers;
}

export function createHttpServer(log: Logger, limits: Partial<HttpLimits> = {}): FastifyInstance {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs, bodyLimit } = { ...defaultHttpLimits, ...limits };
  const http = Fastify({
    // Request lines only at debug: a busy webhook would otherwise fill the log.
    loggerInstance: log.child({ part: 'http' }, { level: log.isLevelEnabled('debug') ? log.level : 'warn' }) as unknown as FastifyBaseLogger,
    forceCloseConnections: true,
    bodyLimit,
    schemaController: { compilersFactory: lazySchemaCompilers() },
    // Node checks the request timeouts every `connectionsCheckingInterval`: often enough that a slow body is cut near its time.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: requestTimeoutMs,
          headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
          keepAliveTimeout: keepAliveTimeoutMs,
          connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(requestTimeoutMs / 4))),
        },
        handler,
      ),
  });
  http.get('/health', async () => ({ ok: true }));
  registerFavicon(http);
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
