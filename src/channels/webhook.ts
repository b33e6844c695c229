/**
 * A platform's webhook endpoint on the shared http server. The secret header is checked before
 * the body is read (401, nothing processed), and an address that keeps sending wrong secrets is
 * answered ever more slowly; a body that is not JSON, too large or not an update gets 400; an
 * update whose handling failed gets 500 so the platform sends it again.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/log.ts';

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

/** Wrong secrets an address may send in a window before its 401s are slowed. */
const freeFailures = 5;
const failureWindowMs = 10 * 60_000;
const maxDelayMs = 5_000;
/** Addresses remembered at most; past that the oldest are forgotten. */
const maxTracked = 10_000;

/** Per address: how many wrong secrets lately; the delay its next 401 waits. */
class FailureBrake {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly now = () => Date.now()) {}

  /** Records a failure from `address`; returns how long to wait before answering it. */
  fail(address: string): number {
    const now = this.now();
    const seen = this.failures.get(address);
    const entry = seen && now - seen.since < failureWindowMs ? { count: seen.count + 1, since: seen.since } : { count: 1, since: now };
    this.failures.delete(address);
    this.failures.set(address, entry);
    if (this.failures.size > maxTracked) this.failures.delete(this.failures.keys().next().value!);
    return entry.count <= freeFailures ? 0 : Math.min(maxDelayMs, 250 * 2 ** (entry.count - freeFailures - 1));
  }
}

export function registerWebhook(http: FastifyInstance, options: WebhookOptions): void {
  const brake = new FailureBrake();
  void http.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.bodyLimit ?? 1024 * 1024 }, (_req, body, done) => done(null, body));
    scope.setErrorHandler(async (error: { statusCode?: number }, _req, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? 400 : 500;
      if (status === 500) options.log.error({ err: error }, 'webhook failed');
      return reply.code(status).send({ ok: false });
    });
    scope.addHook('onRequest', async (req, reply) => {
      if (sameSecret(req.headers[options.secretHeader], options.secret)) return;
      const delay = brake.fail(req.ip);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return reply.code(401).send({ ok: false });
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
