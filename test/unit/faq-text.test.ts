/** How Loa Bản reads Vietnamese as people type it, and what it treats as a sign of danger. */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';
import { foldText } from '../../src/core/text/fold.ts';
import { syllables, termsOf } from '../../src/features/faq/tokens.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

const knowledge = loadKnowledge(defaultContentDir);
const isDanger = (text: string) => knowledge.safety.detect(text) !== null;

describe('folding', () => {
  it('makes tone marks, đ, case, Unicode forms and punctuation optional', () => {
    const composed = 'Đường dây nóng ở đâu?';
    const decomposed = composed.normalize('NFD');
    expect(foldText(composed)).toBe('duong day nong o dau');
    expect(foldText(decomposed)).toBe('duong day nong o dau');
    expect(foldText('DUONG   day-nong!!!')).toBe('duong day nong');
  });

  it('drops control characters and emoji', () => {
    expect(foldText('\u0000tảo\u0007 hôn 😀')).toBe('tao hon');
    expect(foldText('😀🙏')).toBe('');
  });

  it('expands chat spellings: "sdt", "ko", "ck", "dc"', () => {
    expect(syllables('sdt duong day nong ko dc a', knowledge.spelling).join(' ')).toBe('so dien thoai duong day nong khong duoc anh');
    expect(syllables('ck e', knowledge.spelling)).toEqual(['chong', 'em']);
  });

  it('keeps compounds as pairs and skips filler syllables on their own', () => {
    const terms = termsOf(syllables('cho em hỏi tảo hôn là gì', knowledge.spelling), knowledge.spelling.fillers);
    expect(terms).toContain('tao_hon');
    expect(terms).toContain('tao');
    expect(terms).not.toContain('em');
    expect(terms).not.toContain('cho_em');
  });

  it('reads at most a thousand characters of a question', () => {
    expect(syllables('a '.repeat(10_000), knowledge.spelling).length).toBeLessThanOrEqual(500);
  });
});

describe('signs of danger', () => {
  it.each([
    'chồng em đang đánh em',
    'chong em dang danh em',
    'ck e danh e',
    'cứu em với',
    'CUU TOI VOI',
    'nó dọa giết cả nhà',
    'có người rủ con gái em sang Trung Quốc làm việc lương cao',
    'ong ay ep con gai toi quan he',
    'bé hàng xóm bị ông kia sờ mó',
    'em bị chồng nhốt trong nhà',
    'e bi chong bao hanh suot may nam nay',
  ])('"%s" is one', (text) => {
    expect(isDanger(text)).toBe(true);
  });

  it.each([
    'đánh răng mấy lần một ngày',
    'chiều nay đánh cầu lông không',
    'số cứu hộ giao thông là số nào',
    'danh bai an tien',
    'bán lợn được giá',
    'xe máy nhà e bị đánh cắp',
    'con trâu nhà e mất tích 2 ngày rồi',
    'điện thoại còn bảo hành ko',
    'đánh răng đánh răng',
    '',
    '😀',
  ])('"%s" is not one', (text) => {
    expect(isDanger(text)).toBe(false);
  });

  it('is found anywhere in a long message', () => {
    expect(isDanger(`${'hôm nay trời đẹp. '.repeat(500)}chồng em đánh em`)).toBe(true);
  });
});
