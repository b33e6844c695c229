import { describe, expect, it } from 'vitest';
import { parseCommand, splitText } from '../../src/channels/text.ts';

describe('splitting a long message', () => {
  it('keeps a short text whole', () => {
    expect(splitText('Xin chào', 4096)).toEqual(['Xin chào']);
  });

  it('splits on paragraphs first, in order, each piece within the limit', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Đoạn ${i + 1}. ${'nội dung '.repeat(40).trim()}`);
    const pieces = splitText(paragraphs.join('\n\n'), 1000)!;
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= 1000)).toBe(true);
    expect(pieces.join('\n\n')).toBe(paragraphs.join('\n\n'));
  });

  it('falls back to sentences inside a paragraph that is too long', () => {
    const sentence = 'Bình đẳng giới là việc nam và nữ có vị trí, vai trò ngang nhau.';
    const text = Array.from({ length: 50 }, () => sentence).join(' ');
    const pieces = splitText(text, 200)!;
    expect(pieces.every((p) => p.length <= 200 && p.endsWith('.'))).toBe(true);
    expect(pieces.join(' ')).toBe(text);
  });

  it('has no place to split a single word longer than the limit', () => {
    expect(splitText('a'.repeat(5000), 4096)).toBeNull();
  });
});

describe('reading a command', () => {
  it('reads the name and arguments, in lower case, without the bot name', () => {
    expect(parseCommand('/BaoCao@loaban_bot 12/3 họp thôn', 'loaban_bot')).toEqual({ name: 'baocao', args: '12/3 họp thôn' });
    expect(parseCommand('/start')).toEqual({ name: 'start', args: '' });
  });

  it('ignores a command meant for another bot, and ordinary text', () => {
    expect(parseCommand('/start@other_bot', 'loaban_bot')).toBeUndefined();
    expect(parseCommand('xin chào /start')).toBeUndefined();
  });
});
