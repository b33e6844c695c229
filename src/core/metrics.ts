/**
 * Metrics for monitoring, in Prometheus' text format (prom-client), served at /metrics when
 * METRICS=on. Counts only — never a message's text, a name or a chat id. The parts that count call
 * the counters below; they count nothing, and prom-client is not even loaded (every `loaban`
 * command would pay its start-up), until `registerMetrics` turns them on for this process.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counter, Histogram } from 'prom-client';

type Labels = Record<string, string>;
interface Live {
  inboundUpdates: Counter;
  replySeconds: Histogram;
  sends: Counter;
  faqQuestions: Counter;
  reportsReceived: Counter;
}
let live: Live | null = null;

const counter = (pick: (l: Live) => Counter) => ({ inc: (labels: Labels) => void (live && pick(live).inc(labels)) });

/** Each inbound update by platform and what became of it: handled, duplicate (sent again), dropped (a flood), failed. */
export const inboundUpdates = counter((l) => l.inboundUpdates);
/** How long handling one update took, replies included. */
export const replySeconds = { observe: (labels: Labels, seconds: number) => void live?.replySeconds.observe(labels, seconds) };
/** Every send to a platform (replies and broadcasts) by its result: sent, throttled (a 429), transient, stopped, invalid. */
export const sends = counter((l) => l.sends);
/** FAQ questions by outcome: answered, unanswered, safety (a safety reply given). */
export const faqQuestions = counter((l) => l.faqQuestions);
/** Session reports stored, by how they came (wizard, quick form …). */
export const reportsReceived = counter((l) => l.reportsReceived);

export interface OutboxFigures {
  /** Deliveries by status among those not finished (queued, leased, sending). */
  byStatus: Record<string, number>;
  due: number;
  oldestDueSeconds: number | null;
}

/**
 * Turns the counting on and serves GET /metrics. With a token, only a request bearing it; without,
 * only a direct request from this machine (not through a proxy).
 */
export async function registerMetrics(http: FastifyInstance, { token, outbox }: { token: string | null; outbox: () => Promise<OutboxFigures> }): Promise<void> {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = await import('prom-client');
  const registers = [new Registry()];
  const registry = registers[0]!;
  collectDefaultMetrics({ register: registry, prefix: 'loaban_' });
  live = {
    inboundUpdates: new Counter({ name: 'loaban_inbound_updates_total', help: 'Inbound updates by platform and outcome', labelNames: ['platform', 'outcome'], registers }),
    replySeconds: new Histogram({
      name: 'loaban_reply_seconds',
      help: 'Seconds from an update received to its handling done (replies sent)',
      labelNames: ['platform'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    sends: new Counter({ name: 'loaban_sends_total', help: 'Messages sent to a platform, by result', labelNames: ['platform', 'result'], registers }),
    faqQuestions: new Counter({ name: 'loaban_faq_questions_total', help: 'FAQ questions by outcome', labelNames: ['outcome'], registers }),
    reportsReceived: new Counter({ name: 'loaban_reports_received_total', help: 'Session reports received', labelNames: ['source'], registers }),
  };
  const outboxDeliveries = new Gauge({ name: 'loaban_outbox_deliveries', help: 'Deliveries not yet finished, by status', labelNames: ['status'], registers });
  const outboxDue = new Gauge({ name: 'loaban_outbox_due', help: 'Deliveries due now and waiting', registers });
  const oldestDue = new Gauge({ name: 'loaban_outbox_oldest_due_seconds', help: 'Age of the oldest delivery due and waiting (0: none)', registers });
  http.get('/metrics', async (request, reply) => {
    if (!allowed(request, token)) return reply.code(token ? 401 : 403).send(token ? 'token required\n' : 'only from this machine, or with METRICS_TOKEN\n');
    const figures = await outbox().catch(() => null);
    if (figures) {
      outboxDeliveries.reset();
      for (const [status, count] of Object.entries(figures.byStatus)) outboxDeliveries.set({ status }, count);
      outboxDue.set(figures.due);
      oldestDue.set(figures.oldestDueSeconds ?? 0);
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}

function allowed(request: FastifyRequest, token: string | null): boolean {
  if (token) {
    const given = Buffer.from(request.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const peer = request.socket.remoteAddress ?? '';
  const loopback = peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1';
  return loopback && request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined;
}
