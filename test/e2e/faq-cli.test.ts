/** `loaban faq --jsonl`: what the bot would answer in a private chat, one JSON line per question. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { projectRoot } from '../../src/core/paths.ts';

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('loaban faq --jsonl', () => {
  it('answers, says when it does not know, and gives safety replies', async () => {
    const input = ['{"q":"tao hon la gi"}', '{"q":"giá phân bón tăng không"}', '{"q":"ck e dang danh e"}', '{"q":"Tảo hôn là gì?","lang":"en"}', ''].join('\n');
    const result = await runCli(['faq', '--jsonl'], { LOG_LEVEL: 'silent' }, projectRoot, input);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [known, unknown, danger, english] = lines(result.stdout);
    expect(Object.keys(known!)).toEqual(['q', 'answer', 'faqId', 'confidence', 'safety', 'more', 'category', 'atRisk']);
    expect(known).toMatchObject({ q: 'tao hon la gi', faqId: expect.any(String), safety: false });
    expect(known!.answer).toMatch(/Tảo hôn là/);
    expect(known!.confidence).toBeGreaterThanOrEqual(0.45);
    expect(unknown).toMatchObject({ faqId: null, safety: false });
    expect(unknown!.answer).toContain('chưa có câu trả lời cho câu hỏi này');
    expect(danger).toMatchObject({ safety: true, category: 'violence', atRisk: 'self', faqId: null });
    expect(danger!.answer).toMatch(/^Bạn đang bị đánh[\s\S]*113/);
    expect(english!.answer).toMatch(/Tảo hôn là/);
  });

  it('a line that is not a question is named by number, in place, and the rest is answered', async () => {
    const input = ['{"q":"tao hon la gi"}', 'not json', '{"question":"x"}', '{"q":"111 la so gi"}'].join('\n');
    const result = await runCli(['faq', '--jsonl'], { LOG_LEVEL: 'silent' }, projectRoot, input);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['stdin:2: not JSON', 'stdin:3: expected an object with a text "q"']);
    const out = lines(result.stdout);
    expect(out).toHaveLength(4);
    expect(out[1]).toEqual({ line: 2, error: 'not JSON' });
    expect(out[3]!.answer).toContain('111');
  });
});
