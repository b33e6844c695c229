/**
 * The safety reply a person reads: one phone screen first (600 characters) with the numbers of its
 * kind of danger, the area's emergency lines and the call-back offer; the rest behind a button.
 */
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';
import { answerMessage, safetyMessage, safetyMoreMessage } from '../../src/features/faq/replies.ts';
import { atRiskKinds } from '../../src/features/faq/safety.ts';
import { translator } from '../../src/core/i18n.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

const knowledge = loadKnowledge(defaultContentDir);
const t = translator('vi');
/** A villager of the demo village Bản Nà Hìn: village, commune, province. */
const places = [
  { id: 3, code: 'demo-hoa-ban-na-hin', name: 'Bản Nà Hìn' },
  { id: 2, code: 'demo-hoa-ban', name: 'Xã Hoa Ban (DEMO)' },
  { id: 1, code: 'demo', name: 'Tỉnh Sơn Cước (DEMO)' },
];
const categories = [...knowledge.safety.replies.keys()];
const labels = (m: { buttons?: Array<Array<{ label: string }>> }) => m.buttons?.flat().map((b) => b.label) ?? [];

describe('the private safety reply', () => {
  it('covers every category of content/safety/', () => {
    expect(categories.sort()).toEqual(['confinement', 'danger', 'economic', 'marriage', 'self-harm', 'sexual', 'threat', 'trafficking', 'violence']);
  });

  it.each(categories.flatMap((category) => atRiskKinds.map((atRisk) => [category, atRisk] as const)))(
    '%s, %s at risk: fits one phone screen with the area\'s emergency lines, the call-back offer and "Xem thêm nơi giúp đỡ"',
    (category, atRisk) => {
      for (const language of ['vi', 'en']) {
        const reply = safetyMessage(translator(language), knowledge, 'private', places, { category, atRisk }, language);
        expect(reply.text.length, `${language}: ${reply.text}`).toBeLessThanOrEqual(600);
        expect(reply.text).toContain('Công an xã Hoa Ban (DEMO): 0200 000 012');
        expect(reply.text).toContain('0200 000 001');
        expect(reply.text).toMatch(/113|111|115/);
      }
      const reply = safetyMessage(t, knowledge, 'private', places, { category, atRisk }, 'vi');
      expect(labels(reply)).toEqual(['Nhờ cán bộ Hội Phụ nữ liên hệ với tôi', 'Xem thêm nơi giúp đỡ']);
      expect(reply.text).toContain('họ chỉ nhận tên bạn');
    },
  );

  it('a person at risk never reads advice meant for a bystander; a bystander does', () => {
    for (const category of categories) {
      const self = safetyMessage(t, knowledge, 'private', places, { category, atRisk: 'self' }, 'vi').text;
      expect(self, category).not.toMatch(/Đừng tự lao vào|giữ kín chuyện của họ/i);
    }
    expect(safetyMessage(t, knowledge, 'private', places, { category: 'violence', atRisk: 'other' }, 'vi').text).toContain('Đừng tự lao vào');
  });

  it('self-harm: warm, 115 at once for poison or lá ngón, 111 under 18; a child at risk: 111 first', () => {
    const selfHarm = safetyMessage(t, knowledge, 'private', places, { category: 'self-harm', atRisk: 'self' }, 'vi').text;
    expect(selfHarm).toMatch(/^Cảm ơn bạn đã nói ra/);
    expect(selfHarm).toContain('lá ngón');
    expect(selfHarm).toContain('115');
    expect(selfHarm).toContain('111');
    for (const category of ['sexual', 'marriage', 'violence']) {
      const child = safetyMessage(t, knowledge, 'private', places, { category, atRisk: 'child' }, 'vi').text;
      expect(child.indexOf('111'), category).toBeGreaterThanOrEqual(0);
      expect(child.indexOf('111'), category).toBeLessThan(child.indexOf('113') === -1 ? Infinity : child.indexOf('113'));
    }
    expect(safetyMessage(t, knowledge, 'private', places, { category: 'sexual', atRisk: 'self' }, 'vi').text).toMatch(/72 giờ[\s\S]*|không phải lỗi của bạn/);
  });

  it('a child who writes about herself is spoken to, not told what a carer should do', () => {
    const text = safetyMessage(t, knowledge, 'private', places, { category: 'violence', atRisk: 'child', writerIsChild: true }, 'vi').text;
    expect(text).toMatch(/^Em không có lỗi[\s\S]*111/);
    expect(text).not.toContain('Đưa trẻ');
  });

  it('where the asker\'s village is unknown: no call-back offer (nobody to tell), still the button to more places', () => {
    const reply = safetyMessage(t, knowledge, 'private', [], { category: 'violence', atRisk: 'self' }, 'vi');
    expect(labels(reply)).toEqual(['Xem thêm nơi giúp đỡ']);
    expect(reply.text).not.toContain('Bấm nút');
  });

  it('behind the button: every hotline and trusted address, without "(chưa rõ)" or brackets inside brackets', () => {
    const more = safetyMoreMessage(t, knowledge, places).text;
    expect(more).toContain('Nhà bà Lò Thị Mai (DEMO)');
    expect(more).toContain('Cả nước:');
    expect(more).toContain('1900 969 680');
    expect(more).not.toContain('chưa rõ');
    expect(more).not.toMatch(/\([^()]*\(/);
  });
});

describe('in a group', () => {
  it('short and discreet: no call-back, no buttons; self-harm says 115', () => {
    for (const category of categories) {
      const reply = safetyMessage(t, knowledge, 'group', places, { category, atRisk: 'self' }, 'vi');
      expect(reply.text.length).toBeLessThan(600);
      expect(reply.buttons).toBeUndefined();
      expect(reply.text).toContain('nhắn tin riêng');
    }
    expect(safetyMessage(t, knowledge, 'group', places, { category: 'self-harm', atRisk: 'other' }, 'vi').text).toContain('115');
  });
});

describe('an answer about danger (safety: true) offers the call back too', () => {
  it('in private, where the village is known', () => {
    const entry = knowledge.entries.find((e) => e.id === 'violence-harassment')!;
    expect(entry.safety).toBe(true);
    expect(labels(answerMessage(t, knowledge, entry, 'vi', places, 'private'))).toEqual(['Nhờ cán bộ Hội Phụ nữ liên hệ với tôi', 'Câu hỏi khác']);
    expect(labels(answerMessage(t, knowledge, entry, 'vi', places, 'group'))).toEqual(['Câu hỏi khác']);
    const plain = knowledge.entries.find((e) => !e.safety)!;
    expect(labels(answerMessage(t, knowledge, plain, 'vi', places, 'private'))).toEqual(['Câu hỏi khác']);
  });
});
