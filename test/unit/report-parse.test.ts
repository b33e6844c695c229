/** How Loa Bản reads one answer of a session report: the date, a head count, the format, the topics. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../src/content/yaml.ts';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import { checkCounts, matchFormat, matchTopics, maxParticipants, openQuarters, parseCount, parseReportDate, readFormats, readReportContent, reportDateDaysBack } from '../../src/features/reporting/parse.ts';
import { dateProblem } from '../../src/features/reporting/wizard.ts';
import { translator } from '../../src/core/i18n.ts';
import { formatDate, type LocalDate } from '../../src/features/reporting/quarter.ts';

/** "20/05/2026" → a LocalDate. */
const d = (text: string): LocalDate => {
  const [day, month, year] = text.split('/').map(Number);
  return { year: year!, month: month!, day: day! };
};
/** What the leader is told about `text` sent on `today`: the date read, or the problem. */
const dateAnswer = (text: string, today: string, graceDays = 10) => {
  const result = parseReportDate(text, d(today), graceDays, words);
  return result.ok ? formatDate(result.date) : result.problem;
};
const countAnswer = (text: string) => {
  const result = parseCount(text, words);
  return result.ok ? result.value : result.problem;
};

const { formats, words } = readReportContent(defaultContentDir);
const topics = loadKnowledge(defaultContentDir).topics;

describe('the date a session was held', () => {
  const today = '20/05/2026'; // in Q2, long after the grace days for Q1

  it.each([
    ['12/5', '12/05/2026'],
    ['12/05', '12/05/2026'],
    ['12/05/2026', '12/05/2026'],
    ['12-5-2026', '12/05/2026'],
    ['12.5', '12/05/2026'],
    ['12.05.2026', '12/05/2026'],
    ['12/5/26', '12/05/2026'],
    ['12 / 5', '12/05/2026'],
    ['ngày 12/5', '12/05/2026'],
    ['Ngày: 12/5', '12/05/2026'],
    ['ngay 12/5', '12/05/2026'],
    [' 12/5 ', '12/05/2026'],
    ['12/5.', '12/05/2026'],
    ['hôm nay', '20/05/2026'],
    ['hom nay', '20/05/2026'],
    ['Hôm nay', '20/05/2026'],
    ['HÔM NAY', '20/05/2026'],
    ['hôm qua', '19/05/2026'],
    ['hom qua', '19/05/2026'],
    ['hôm kia', '18/05/2026'],
    ['ngày hôm qua', '19/05/2026'],
    ['01/04', '01/04/2026'],
    ['1/4/2026', '01/04/2026'],
    ['20/5', '20/05/2026'],
    ['hôm nay'.normalize('NFD'), '20/05/2026'],
  ])('a leader who sends "%s" held it on %s', (text, date) => {
    expect(dateAnswer(text, today)).toBe(date);
  });

  it.each(['31/02', '30/02/2026', '29/02/2026', '31/4', '31/04/2026', '12/13', '12/0', '0/5', '32/5', '00/00/2026', '99/99'])(
    'a leader who sends "%s" is told the day does not exist',
    (text) => {
      expect(dateAnswer(text, today)).toBe('invalid');
    },
  );

  it('knows 29 February only in leap years (2024 and 2000, not 2100 or 2026)', () => {
    expect(dateAnswer('29/02', '15/03/2024')).toBe('29/02/2024');
    expect(dateAnswer('29/02/2024', '15/03/2024')).toBe('29/02/2024');
    expect(dateAnswer('29/02', '15/03/2026')).toBe('invalid');
    expect(dateAnswer('29/02/2100', '15/03/2100')).toBe('invalid');
    expect(dateAnswer('29/02/2000', '15/03/2000')).toBe('29/02/2000');
    expect(dateAnswer('29/2/00', '15/03/2000')).toBe('29/02/2000');
  });

  it.each(['', '   ', 'abc', '😀', '12', '12/', '/5', '12/5/2026/1', '12/5/202', '12/5/20266', '2026-05-12', 'mai', 'hôm sau', '12 tháng 5', 'ngày', '1 2/5', '12//5', "12/5'; DROP TABLE reports;--", 'constructor', '__proto__', 'toString'])(
    'a leader who sends "%s" is told it is not a date',
    (text) => {
      expect(dateAnswer(text, today)).toBe('format');
    },
  );

  it.each(['21/5', '21/05/2026', '30/6', '12/5/2027', '01/01/2030'])('a leader who sends "%s" is told the day has not come yet', (text) => {
    expect(dateAnswer(text, today)).toBe('future');
  });

  it('reads a date without a year as last year\'s when this year\'s is still to come and last year\'s can be reported', () => {
    expect(dateAnswer('28/12', '05/01/2027')).toBe('28/12/2026');
    expect(dateAnswer('28/12/2026', '05/01/2027')).toBe('28/12/2026');
    expect(dateAnswer('28/12/2027', '05/01/2027')).toBe('future');
    // After the grace days, last December cannot be reported: the typo is more likely.
    expect(dateAnswer('28/12', '25/01/2027')).toBe('future');
  });

  it.each(['31/03', '01/01', '12/5/2025', '31/12/2025', '01/01/2000', '12/5/1999'])('a leader who sends "%s" in Q2 after the grace days is told it is too old', (text) => {
    expect(dateAnswer(text, today)).toBe('tooOld');
  });

  describe('the grace days after a quarter ends', () => {
    it.each([
      // today, graceDays, sent, answer
      ['01/04/2026', 10, '31/03', '31/03/2026'], // day 1 of Q2
      ['10/04/2026', 10, '31/03', '31/03/2026'], // day 10 = graceDays: still in grace
      ['10/04/2026', 10, '01/01', '01/01/2026'], // the whole previous quarter
      ['11/04/2026', 10, '31/03', 'tooOld'], // day 11 = graceDays + 1
      ['11/04/2026', 10, '01/04', '01/04/2026'], // this quarter is always fine
      ['10/04/2026', 10, '31/12/2025', 'tooOld'], // two quarters back, even in grace
      ['01/04/2026', 0, '31/03', 'tooOld'], // no grace
      ['01/04/2026', 1, '31/03', '31/03/2026'],
      ['02/04/2026', 1, '31/03', 'tooOld'],
      ['01/04/2026', 10, 'hôm qua', '31/03/2026'],
      ['01/04/2026', 0, 'hôm qua', 'tooOld'],
      ['10/01/2027', 10, '31/12/2026', '31/12/2026'], // across the new year
      ['10/01/2027', 10, '01/10/2026', '01/10/2026'],
      ['11/01/2027', 10, '31/12/2026', 'tooOld'],
      ['10/01/2027', 10, '30/09/2026', 'tooOld'],
      ['07/07/2026', 7, '30/06', '30/06/2026'],
      ['08/07/2026', 7, '30/06', 'tooOld'],
      ['10/10/2026', 10, '30/09', '30/09/2026'],
      ['11/10/2026', 10, '30/09', 'tooOld'],
    ])('on %s with %i grace days, "%s" is %s', (today, grace, text, answer) => {
      expect(dateAnswer(text, today, grace)).toBe(answer);
    });
  });

  it('the "Hôm nay" and "Hôm qua" buttons give what typing those words gives, without passing words around', () => {
    for (const [today, grace] of [['01/04/2026', 10], ['01/04/2026', 0], ['20/05/2026', 10]] as const) {
      const [day, month, year] = today.split('/').map(Number) as [number, number, number];
      const on = { year, month, day };
      expect(reportDateDaysBack(1, on, grace), today).toEqual(parseReportDate('hôm qua', on, grace, words));
      expect(reportDateDaysBack(0, on, grace), today).toEqual(parseReportDate('hôm nay', on, grace, words));
    }
  });
});

describe('a head count', () => {
  it.each([
    ['45', 45],
    [' 45 ', 45],
    [' 45 người ', 45],
    ['45 nguoi', 45],
    ['45người', 45],
    ['45 ng', 45],
    ['45.', 45],
    ['0', 0],
    ['007', 7],
    ['1.200', 1200],
    ['1,200', 1200],
    ['10.000', 10_000],
    ['10000', 10_000],
  ])('"%s" is %i people', (text, value) => {
    expect(countAnswer(text)).toBe(value);
  });

  it.each([
    ['không', 0],
    ['một', 1],
    ['hai', 2],
    ['ba', 3],
    ['bốn', 4],
    ['năm', 5],
    ['sáu', 6],
    ['bảy', 7],
    ['tám', 8],
    ['chín', 9],
    ['mười', 10],
    ['mười một', 11],
    ['mười lăm', 15],
    ['mười năm', 15],
    ['hai mươi', 20],
    ['hai mươi mốt', 21],
    ['hai mốt', 21],
    ['hai mươi tư', 24],
    ['hai tư', 24],
    ['ba lăm', 35],
    ['bốn mươi lăm', 45],
    ['bon muoi lam', 45],
    ['Bốn Mươi Lăm người', 45],
    ['bốn nhăm', 45],
    ['chín mươi chín', 99],
    ['trăm', 100],
    ['một trăm', 100],
    ['một trăm linh một', 101],
    ['một trăm linh năm', 105],
    ['mot tram linh nam', 105],
    ['một trăm lẻ năm', 105],
    ['một trăm linh tư', 104],
    ['một trăm mười', 110],
    ['một trăm hai mươi', 120],
    ['một trăm hai', 120],
    ['một trăm rưỡi', 150],
    ['hai trăm ba mươi mốt', 231],
    ['ba trăm', 300],
    ['nghìn', 1000],
    ['ngàn', 1000],
    ['một nghìn', 1000],
    ['một ngàn', 1000],
    ['một nghìn rưỡi', 1500],
    ['một nghìn hai trăm', 1200],
    ['một nghìn không trăm linh năm', 1005],
    ['một nghìn linh năm', 1005],
    ['hai nghìn ba', 2300],
    ['chín nghìn chín trăm chín mươi chín', 9999],
    ['mười nghìn', 10_000],
    ['mười ngàn', 10_000],
  ])('"%s" in words is %i', (text, value) => {
    expect(countAnswer(text)).toBe(value);
  });

  it.each(['-3', '-3 người', '- 3', '\u22123', '-45', '-1.200', '-bốn'])('"%s" is told a count cannot be negative', (text) => {
    expect(countAnswer(text)).toBe('negative');
  });

  it.each(['10001', '10.001', '20000 người', '99999999999999999999', 'mười một nghìn', 'hai mươi nghìn', 'một trăm nghìn', 'một trăm hai nghìn'])(
    '"%s" is told it is more people than one session can hold',
    (text) => {
      expect(maxParticipants).toBe(10_000);
      expect(countAnswer(text)).toBe('tooLarge');
    },
  );

  it.each(['abc', '😀', '', '   ', 'người', '4 5', '1.5', '12,5', '1.20', '1,2000', '1.200,5', '45abc', 'khoảng 45', 'bốn mươi lăm abc', 'mươi mươi', 'một mươi', 'lăm', 'tư', 'trăm trăm', 'nghìn nghìn', 'một hai ba', 'linh năm', 'hai mươi mươi', '<b>45</b>', '45; DROP TABLE', 'NaN', 'Infinity', '1e3', '0x10', 'constructor', '__proto__', 'toString', 'hai constructor'])(
    '"%s" is told it is not a number',
    (text) => {
      expect(countAnswer(text)).toBe('notNumber');
    },
  );
});

describe('counts that must fit together', () => {
  it.each([
    [45, 30, 40, null],
    [45, 45, 45, null],
    [45, 0, 0, null],
    [0, 0, 0, null],
    [45, 46, 0, 'womenAboveTotal'],
    [45, 0, 46, 'minorityAboveTotal'],
    [45, 50, 50, 'womenAboveTotal'],
  ])('%i people of whom %i women and %i from ethnic minorities: %s', (total, women, minority, problem) => {
    expect(checkCounts(total, women, minority)).toBe(problem);
  });
});

describe('the session format', () => {
  it('offers the formats of content/reports.yaml, in order', () => {
    expect(formats.map((f) => f.id)).toEqual(['staged', 'direct', 'festival', 'village-meeting', 'other']);
    expect(formats.every((f) => f.label && f.aliases.length > 0)).toBe(true);
  });

  it.each([
    ['sân khấu hóa', 'staged'],
    ['San khau hoa', 'staged'],
    ['SÂN KHẤU', 'staged'],
    ['tiểu phẩm', 'staged'],
    ['kịch', 'staged'],
    ['diễn kịch về tảo hôn', 'staged'],
    ['truyền thông trực tiếp', 'direct'],
    ['trực tiếp', 'direct'],
    ['truc tiep', 'direct'],
    ['nói chuyện', 'direct'],
    ['lễ hội', 'festival'],
    ['phiên chợ', 'festival'],
    ['cho phien', 'festival'],
    ['hội chợ', 'festival'],
    ['Lễ hội / phiên chợ', 'festival'],
    ['họp thôn', 'village-meeting'],
    ['hop thon', 'village-meeting'],
    ['họp bản', 'village-meeting'],
    ['lồng ghép', 'village-meeting'],
    ['sinh hoạt thôn', 'village-meeting'],
    ['Lồng ghép họp thôn/bản', 'village-meeting'],
    ['buổi họp thôn tháng 3', 'village-meeting'],
    ['khác', 'other'],
    ['1', 'staged'],
    ['2', 'direct'],
    [' 3. ', 'festival'],
    ['4', 'village-meeting'],
    ['5', 'other'],
    ['họp thôn'.normalize('NFD'), 'village-meeting'],
  ])('"%s" is the format %s', (text, id) => {
    expect(matchFormat(text, formats)?.id).toBe(id);
  });

  it.each(['', '😀', 'abc', '0', '6', '12', 'họp', 'thôn', 'lễ hội và sân khấu hóa', 'hop thon, kich', 'khách'])('"%s" names no single format', (text) => {
    expect(matchFormat(text, formats)).toBeNull();
  });
});

describe('the topics', () => {
  it.each([
    ['tảo hôn', ['child-marriage']],
    ['TẢO HÔN', ['child-marriage']],
    ['tao hon', ['child-marriage']],
    ['kết hôn sớm', ['child-marriage']],
    ['tảo hôn, bạo lực gia đình', ['child-marriage', 'domestic-violence']],
    ['tao hon, bao luc gia dinh', ['child-marriage', 'domestic-violence']],
    ['bạo lực gia đình, tảo hôn', ['domestic-violence', 'child-marriage']],
    ['tảo hôn; cận huyết + buôn người', ['child-marriage', 'consanguineous-marriage', 'trafficking']],
    ['tảo hôn và bạo lực gia đình', ['child-marriage', 'domestic-violence']],
    ['tảo hôn VÀ bạo lực gia đình', ['child-marriage', 'domestic-violence']],
    ['tao hon va bao luc gia dinh', ['child-marriage', 'domestic-violence']],
    ['tảo hôn\nbạo lực gia đình\nkỹ năng số', ['child-marriage', 'domestic-violence', 'digital-skills']],
    ['BLGĐ', ['domestic-violence']],
    ['blgd', ['domestic-violence']],
    ['chủ đề tảo hôn ở bản', ['child-marriage']],
    ['tảo hôn, tao hon, TẢO HÔN', ['child-marriage']],
    ['1, 3', ['gender-roles', 'child-marriage']],
    ['1 3', ['gender-roles', 'child-marriage']],
    ['3', ['child-marriage']],
    ['14', ['leaders-of-change']],
    ['Làm mẹ an toàn, chăm sóc sức khỏe và dinh dưỡng trẻ em', ['safe-motherhood']],
    ['Tổ tiết kiệm và vay vốn', ['savings-loans']],
    ['Định kiến giới và vai trò giới', ['gender-roles']],
    ['Mua bán người và di cư không an toàn', ['trafficking']],
    ['CLB "Thủ lĩnh của sự thay đổi"', ['leaders-of-change']],
    ['tảo hôn bạo lực gia đình', ['child-marriage', 'domestic-violence']],
  ])('"%s" names %j', (text, ids) => {
    expect(matchTopics(text, topics, words)).toEqual({ topics: ids, unknown: [] });
  });

  it('returns what it does not know as typed, and keeps what it knows', () => {
    expect(matchTopics('tảo hôn, múa hát; Văn nghệ', topics, words)).toEqual({ topics: ['child-marriage'], unknown: ['múa hát', 'Văn nghệ'] });
    expect(matchTopics('99, 2', topics, words)).toEqual({ topics: ['harmful-customs'], unknown: ['99'] });
    expect(matchTopics('0', topics, words)).toEqual({ topics: [], unknown: ['0'] });
    // Words of a label that are not the whole label nor an alias name nothing: "tham gia" is not "Phụ nữ tham gia lãnh đạo".
    expect(matchTopics('tham gia, gia đình, chăm sóc sức khỏe', topics, words)).toEqual({ topics: [], unknown: ['tham gia', 'gia đình', 'chăm sóc sức khỏe'] });
  });

  it.each(['', '   ', ', ; +', '😀', '\u0000\u0007'])('"%s" names nothing and leaves nothing unknown', (text) => {
    expect(matchTopics(text, topics, words)).toEqual({ topics: [], unknown: [] });
  });
});

describe('a mistake in content/reports.yaml is named with its file and line', () => {
  /** The shipped file's words and numbers, after the formats (so the formats' line numbers are the test's). */
  const shipped = readFileSync(path.join(defaultContentDir, 'reports.yaml'), 'utf8');
  const shippedWords = shipped.slice(shipped.indexOf('\n\n'));

  function problems(yaml: string, { words = shippedWords } = {}): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-reports-'));
    cpSync(defaultContentDir, dir, { recursive: true });
    writeFileSync(path.join(dir, 'reports.yaml'), yaml + words);
    try {
      readFormats(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ContentError);
      return (error as Error).message;
    }
    throw new Error('no problem found');
  }

  it('a format id used twice', () => {
    const message = problems('formats:\n  - { id: staged, label: A, aliases: [a] }\n  - { id: staged, label: B, aliases: [b] }\n');
    expect(message).toMatch(/reports\.yaml:3: formats\.1\.id: "staged" is already used/);
  });

  it('an alias given to two formats, even with other tone marks', () => {
    const message = problems('formats:\n  - { id: staged, label: A, aliases: [họp thôn] }\n  - { id: direct, label: B, aliases: [hop thon] }\n');
    expect(message).toMatch(/reports\.yaml:3: .*"hop thon" is already an alias of "staged"/);
  });

  it('a format without a label, and a file without formats', () => {
    expect(problems('formats:\n  - { id: staged, aliases: [a] }\n')).toMatch(/reports\.yaml:2: formats\.0\.label/);
    expect(problems('formats: []\n')).toMatch(/reports\.yaml:1: formats/);
    expect(problems('formats:\n  - { id: Bad Id, label: A }\n')).toMatch(/reports\.yaml:2: formats\.0\.id/);
  });

  it('the words a report is written with: missing, or of the wrong kind', () => {
    const formats = 'formats:\n  - { id: staged, label: A }\n';
    expect(problems(formats, { words: shippedWords.replace(/days: \{[^}]*\}/, 'days: {}') })).toMatch(/words\.days: at least one day/);
    expect(problems(formats, { words: shippedWords.replace(/after: \[người, ng\]/, 'after: []') })).toMatch(/words\.counts\.total\.after: at least one word written after the total/);
    const badDays = shippedWords.replace(/days: \{[^}]*\}/, 'days: { hôm qua: một }');
    const written = formats + badDays;
    const line = written.slice(0, written.indexOf('days: {')).split('\n').length;
    expect(problems(formats, { words: badDays })).toMatch(new RegExp(`reports\\.yaml:${line}: words\\.days\\.hôm qua`));
    expect(problems(formats, { words: shippedWords.replace(/digits: \[[^\]]*\]/, 'digits: [không, một]') })).toMatch(/numbers\.digits/);
  });
});

describe('the words are content: what content/reports.yaml says is how a report is read', () => {
  it('a content folder of an older version, without words, reads with the words shipped with Loa Bản', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-old-'));
    writeFileSync(path.join(dir, 'reports.yaml'), 'formats:\n  - { id: staged, label: Sân khấu hóa }\n');
    const { formats: old, words: fallback } = readReportContent(dir);
    expect(old.map((f) => f.id)).toEqual(['staged']);
    expect(parseCount('bốn mươi lăm người', fallback)).toEqual({ ok: true, value: 45 });
  });

  it('a count word added to the file is read, one removed is not', () => {
    const shippedWords = readReportContent(defaultContentDir).words;
    expect(countAnswer('45 người')).toBe(45);
    const dir = mkdtempSync(path.join(tmpdir(), 'loaban-words-'));
    cpSync(defaultContentDir, dir, { recursive: true });
    const file = path.join(dir, 'reports.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('after: [người, ng]', 'after: [người, thành viên]').replace('days: { hôm nay: 0, hôm qua: 1, hôm kia: 2 }', 'days: { hôm nay: 0, hôm qua: 1, bữa qua: 1 }'));
    const { words: local } = readReportContent(dir);
    expect(parseCount('45 thành viên', local)).toEqual({ ok: true, value: 45 });
    expect(parseCount('45 ng', local)).toEqual({ ok: false, problem: 'notNumber' });
    expect(parseCount('45 ng', shippedWords)).toEqual({ ok: true, value: 45 });
    const today = d('20/05/2026');
    expect(parseReportDate('bữa qua', today, 10, local)).toEqual({ ok: true, date: d('19/05/2026') });
    expect(parseReportDate('hôm kia', today, 10, local)).toEqual({ ok: false, problem: 'format' });
  });
});

describe('a date outside the quarters open for reports', () => {
  const t = translator('vi');
  const rules = { formats, topics, words, graceDays: 10 };
  const told = (text: string, today: string) => {
    const result = parseReportDate(text, d(today), 10, words);
    return result.ok ? formatDate(result.date) : dateProblem(t, rules, result.problem, text, d(today));
  };

  it('names the date and the open quarter', () => {
    expect(told('12/3', '03/12/2026')).toBe(
      'Ngày «12/3» không thuộc quý đang nhận báo cáo. Đang nhận: Quý 4/2026 (từ 01/10/2026 đến hôm nay). Buổi cũ hơn: báo cán bộ Hội Phụ nữ xã.',
    );
  });

  it('in the grace days of a new quarter, names the last one too, and until when', () => {
    expect(openQuarters(d('05/04/2026'), 10).map((q) => [q.quarter, q.until && formatDate(q.until)])).toEqual([
      [{ year: 2026, quarter: 1 }, '10/04/2026'],
      [{ year: 2026, quarter: 2 }, undefined],
    ]);
    expect(told('31/12/2025', '05/04/2026')).toContain('Đang nhận: Quý 1/2026 (nhận đến hết 10/04/2026) và Quý 2/2026 (từ 01/04/2026 đến hôm nay).');
    expect(openQuarters(d('11/04/2026'), 10)).toHaveLength(1);
  });

  it('a day that does not exist is quoted back', () => {
    expect(told('31/02', '03/12/2026')).toContain('«31/02» không phải ngày hợp lệ');
  });
});

describe('a count answered with the words that name it', () => {
  it.each([
    ['30 nữ', 'participantsWomen', 30],
    ['nữ: 30', 'participantsWomen', 30],
    ['ba mươi phụ nữ', 'participantsWomen', 30],
    ['40 DTTS', 'participantsEthnicMinority', 40],
    ['dân tộc thiểu số 40', 'participantsEthnicMinority', 40],
    ['45 người', 'participantsTotal', 45],
    ['tổng 45', 'participantsTotal', 45],
  ] as const)('"%s" at the %s question is %i', (text, field, value) => {
    expect(parseCount(text, words, field)).toEqual({ ok: true, value });
  });

  it('another count\'s word is not taken for this one', () => {
    expect(parseCount('30 nữ', words, 'participantsEthnicMinority')).toEqual({ ok: false, problem: 'notNumber' });
  });
});
