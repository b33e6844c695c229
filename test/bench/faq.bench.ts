/**
 * FAQ benchmark (`npm run bench:faq`): on the labelled questions of test/fixtures/faq/questions.jsonl,
 * written as villagers write, measures top-1 accuracy, the share of off-topic questions left
 * unanswered, safety recall and false alarms on look-alikes, and the latency of reading one message
 * with 500 entries loaded (the shipped ones plus generated ones). Misses go to stderr; the last line
 * on stdout is one JSON object.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createFaq, readMessage, type Reading } from '../../src/faq/faq.ts';
import { loadKnowledge, type FaqEntry, type Knowledge } from '../../src/faq/knowledge.ts';
import { defaultContentDir, projectRoot } from '../../src/paths.ts';

interface Labelled {
  q: string;
  kind: 'faq' | 'offtopic' | 'safety' | 'lookalike';
  expect: string | null;
}

const fixture = path.join(projectRoot, 'test/fixtures/faq/questions.jsonl');
const labelled: Labelled[] = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Labelled);

const knowledge = loadKnowledge(defaultContentDir);
const faq = createFaq(knowledge);
const byId = new Map(knowledge.entries.map((e) => [e.id, e]));
for (const item of labelled) {
  if (item.expect && !byId.has(item.expect)) throw new Error(`${fixture}: "${item.q}" expects unknown entry ${item.expect}`);
}

const show = (r: Reading) => (r.kind === 'safety' ? 'SAFETY' : r.kind === 'answer' ? `${r.match.entry.id} (${r.match.confidence.toFixed(2)})` : `unknown (best ${r.best?.entry.id ?? '-'} ${r.best?.confidence.toFixed(2) ?? ''})`);
const count = (kind: Labelled['kind']) => labelled.filter((l) => l.kind === kind);

// After a safety reply the bot gives the answer too; right when that answer is the expected one.
let correct = 0;
for (const item of count('faq')) {
  const r = readMessage(faq, item.q);
  const ok = r.kind !== 'unknown' && r.match?.entry.id === item.expect;
  if (ok) correct++;
  else process.stderr.write(`faq miss: "${item.q}" → ${show(r)}, expected ${item.expect}\n`);
}
let offtopicUnanswered = 0;
for (const item of count('offtopic')) {
  const r = readMessage(faq, item.q);
  if (r.kind === 'unknown') offtopicUnanswered++;
  else process.stderr.write(`offtopic answered: "${item.q}" → ${show(r)}\n`);
}
let safetyCaught = 0;
for (const item of count('safety')) {
  const r = readMessage(faq, item.q);
  if (r.kind === 'safety') safetyCaught++;
  else process.stderr.write(`safety MISSED: "${item.q}" → ${show(r)}\n`);
}
let falseAlarms = 0;
for (const item of [...count('lookalike'), ...count('offtopic')]) {
  if (readMessage(faq, item.q).kind === 'safety') {
    falseAlarms++;
    process.stderr.write(`false alarm: "${item.q}"\n`);
  }
}

/** Deterministic generated entries from the shipped vocabulary, up to `size` entries in all. */
function padded(base: Knowledge, size: number): Knowledge {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const words = [...new Set(base.entries.flatMap((e) => [...e.questions, e.answer.vi!]).join(' ').split(/\s+/))];
  const pick = (n: number) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
  const extra: FaqEntry[] = [];
  for (let i = base.entries.length; i < size; i++) {
    extra.push({ id: `generated-${i}`, topic: 'general', questions: Array.from({ length: 6 }, () => pick(7)), answer: { vi: pick(60) }, source: 'generated for the benchmark' });
  }
  return { ...base, entries: [...base.entries, ...extra] };
}

const loaded = 500;
const big = createFaq(padded(knowledge, loaded));
const timings: number[] = [];
const questions = labelled.map((l) => l.q);
for (const q of questions) readMessage(big, q); // warm up
for (let round = 0; round < 20; round++) {
  for (const q of questions) {
    const start = process.hrtime.bigint();
    readMessage(big, q);
    timings.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}
timings.sort((a, b) => a - b);
const percentile = (p: number) => timings[Math.min(timings.length - 1, Math.floor((p / 100) * timings.length))]!;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

const result = {
  bench: 'faq',
  entries: knowledge.entries.length,
  questions: { faq: count('faq').length, offtopic: count('offtopic').length, safety: count('safety').length, lookalike: count('lookalike').length },
  accuracy: round3(correct / count('faq').length),
  offtopicUnanswered: round3(offtopicUnanswered / count('offtopic').length),
  safetyRecall: round3(safetyCaught / count('safety').length),
  falseAlarms,
  threshold: faq.matcher.threshold,
  latencyEntries: loaded,
  p50ms: round3(percentile(50)),
  p99ms: round3(percentile(99)),
  targets: { accuracy: 0.9, offtopicUnanswered: 0.9, safetyRecall: 1, falseAlarms: 0, p99ms: 5 },
};
const met =
  result.accuracy >= 0.9 && result.offtopicUnanswered >= 0.9 && result.safetyRecall === 1 && result.falseAlarms === 0 && result.p99ms < 5;
console.log(JSON.stringify({ ...result, met }));
