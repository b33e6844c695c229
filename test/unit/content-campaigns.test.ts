/** The shipped campaign messages and calendar, and what the Women's Union sees when a file is wrong. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarOccurrences } from '../../src/content/calendar.ts';
import { campaignTextLimit, loadCampaigns } from '../../src/content/campaigns.ts';
import { validateContent } from '../../src/cli/validate-content.ts';
import { ContentError } from '../../src/content/yaml.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

/** A copy of the shipped content with `files` written over it. */
function contentWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'loaban-campaigns-'));
  cpSync(defaultContentDir, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** The problems loadCampaigns throws, as "campaigns/x.md:7: message" relative to `dir`. */
function problemsOf(dir: string): string[] {
  try {
    loadCampaigns(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ContentError);
    return (error as ContentError).problems.map((p) => `${path.relative(dir, p.file)}:${p.line}: ${p.message}`);
  }
  throw new Error('no problem found');
}

const message = (id: string, frontMatter: string[], body: string[]) => ['---', `id: ${id}`, ...frontMatter, '---', ...body, ''].join('\n');
const shipped = (id: string) => readFileSync(path.join(defaultContentDir, 'campaigns', `${id}.md`), 'utf8');

describe('the shipped campaign library', () => {
  const library = loadCampaigns(defaultContentDir);

  it('has at least 12 messages, each with a Vietnamese text, a topic and a source', () => {
    expect(library.messages.size).toBeGreaterThanOrEqual(12);
    for (const m of library.messages.values()) {
      expect(m.variants.vi, m.id).toBeTruthy();
      expect(m.topics.length, m.id).toBeGreaterThan(0);
      expect(m.source, m.id).not.toBe('');
      expect(m.hash, m.id).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('sends the five Action Month messages weekly from 15/11, in order', () => {
    const actionMonth = library.calendar.find((e) => e.id === 'action-month')!;
    expect(actionMonth.occurrences(2026)).toEqual([
      { month: 11, day: 15, messageId: 'action-month-opening' },
      { month: 11, day: 22, messageId: 'action-month-forms-of-violence' },
      { month: 11, day: 29, messageId: 'action-month-neighbours-help' },
      { month: 12, day: 6, messageId: 'action-month-safe-village' },
      { month: 12, day: 13, messageId: 'action-month-men-change' },
    ]);
  });

  it('has 8/3, 28/6 and 20/10, each naming a message that exists', () => {
    const days = library.calendar.flatMap((e) => e.occurrences(2026));
    for (const [month, day] of [[3, 8], [6, 28], [10, 20]]) {
      const on = days.filter((o) => o.month === month && o.day === day);
      expect(on.length, `${day}/${month}`).toBe(1);
      expect(library.messages.has(on[0]!.messageId)).toBe(true);
    }
  });

  it('is what `content validate` counts, with no problem anywhere in content/', () => {
    const { problems, summary } = validateContent(defaultContentDir);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ campaigns: library.messages.size, languages: ['vi'], calendarEvents: library.calendar.length });
    expect(summary.faqEntries).toBeGreaterThan(40);
  });
});

describe('calendar dates', () => {
  it('a range over the new year gives its December dates to one year and its January dates to the next', () => {
    const event = { when: { from: '12-20', to: '01-10', everyDays: 7 }, messages: ['a', 'b', 'c', 'd'] };
    expect(calendarOccurrences(event, 2026)).toEqual([
      { month: 1, day: 3, messageId: 'c' },
      { month: 1, day: 10, messageId: 'd' },
      { month: 12, day: 20, messageId: 'a' },
      { month: 12, day: 27, messageId: 'b' },
    ]);
  });

  it('a range over the end of February follows the real calendar in leap years', () => {
    const event = { when: { from: '02-22', to: '03-08', everyDays: 7 }, messages: ['a', 'b', 'c'] };
    expect(calendarOccurrences(event, 2027).map((o) => `${o.month}-${o.day}`)).toEqual(['2-22', '3-1', '3-8']);
    expect(calendarOccurrences(event, 2028).map((o) => `${o.month}-${o.day}`)).toEqual(['2-22', '2-29', '3-7']);
  });
});

describe('a campaign mistake is named with its file and line, all of them at once', () => {
  it('reports every kind of mistake across the messages and the calendar in one error', () => {
    const dir = contentWith({
      'campaigns/zz-empty.md': message('zz-empty', ['title: Empty', 'topics: [gender-roles]', 'languages: [vi]', 'source: test'], []),
      'campaigns/zz-unknown.md': message('zz-unknown', ['title: Unknown key', 'author: Someone', 'topics: [gender-roles]', 'languages: [vi]', 'source: test'], ['Text.']),
      'campaigns/zz-bad-id.md': message('zz-other', ['title: Bad id', 'topics: [gender-roles]', 'languages: [vi]', 'source: test'], ['Text.']),
      'campaigns/zz-copy.md': shipped('womens-day-8-3'),
      'campaigns/zz-lang.md': message('zz-lang', ['title: Languages', 'topics: [gender-roles]', 'languages: [vi, hmn]', 'source: test'], ['Text.']),
      'campaigns/womens-day-8-3.tay.md': message('womens-day-8-3', ['source: test translation'], ['Tay text.']),
      'campaigns/zz-none.hmn.md': message('zz-none', ['source: test translation'], ['Hmong text.']),
      'campaigns/zz-date.md': message('zz-date', ['title: Dates', 'topics: [no-such-topic]', 'languages: [vi]', 'suggestedDates: ["03-08", "02-30"]', 'source: test'], ['Text.']),
      'campaigns/zz-long.md': message('zz-long', ['title: Long', 'topics: [gender-roles]', 'languages: [vi]', 'source: test'], [
        'A first paragraph that is fine.',
        '',
        'A paragraph whose second line cannot be cut:',
        'x'.repeat(2500),
      ]),
      'calendar/calendar.yaml': [
        'events:',
        '  - id: one',
        '    title: One',
        '    date: "03-08"',
        '    messages: [no-such-message]',
        '    source: test',
        '  - id: weekly',
        '    title: Weekly',
        '    from: "11-15"',
        '    to: "12-15"',
        '    everyDays: 7',
        '    messages:',
        '      - action-month-opening',
        '      - action-month-forms-of-violence',
        '      - action-month-neighbours-help',
        '      - action-month-safe-village',
        '    source: test',
        '  - id: bad-day',
        '    title: Bad day',
        '    date: "3-8"',
        '    messages: [womens-day-8-3]',
        '    source: test',
        '  - id: one',
        '    title: Two on one day',
        '    date: "06-28"',
        '    messages: [womens-day-8-3, zz-empty]',
        '    source: test',
        '',
      ].join('\n'),
    });
    expect(problemsOf(dir).sort()).toEqual(
      [
        'calendar/calendar.yaml:5: events.0.messages.0: "no-such-message" is not a message: there is no content/campaigns/no-such-message.md',
        'calendar/calendar.yaml:13: events.1.messages: 5 dates between 11-15 and 12-15 every 7 days but 4 messages',
        'calendar/calendar.yaml:20: events.2.date: "3-8": write a day as "MM-DD" in quotes, e.g. "03-08" for 8 March',
        'calendar/calendar.yaml:23: events.3.id: "one" is already the id of another event',
        'calendar/calendar.yaml:26: events.3.messages: an event on one date sends one message, not 2: use from, to and everyDays to send several',
        'campaigns/womens-day-8-3.md:5: languages: tay must be listed: womens-day-8-3.tay.md is its translation',
        'campaigns/zz-bad-id.md:2: id: "zz-other" must be the file name, "zz-bad-id" (or rename the file zz-other.md)',
        'campaigns/zz-copy.md:2: id: "womens-day-8-3" is already the id of womens-day-8-3.md; this file\'s id must be its name, "zz-copy"',
        'campaigns/zz-date.md:4: topics.0: "no-such-topic" is not a topic of topics.yaml',
        'campaigns/zz-date.md:6: suggestedDates.1: "02-30" is not a day of the year',
        'campaigns/zz-empty.md:7: the message text is missing: write it below this "---" line',
        `campaigns/zz-lang.md:5: languages.1: hmn is listed but there is no zz-lang.hmn.md`,
        `campaigns/zz-long.md:10: this paragraph cannot be cut into chat messages of at most ${campaignTextLimit} characters: it has 2500 characters without a space or line break`,
        'campaigns/zz-none.hmn.md:1: a translation of "zz-none", but there is no zz-none.md',
        'campaigns/zz-unknown.md:4: unknown key "author"',
      ].sort(),
    );
  });

  it('front matter that is not opened or not closed, a translation with the wrong id, 02-29, a range that is one date longer in leap years', () => {
    const dir = contentWith({
      'campaigns/zz-no-front.md': 'Just text.\n',
      'campaigns/zz-open.md': '---\nid: zz-open\ntitle: Open\n\nText.\n',
      'campaigns/womens-day-8-3.hmn.md': message('womens-day-8-3-hmn', ['source: test'], ['Hmong text.']),
      'campaigns/womens-day-8-3.md': shipped('womens-day-8-3').replace('languages: [vi]', 'languages: [vi, hmn]').replace('"03-08"', '"02-29"'),
      'campaigns/zz-name.vi.md': message('zz-name', ['source: test'], ['Text.']),
      'calendar/calendar.yaml': [
        'events:',
        '  - id: february',
        '    title: February',
        '    from: "02-01"',
        '    to: "03-07"',
        '    everyDays: 7',
        '    messages: [womens-day-8-3, gender-stereotypes, child-marriage-harm, savings-loans-group, women-leadership-voice]',
        '    source: test',
        '  - id: never-ending',
        '    title: Every 0 days',
        '    from: "03-01"',
        '    to: "03-08"',
        '    everyDays: 0',
        '    messages: [womens-day-8-3]',
        '    source: test',
        '  - id: both',
        '    title: Both',
        '    date: "03-08"',
        '    from: "03-01"',
        '    messages: [womens-day-8-3]',
        '    source: test',
        '',
      ].join('\n'),
    });
    expect(problemsOf(dir).sort()).toEqual(
      [
        'calendar/calendar.yaml:7: events.0.messages: in leap years 6 dates between 02-01 and 03-07 every 7 days but 5 messages',
        'calendar/calendar.yaml:13: events.1.everyDays: Too small: expected number to be >=1',
        'calendar/calendar.yaml:18: events.2.date: give either date, or from, to and everyDays — not both',
        'campaigns/womens-day-8-3.hmn.md:2: id: "womens-day-8-3-hmn" must be "womens-day-8-3", the id of the message this file translates',
        'campaigns/womens-day-8-3.md:7: suggestedDates.0: "02-29" exists only in leap years: choose "02-28" or "03-01"',
        'campaigns/zz-name.vi.md:1: the Vietnamese text is zz-name.md itself: remove or rename zz-name.vi.md',
        'campaigns/zz-no-front.md:1: a message file starts with a line "---", then the front matter (id, title …), then "---" and the text',
        'campaigns/zz-open.md:1: the front matter opened here is not closed: add a line "---" between it and the text',
      ].sort(),
    );
  });
});

describe('translations and images', () => {
  it('a translation file adds its language to the message, and changes its hash', () => {
    const before = loadCampaigns(defaultContentDir).messages.get('womens-day-8-3')!;
    const dir = contentWith({
      'campaigns/womens-day-8-3.md': shipped('womens-day-8-3').replace('languages: [vi]', 'languages: [vi, hmn]'),
      'campaigns/womens-day-8-3.hmn.md': message('womens-day-8-3', ['source: Hội LHPN tỉnh dịch, 2026'], ['Hnub 8/3 ...', '', 'Ua tsaug.']),
    });
    const after = loadCampaigns(dir).messages.get('womens-day-8-3')!;
    expect(after.variants).toEqual({ vi: before.variants.vi, hmn: 'Hnub 8/3 ...\n\nUa tsaug.' });
    expect(after.hash).not.toBe(before.hash);
    expect(validateContent(dir).summary.languages).toEqual(['vi', 'hmn']);
  });

  it('an image is a file under content/campaigns/ or an https address', () => {
    const withImage = (id: string, image: string) => message(id, ['title: Image', 'topics: [gender-roles]', 'languages: [vi]', `image: ${image}`, 'source: test'], ['Text.']);
    const dir = contentWith({
      'campaigns/images/8-3.jpg': 'jpeg',
      'campaigns/zz-file.md': withImage('zz-file', 'images/8-3.jpg'),
      'campaigns/zz-web.md': withImage('zz-web', 'https://example.org/8-3.jpg'),
      'campaigns/zz-missing.md': withImage('zz-missing', 'images/missing.jpg'),
      'campaigns/zz-outside.md': withImage('zz-outside', '../demo.yaml'),
      'campaigns/zz-http.md': withImage('zz-http', 'http://example.org/8-3.jpg'),
    });
    expect(problemsOf(dir).sort()).toEqual([
      'campaigns/zz-http.md:6: image: "http://example.org/8-3.jpg": an image address must start with https://',
      'campaigns/zz-missing.md:6: image: "images/missing.jpg": there is no such file in content/campaigns/',
      'campaigns/zz-outside.md:6: image: "../demo.yaml": an image is a file inside content/campaigns/ (e.g. images/8-3.jpg) or an https:// address',
    ]);
    rmSync(path.join(dir, 'campaigns', 'zz-http.md'));
    rmSync(path.join(dir, 'campaigns', 'zz-missing.md'));
    rmSync(path.join(dir, 'campaigns', 'zz-outside.md'));
    const { messages } = loadCampaigns(dir);
    expect(messages.get('zz-file')!.image).toBe('images/8-3.jpg');
    expect(messages.get('zz-web')!.image).toBe('https://example.org/8-3.jpg');
  });
});
