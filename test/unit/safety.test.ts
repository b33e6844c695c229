/**
 * What Loa Bản reads as a sign of danger, of which kind, and who is at risk — as villagers write
 * it — and what the Women's Union sees when a safety content file is wrong.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ContentError } from '../../src/content/yaml.ts';
import { createFaq, readMessage } from '../../src/features/faq/faq.ts';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';
import { safetyDetector } from '../../src/features/faq/safety.ts';
import { compilePattern, normalizePattern, PatternError, patternWords } from '../../src/features/faq/safety-patterns.ts';
import { foldText, stripMarks } from '../../src/core/text/fold.ts';
import { defaultContentDir, projectRoot } from '../../src/core/paths.ts';

const knowledge = loadKnowledge(defaultContentDir);
const detect = knowledge.safety.detect;
const faq = createFaq(knowledge);
/** What the person gets: the safety reply's signal, or null when answered otherwise. */
const replied = (message: string) => {
  const reading = readMessage(faq, message);
  return reading.kind === 'safety' ? reading.signal : null;
};

describe('the messages the issue found unanswered get the reply of their kind', () => {
  it.each([
    ['bố dượng hiếp em', 'sexual', 'self'],
    ['chồng đấm vào mặt em', 'violence', 'self'],
    ['ck tat e', 'violence', 'self'],
    ['anh ta đập đầu em vào tường', 'violence', 'self'],
    ['e ko muốn sống nữa', 'self-harm', 'self'],
    ['em uống thuốc chuột rồi', 'self-harm', 'self'],
    ['chị ấy định ăn lá ngón', 'self-harm', 'other'],
    ['nó không cho em ăn, bỏ đói mẹ con em', 'economic', 'self'],
    ['bố mẹ ép em lấy chồng mà em mới 14 tuổi', 'marriage', 'child'],
    ['con bé 13 tuổi có bầu với ông hàng xóm', 'sexual', 'child'],
    ['con bé bị ông hàng xóm dâm ô', 'sexual', 'child'],
    ['hàng xóm em bị chồng đánh', 'violence', 'other'],
  ])('"%s" → %s, %s at risk', (message, category, atRisk) => {
    expect(detect(message)).toMatchObject({ category, atRisk });
  });

  it('a girl who says she is under 18 is answered as the child at risk herself', () => {
    expect(detect('bố mẹ ép em lấy chồng mà em mới 14 tuổi')).toEqual({ category: 'marriage', atRisk: 'child', writerIsChild: true });
    expect(detect('con bé 13 tuổi có bầu với ông hàng xóm')?.writerIsChild).toBeUndefined();
  });

  it.each([
    'đánh bài có bị bắt không',
    'vui muốn chết luôn',
    'con chó nhà em bị đánh bả',
    'bạo lực gia đình là gì',
    'lấy chồng người Trung Quốc có phải đăng ký không',
    'đánh răng mấy lần một ngày',
    'chiều nay đánh giá buổi sinh hoạt',
    'tối nay đá bóng không',
    'mua thuốc chuột ở đâu, chuột phá hết ngô',
    'chồng đánh vợ thì bị phạt thế nào theo luật',
    'lấy chồng lúc 15 tuổi có tác hại gì',
  ])('a look-alike gets no safety reply: "%s"', (message) => {
    expect(detect(message)).toBeNull();
  });
});

describe('how people really write it', () => {
  it('with or without tone marks, in chat spelling, in capitals, with letters repeated', () => {
    for (const message of ['chồng em đang đánh em', 'chong em dang danh em', 'ck e dang danh e', 'CHỒNG EM ĐANG ĐÁNH EM', 'ck e danhhhh e']) {
      expect(detect(message), message).toEqual({ category: 'violence', atRisk: 'self' });
    }
    expect(detect('cứuuuu e voiiii')).toEqual({ category: 'danger', atRisk: 'self' });
  });

  it('a word typed with its marks is told from its look-alike: "đá" (kick) is not "đã" (already)', () => {
    expect(detect('ck đá em')?.category).toBe('violence');
    expect(detect('ck da em')?.category).toBe('violence');
    expect(detect('chồng đã đi làm, em ở nhà một mình')).toBeNull();
  });

  it('a message of several kinds gets the most urgent: self-harm before violence before confinement', () => {
    expect(detect('chồng đánh em rồi nhốt em trong buồng')?.category).toBe('violence');
    expect(detect('nó đánh em suốt, em không muốn sống nữa')?.category).toBe('self-harm');
  });

  it('who is at risk: the writer, her child, someone else', () => {
    expect(detect('chồng đánh em')?.atRisk).toBe('self');
    expect(detect('chồng em đánh con gái em chảy máu')?.atRisk).toBe('child');
    expect(detect('chị gái em bị anh rể đánh')?.atRisk).toBe('other');
    expect(detect('vợ tôi bị đánh chảy máu đầu')?.atRisk).toBe('other');
    // A girl who says her age is a child at risk herself.
    expect(detect('bố mẹ bắt em cưới, em mới 15')?.atRisk).toBe('child');
  });

  it('anywhere in a long message, and never a crash on what phones send', () => {
    expect(detect(`${'hôm nay trời đẹp. '.repeat(230)}chồng em đánh em`)?.category).toBe('violence');
    for (const message of ['', ' ', '😀🙏', '\u0000\u0007', 'Привет 你好', '\u202Echồng đánh em', 'a'.repeat(4000), 'ú'.repeat(4000), '1'.repeat(4000)]) {
      expect(() => detect(message), JSON.stringify(message.slice(0, 20))).not.toThrow();
    }
    expect(detect('\u202Echồng\u200B đánh em')?.category).toBe('violence');
  });

  it('reads a 4,000-character message quickly', () => {
    const long = `${'em đi chợ mua rau về nấu cơm cho cả nhà ăn. '.repeat(90)}`.slice(0, 4000);
    const started = performance.now();
    for (let i = 0; i < 10; i++) detect(long);
    // Generous: a message is read in a few milliseconds; this only catches runaway patterns.
    expect((performance.now() - started) / 10).toBeLessThan(200);
  });
});

/** The labelled messages of test/fixtures/safety/ `files`. */
const safetySets = (files: string[]) =>
  files.flatMap((file) =>
    readFileSync(path.join(projectRoot, 'test/fixtures/safety', file), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { q: string; category: string | null; atRisk: string | null }),
  );

describe('the test set of villagers\' messages gets the safety reply of its kind (npm run bench:faq reports the same)', () => {
  const sets = safetySets(['messages.jsonl', 'heldout.jsonl', 'heldout-2.jsonl', 'review.jsonl', 'review-2.jsonl']);
  const categories = [...new Set(sets.map((m) => m.category).filter((c): c is string => c !== null))];

  it('has at least 15 messages of each kind and 60 look-alikes', () => {
    expect(categories.sort()).toEqual(['confinement', 'danger', 'economic', 'marriage', 'self-harm', 'sexual', 'threat', 'trafficking', 'violence']);
    for (const category of categories) expect(sets.filter((m) => m.category === category).length, category).toBeGreaterThanOrEqual(15);
    expect(sets.filter((m) => m.category === null).length).toBeGreaterThanOrEqual(60);
  });

  it.each(categories)('recall of %s is at least 0.95 (self-harm: all)', (category) => {
    const of = sets.filter((m) => m.category === category);
    const missed = of.filter((m) => replied(m.q)?.category !== category).map((m) => m.q);
    const recall = (of.length - missed.length) / of.length;
    expect(recall, missed.join('\n')).toBeGreaterThanOrEqual(category === 'self-harm' ? 1 : 0.95);
  });

  it('false alarms on look-alikes stay at or under 3%', () => {
    const lookalikes = sets.filter((m) => m.category === null);
    const alarms = lookalikes.filter((m) => replied(m.q) !== null).map((m) => m.q);
    expect(alarms.length / lookalikes.length, alarms.join('\n')).toBeLessThanOrEqual(0.03);
  });
});

describe('patterns', () => {
  const numbers = knowledge.spelling.numbers;
  const finds = (pattern: string, message: string) => compilePattern(normalizePattern(pattern), numbers).test(` ${message} `);

  it('gaps, choices (nested, optional) and ages', () => {
    expect(finds('ep * quan he', 'ep con gai toi quan he')).toBe(true);
    expect(finds('ep * quan he', 'ep cho xong roi moi di quan he')).toBe(false);
    expect(finds('(chồng|ck) (đánh|đấm (vào|) mặt)', 'chồng đấm mặt')).toBe(true);
    expect(finds('{n<18} tuoi', 'mười bốn tuổi')).toBe(true);
    expect(finds('{n<18} tuoi', '19 tuổi')).toBe(false);
    expect(finds('{d<18}t', '15t')).toBe(true);
    expect(finds('{d<18}t', 'bat')).toBe(false);
  });

  /** Every pattern of content/safety/, normalized. */
  const shippedPatterns = () =>
    readdirSync(path.join(defaultContentDir, 'safety')).flatMap((file) => {
      const data = parse(readFileSync(path.join(defaultContentDir, 'safety', file), 'utf8')) as { signals?: Array<string | string[]>; lookalikes?: string[]; questions?: string[]; atRisk?: Record<string, string[]> };
      return [...(data.signals ?? []).flat(), ...(data.lookalikes ?? []), ...(data.questions ?? []), ...Object.values(data.atRisk ?? {}).flat()].map(normalizePattern);
    });
  /** The test sets' messages as the patterns see them: lower case, words between spaces. */
  const paddedMessages = (files: string[]) => safetySets(files).map(({ q }) => ` ${q.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `);

  it('a pattern that is only tested finds the messages it finds when it is cut out', () => {
    // Tested patterns start with the space before them, cut ones look behind for it (compilePattern).
    const patterns = shippedPatterns();
    const messages = paddedMessages(['messages.jsonl', 'heldout.jsonl', 'review.jsonl']);
    expect(patterns.length).toBeGreaterThan(300);
    let found = 0;
    for (const pattern of patterns) {
      const tested = compilePattern(pattern, numbers);
      const cut = compilePattern(pattern, numbers, 'g');
      for (const message of messages) {
        cut.lastIndex = 0;
        const expected = cut.test(message);
        expect(tested.test(message), `${pattern} in "${message}"`).toBe(expected);
        if (expected) found++;
      }
    }
    expect(found).toBeGreaterThan(100);
  });

  it('the words a pattern names are those one of which every message it finds holds (the detector tries no other)', () => {
    const words = (pattern: string) => patternWords(normalizePattern(pattern), numbers);
    expect(words('ep * quan he')).toEqual(['ep']);
    expect(words('(chồng|ck) (đánh|đấm (vào|) mặt)')).toEqual(['chong', 'ck']);
    expect(words('* (đánh|đấm) {n<18} tuổi')).toEqual(['tuoi']);
    expect(words('(bị|) =tự tử')).toEqual(['tu']);
    expect(words('{n<18} (tuổi|t)')).toEqual(['tuoi', 't']);
    expect(words('{d<18}t')).toBeNull();
    expect(words('(bị|) * {n<18}')).toBeNull();
    expect(words('(đánh|*) em')).toEqual(['em']);
    expect(words('(đánh|* bé)')).toEqual(['danh', 'be']);
    expect(words('(đánh|*)')).toBeNull();

    // Over every shipped pattern and the test sets, typed with and without marks.
    const patterns = shippedPatterns();
    const typed = paddedMessages(['messages.jsonl', 'heldout.jsonl', 'heldout-2.jsonl', 'review.jsonl', 'review-2.jsonl']);
    const messages = [...typed, ...typed.map(stripMarks)];
    let found = 0;
    let named = 0;
    for (const pattern of patterns) {
      const of = patternWords(pattern, numbers);
      if (of === null) continue;
      named++;
      const re = compilePattern(pattern, numbers);
      for (const message of messages) {
        if (!re.test(message)) continue;
        found++;
        const held = new Set(foldText(message).split(' '));
        expect(of.some((word) => held.has(word)), `${pattern} (${of.join(', ')}) in "${message}"`).toBe(true);
      }
    }
    expect(named / patterns.length).toBeGreaterThan(0.9);
    expect(found).toBeGreaterThan(300);
  });

  it('the detector reads every message of the test sets as it does trying every pattern', () => {
    const everyPattern = safetyDetector(knowledge.safety.patterns, knowledge.spelling, { everyPattern: true });
    const typed = safetySets(['messages.jsonl', 'heldout.jsonl', 'heldout-2.jsonl', 'review.jsonl', 'review-2.jsonl']).map(({ q }) => q);
    const questions = readFileSync(path.join(projectRoot, 'test/fixtures/faq/questions.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { q: string }).q);
    const messages = [...typed, ...typed.map(stripMarks), ...typed.map((q) => q.toUpperCase()), ...questions];
    let signals = 0;
    for (const message of messages) {
      const read = detect(message);
      expect(read, message).toEqual(everyPattern(message));
      if (read) signals++;
    }
    expect(signals).toBeGreaterThan(500);
  });

  it('a mistake is said plainly', () => {
    const error = (pattern: string) => {
      try {
        compilePattern(normalizePattern(pattern), numbers);
      } catch (e) {
        expect(e).toBeInstanceOf(PatternError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(error('(danh|dam')).toMatch(/"\(" without its "\)"/);
    expect(error('danh)')).toMatch(/"\)" without its "\("/);
    expect(error('(danh|)')).toMatch(/would match every message/);
    expect(error('{x<3}')).toMatch(/not a number pattern/);
  });
});

describe('a safety content mistake is named with its file and line', () => {
  it('a broken pattern, an example not recognised, a counter-example that alarms, a reply too long for one screen', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-safety-'));
    cpSync(defaultContentDir, dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'safety', 'zz-test.yaml'),
      [
        'urgency: 20',
        'signals:',
        '  - (bi lam sao',
        '  - xyz abc',
        'replies:',
        '  self:',
        `    vi: "${'x'.repeat(400)}"`,
        'examples:',
        '  - xyz abc',
        '  - không có gì',
        '  - xyz abc def',
        'counterExamples:',
        '  - chồng đánh em',
        '',
      ].join('\n'),
    );
    let message = '';
    try {
      loadKnowledge(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ContentError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/zz-test\.yaml:7: replies\.self\.vi: at most 340 characters/);
    // Fixed the reply, the patterns and examples are checked.
    writeFileSync(path.join(dir, 'safety', 'zz-test.yaml'), readFileSync(path.join(dir, 'safety', 'zz-test.yaml'), 'utf8').replace('x'.repeat(400), 'Gọi 113.'));
    try {
      loadKnowledge(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/zz-test\.yaml:3: "\(" without its "\)"/);
    writeFileSync(path.join(dir, 'safety', 'zz-test.yaml'), readFileSync(path.join(dir, 'safety', 'zz-test.yaml'), 'utf8').replace('(bi lam sao', 'bi lam sao'));
    try {
      loadKnowledge(dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/zz-test\.yaml:10: example "không có gì" is read as no danger, not "zz-test"/);
    expect(message).toMatch(/zz-test\.yaml:13: counter-example "chồng đánh em" is read as "violence"/);
  });
});
