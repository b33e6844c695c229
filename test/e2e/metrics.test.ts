/**
 * /metrics of a running `loaban start` (METRICS=on): counts of updates, FAQ outcomes, sends and the
 * outbox in Prometheus' text format — never a message's text; only from this machine directly, or
 * with the token; absent when off.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-metrics-'));
const personaKey = 'villager-demo-hoa-ban-na-hin';

async function say(url: string, text: string) {
  const sent = await fetch(`${url}/sandbox/api/send`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personaKey, chatId: `private:${personaKey}`, text }) });
  expect(sent.status).toBe(200);
}

/** The value of one sample line, e.g. `loaban_faq_questions_total{outcome="answered"}`; 0 when absent. */
const sample = (body: string, name: string) => Number(body.split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1] ?? 0);

describe('metrics', () => {
  it('counts updates, FAQ outcomes, sends and the outbox, and never holds what people wrote', async () => {
    const app = await startCli({ DATA_DIR: tempDir(), METRICS: 'on' });
    try {
      await say(app.url, 'xin chào');
      await say(app.url, 'tảo hôn là gì');
      await say(app.url, 'giá lúa hôm nay bao nhiêu zzqx');
      await say(app.url, 'chồng tôi đánh tôi');
      const response = await fetch(`${app.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const body = await response.text();
      expect(sample(body, 'loaban_inbound_updates_total{platform="sandbox",outcome="handled"}')).toBe(4);
      expect(sample(body, 'loaban_faq_questions_total{outcome="answered"}')).toBeGreaterThanOrEqual(1);
      expect(sample(body, 'loaban_faq_questions_total{outcome="unanswered"}')).toBe(1);
      expect(sample(body, 'loaban_faq_questions_total{outcome="safety"}')).toBe(1);
      expect(sample(body, 'loaban_sends_total{platform="sandbox",result="sent"}')).toBeGreaterThanOrEqual(4);
      expect(sample(body, 'loaban_reply_seconds_count{platform="sandbox"}')).toBe(4);
      expect(body).toContain('loaban_outbox_due 0');
      expect(body).toContain('loaban_outbox_deliveries{status="queued"} 0');
      expect(body).toMatch(/^loaban_nodejs_eventloop_lag_seconds \d/m);
      expect(body).toMatch(/^loaban_process_resident_memory_bytes \d/m);
      for (const words of ['giá lúa', 'zzqx', 'đánh tôi', 'tảo hôn']) expect(body).not.toContain(words);

      // Through a proxy (a forwarded request) without a token: refused.
      expect((await fetch(`${app.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('with METRICS_TOKEN only a scrape bearing it; with METRICS off there is no /metrics', async () => {
    const token = 'a-metrics-token-0123456789';
    const guarded = await startCli({ DATA_DIR: tempDir(), METRICS: 'on', METRICS_TOKEN: token });
    try {
      expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789ab' } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await guarded.stop();
    }
    const off = await startCli({ DATA_DIR: tempDir() });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  }, 180_000);
});
