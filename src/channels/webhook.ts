/**
 * A platform's webhook endpoint on the shared http server. The secret header is checked before
 * the body is read (401, nothing processed); a body that is not JSON, too large or not an
 * update gets 400; an update whose handling failed gets 500 so the platform sends it again.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';

export interface WebhookOptions {
  path: string;
  /** The header carrying the secret, e.g. x-telegram-bot-api-secret-token. */
  secretHeader: string;
  secret: string;
  /** Largest body accepted, in bytes. */
  bodyLimit?: number;
  /** Handles one parsed JSON body; returns false when the body is not an update of this platform. */
  handle(body: unknown): Promise<boolean>;
  log: Logger;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerWebhook(http: FastifyInstance, options: WebhookOptions): void {
  void http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.bodyLimit ?? 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.setErrorHandler(async (error: { statusCode?: number }, _req, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? 400 : 500;
      if (status === 500) options.log.error({ err: error }, 'webhook failed');
      return reply.code(status).send({ ok: false });
    });
    scope.addHook('onRequest', async (req, reply) => {
      if (!sameSecret(req.headers[options.secretHeader], options.secret)) return reply.code(401).send({ ok: false });
    });
    scope.post(options.path, async (req, reply) => {
      let body: unknown;
      try {
        body = JSON.parse(String(req.body ?? ''));
      } catch {
        return reply.code(400).send({ ok: false });
      }
      const handled = await options.handle(body);
      return handled ? { ok: true } : reply.code(400).send({ ok: false });
    });
  });
}
