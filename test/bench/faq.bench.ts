/**
 * FAQ benchmark (`npm run bench:faq`): on the labelled questions of test/fixtures/faq/questions.jsonl,
 * written as villagers write, measures top-1 accuracy, the share of off-topic questions left
 * unanswered, and the latency of reading one message with 500 entries loaded (the shipped ones plus
 * generated ones), with the share of readings a garbage collection interrupted and the p99 of the
 * others. On the safety test sets of test/fixtures/safety/ it measures, per category of danger, recall (the message gets its category's reply) and detection (any safety reply), false
 * alarms on look-alikes, and how often who is at risk is read right. heldout.jsonl and heldout-2.jsonl
 * were written by people who had not seen the patterns, review.jsonl and review-2.jsonl by reviewers; the
 * figures before any tuning on them are in the README.
 * Misses go to stderr; the last line on stdout is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import path from 'node:path';
import { createFaq, readMessage, type Reading } from '../../src/features/faq/faq.ts';
import { loadKnowledge, type FaqEntry, type Knowledge } from '../../src/features/faq/knowledge.ts';
import { defaultContentDir, projectRoot } from '../../src/core/paths.ts';

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

const show = (r: Reading) => (r.kind === 'safety' ? `SAFETY ${r.signal.category}` : r.kind === 'answer' ? `${r.match.entry.id} (${r.match.confidence.toFixed(2)})` : `unknown (best ${r.best?.entry.id ?? '-'} ${r.best?.confidence.toFixed(2) ?? ''})`);
const count = (kind: Labelled['kind']) => labelled.filter((l) => l.kind === kind);

let correct = 0;
for (const item of count('faq')) {
  const r = readMessage(faq, item.q);
  const ok = r.kind === 'answer' && r.match.entry.id === item.expect;
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
// Garbage collections during the timing: a reading a collection interrupted is timed with it (the
// p99 a person sees), and the share of such readings and the p99 of the others are reported too.
const collections: Array<{ start: number; end: number }> = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, end: e.startTime + e.duration });
});
observer.observe({ entryTypes: ['gc'] });
const calls: Array<{ start: number; end: number }> = [];
for (let round = 0; round < 20; round++) {
  for (const q of questions) {
    const start = performance.now();
    readMessage(big, q);
    const end = performance.now();
    timings.push(end - start);
    calls.push({ start, end });
  }
}
await new Promise((resolve) => setTimeout(resolve, 50)); // the observer is told after the fact
observer.disconnect();
const interrupted = (call: { start: number; end: number }) => collections.some((c) => c.start < call.end && c.end > call.start);
const uninterrupted = calls.filter((c) => !interrupted(c)).map((c) => c.end - c.start);
timings.sort((a, b) => a - b);
uninterrupted.sort((a, b) => a - b);
const percentileOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const percentile = (p: number) => percentileOf(timings, p);
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The safety test sets: per category recall and detection, false alarms, who is at risk. */
interface SafetyLabelled {
  q: string;
  category: string | null;
  atRisk: string | null;
}
function safetySet(files: string[]) {
  const file = files.join('+');
  const items: SafetyLabelled[] = files.flatMap((f) =>
    readFileSync(path.join(projectRoot, 'test/fixtures/safety', f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as SafetyLabelled),
  );
  const perCategory: Record<string, { messages: number; recall: number; detected: number }> = {};
  let whoRight = 0;
  let detected = 0;
  let falseAlarms = 0;
  for (const item of items) {
    // What the person gets: the safety reply, unless the message surely asks what a FAQ entry not about danger answers.
    const reading = readMessage(faq, item.q);
    const signal = reading.kind === 'safety' ? reading.signal : null;
    if (item.category === null) {
      if (signal) {
        falseAlarms++;
        process.stderr.write(`${file}: false alarm (${signal.category}): "${item.q}"\n`);
      }
      continue;
    }
    const c = (perCategory[item.category] ??= { messages: 0, recall: 0, detected: 0 });
    c.messages++;
    if (signal) {
      c.detected++;
      detected++;
      if (signal.atRisk === item.atRisk) whoRight++;
    }
    if (signal?.category === item.category) c.recall++;
    else process.stderr.write(`${file}: safety ${signal ? `read as ${signal.category}` : 'MISSED'} (${item.category}): "${item.q}"\n`);
  }
  for (const c of Object.values(perCategory)) {
    c.recall = round3(c.recall / c.messages);
    c.detected = round3(c.detected / c.messages);
  }
  const lookalikes = items.filter((i) => i.category === null).length;
  return {
    messages: items.length - lookalikes,
    lookalikes,
    perCategory,
    falseAlarmRate: round3(falseAlarms / lookalikes),
    atRiskRight: round3(whoRight / Math.max(1, detected)),
  };
}
const safetyFiles = ['messages.jsonl', 'heldout.jsonl', 'heldout-2.jsonl', 'review.jsonl', 'review-2.jsonl'];
// The targets hold on all of them together; each is also reported on its own (misses on stderr once, from the whole).
const safetyAll = safetySet(safetyFiles);
const quiet = process.stderr.write.bind(process.stderr);
process.stderr.write = () => true;
const safetyEach = Object.fromEntries(safetyFiles.map((f) => [f.replace('.jsonl', ''), safetySet([f])]));
process.stderr.write = quiet;
const minRecall = (category?: string) => Math.min(...Object.entries(safetyAll.perCategory).filter(([c]) => !category || c === category).map(([, v]) => v.recall));

const result = {
  bench: 'faq',
  entries: knowledge.entries.length,
  questions: { faq: count('faq').length, offtopic: count('offtopic').length, safety: count('safety').length, lookalike: count('lookalike').length },
  accuracy: round3(correct / count('faq').length),
  offtopicUnanswered: round3(offtopicUnanswered / count('offtopic').length),
  safetyRecall: round3(safetyCaught / count('safety').length),
  falseAlarms,
  safety: { all: safetyAll, ...safetyEach },
  threshold: faq.matcher.threshold,
  latencyEntries: loaded,
  p50ms: round3(percentile(50)),
  p99ms: round3(percentile(99)),
  /** Readings a garbage collection interrupted, and the p99 of the others: what the p99 is made of. */
  gcInterruptedShare: round3(1 - uninterrupted.length / calls.length),
  p99msWithoutGc: round3(percentileOf(uninterrupted, 99)),
  targets: { accuracy: 0.9, offtopicUnanswered: 0.9, safetyRecall: 1, falseAlarms: 0, categoryRecall: 0.95, selfHarmRecall: 1, falseAlarmRate: 0.03, p99ms: 2 },
};
const met =
  result.accuracy >= 0.9 &&
  result.offtopicUnanswered >= 0.9 &&
  result.safetyRecall === 1 &&
  result.falseAlarms === 0 &&
  minRecall() >= 0.95 &&
  minRecall('self-harm') === 1 &&
  safetyAll.falseAlarmRate <= 0.03 &&
  result.p99ms <= 2; // issue 17: 2 ms with 500 entries (it was 5)
console.log(JSON.stringify({ ...result, met }));
