/**
 * Health for monitoring and load balancers: `/health/live` answers while the process runs;
 * `/health/ready` runs every readiness check (each cut off after a few seconds) and answers 200
 * when all pass, 503 when one fails, with a JSON body naming each check, whether it passed, and
 * why not. `/health` stays as the liveness answer it always was.
 */
import type { FastifyInstance } from 'fastify';
import { redactText } from '../redact.ts';

export interface CheckResult {
  ok: boolean;
  /** Why not, in English for operators. */
  problem?: string;
  [detail: string]: unknown;
}

export type ReadinessChecks = Record<string, () => Promise<CheckResult> | CheckResult>;

const checkTimeoutMs = 3000;

async function run(check: () => Promise<CheckResult> | CheckResult): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, problem: `no answer within ${checkTimeoutMs / 1000} s` }), checkTimeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch (error) {
    // Driver errors may carry their reason in a code or a cause rather than the message.
    const e = error as { message?: string; code?: string; cause?: { message?: string; code?: string } };
    const reason = e?.message || e?.cause?.message || e?.code || e?.cause?.code || String(error);
    // Prisma's messages open with the call that failed and end with why: the last line says it.
    const lines = reason.split('\n').map((line) => line.trim()).filter(Boolean);
    return { ok: false, problem: (lines.at(-1) ?? reason).slice(0, 300) };
  } finally {
    clearTimeout(timer);
  }
}

/** How long one answer of /health/ready serves: a monitor polling it, or someone hammering it, costs a few queries every so often. */
const readyForMs = 2000;

export function registerHealth(http: FastifyInstance, checks: ReadinessChecks): void {
  let last: { at: number; answer: Promise<{ ready: boolean; checks: Record<string, CheckResult> }> } | null = null;
  const assess = async () => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => run(checks[name]!)));
    // A problem may quote a request address holding a bot token: the answer is public.
    for (const r of results) if (r.problem !== undefined) r.problem = redactText(r.problem);
    return { ready: results.every((r) => r.ok), checks: Object.fromEntries(names.map((name, i) => [name, results[i]!])) };
  };
  http.get('/health/live', async () => ({ ok: true }));
  http.get('/health/ready', async (_request, reply) => {
    if (!last || Date.now() - last.at > readyForMs) last = { at: Date.now(), answer: assess() };
    const answer = await last.answer;
    return reply.code(answer.ready ? 200 : 503).header('cache-control', 'no-store').send(answer);
  });
}
