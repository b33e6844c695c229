/**
 * The shipped content says what is right today (issue 15): each fix is checked in the answer a
 * villager gets to a question that asks it — through the same reading and replies as the chat
 * (`loaban faq`) — and the wording rules are checked over every text a villager can be sent.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { askFaq } from '../../src/features/faq/ask.ts';
import { loadFaq } from '../../src/features/faq/faq.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

const faq = loadFaq(defaultContentDir);
const campaigns = loadCampaigns(defaultContentDir);

/** What the bot says to the question: the first screen (`first`), and with what "Xem thêm" opens (`text`). */
function answer(q: string): { id: string | null; text: string; first: string } {
  const line = askFaq(faq, q);
  return { id: line.faqId, text: [line.answer, line.more].filter(Boolean).join('\n'), first: line.answer };
}

/** Every text a villager can be sent, with where it comes from. */
function villagerTexts(): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  for (const e of faq.knowledge.entries) {
    for (const [lang, text] of Object.entries(e.answer)) out.push({ where: `faq ${e.id} answer.${lang}`, text });
    for (const [lang, text] of Object.entries(e.more ?? {})) out.push({ where: `faq ${e.id} more.${lang}`, text });
  }
  for (const m of campaigns.messages.values()) for (const [lang, text] of Object.entries(m.variants)) out.push({ where: `campaign ${m.id}.${lang}`, text: `${m.title}\n${text}` });
  for (const [category, replies] of faq.knowledge.safety.replies) {
    for (const [audience, texts] of Object.entries(replies)) for (const [lang, text] of Object.entries(texts as Record<string, string>)) out.push({ where: `safety ${category}.${audience}.${lang}`, text });
  }
  for (const [area, file] of faq.knowledge.directory) {
    for (const h of [...file.hotlines, ...file.trustedAddresses]) out.push({ where: `directory ${area} ${h.name}`, text: [h.name, 'hours' in h ? h.hours : '', h.note].filter(Boolean).join(' · ') });
  }
  const bot = JSON.parse(readFileSync(path.join(defaultContentDir, '..', 'locales', 'vi', 'bot.json'), 'utf8')) as Record<string, unknown>;
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') out.push({ where: `locales/vi/bot.json ${key}`, text: value });
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, key ? `${key}.${k}` : k);
  };
  walk(bot, '');
  return out;
}

const offending = (test: (text: string) => boolean) => villagerTexts().filter((x) => test(x.text)).map((x) => x.where);

describe('wording every villager text follows', () => {
  it('one name for the Union at commune level: "Hội Phụ nữ xã", never "Hội LHPN xã"', () => {
    expect(offending((t) => /Hội LHPN xã|Hội Liên hiệp Phụ nữ xã|Hội phụ nữ xã/.test(t))).toEqual([]);
  });

  it('"cả ngày đêm", not "24/7" or "24/24"', () => {
    expect(offending((t) => /24\s*\/\s*(7|24)/.test(t))).toEqual([]);
  });

  it('no "huyện": districts were abolished on 1/7/2025', () => {
    expect(offending((t) => /(^|[^\p{L}])huyện/iu.test(t))).toEqual([]);
  });

  it('no target "đến năm 2025" quoted as if it were ahead', () => {
    expect(offending((t) => /(đến|tới|vào) năm 2025/i.test(t))).toEqual([]);
  });

  it('an answer that says "dưới đây" shows what it announces (the asker\'s directory)', () => {
    const announcing = faq.knowledge.entries.filter((e) => Object.values(e.answer).some((a) => /dưới đây/i.test(a)));
    expect(announcing.filter((e) => !e.directory).map((e) => e.id)).toEqual([]);
  });
});

describe('each fix, in the answer to a question that asks it', () => {
  it('population policy: a third child is no longer against the law (3/6/2025), and support for it is not guessed', () => {
    for (const q of ['sinh con thứ 3 có được hỗ trợ không', 'sinh con thu 3 co bi phat khong']) {
      const { id, text } = answer(q);
      expect(id, q).toBe('motherhood-third-child');
      expect(text).toContain('3/6/2025');
      expect(text).toMatch(/UBND xã|Hội Phụ nữ xã/);
    }
    // Nowhere is "đúng chính sách dân số" offered as today's rule without saying the limit is gone.
    const stale = faq.knowledge.entries.filter((e) => /đúng chính sách dân số/.test(`${e.answer.vi}\n${e.more?.vi ?? ''}`) && !/3\/6\/2025/.test(`${e.answer.vi}\n${e.more?.vi ?? ''}`));
    expect(stale.map((e) => e.id)).toEqual([]);
  });

  it("targets: Quảng Ninh's 2030 targets, said as the province's, replace the 2025 ones", () => {
    const housework = answer('chồng có phải làm việc nhà không');
    expect(housework.text).toMatch(/Quảng Ninh đặt mục tiêu đến năm 2030[^.]*1,4 lần/);
    const ratio = answer('tại sao không được chọn giới tính thai nhi');
    expect(ratio.text).toMatch(/Quảng Ninh đặt mục tiêu đến năm 2030[^.]*109/);
    const leaders = answer('phụ nữ làm lãnh đạo mục tiêu bao nhiêu');
    expect(leaders.text).toMatch(/Quảng Ninh đặt mục tiêu đến năm 2030[^.]*75%/);
    // A figure of a plan is never said without its place.
    const unplaced = villagerTexts().filter((x) => /(1,4 lần|109 bé trai|từ 75%|ít nhất 50 CLB|13 CLB)/.test(x.text) && !/(Quảng Ninh|Tuần Giáo)/.test(x.text));
    expect(unplaced.map((x) => x.where)).toEqual([]);
  });

  it('Project 8 phase I (2021–2025) is the phase that was', () => {
    const clubs = answer('câu lạc bộ thủ lĩnh của sự thay đổi là gì');
    expect(clubs.text).toMatch(/giai đoạn I của Dự án 8 \(2021–2025\)/);
  });

  it('Decree 39/2015: who qualifies (a Kinh wife of an ethnic-minority husband, poor household), 2,000,000 đồng, claimed at the commune', () => {
    const who = answer('người Kinh có chồng người dân tộc sinh con có được hỗ trợ không');
    expect(who.id).toBe('motherhood-who-qualifies');
    expect(who.text).toMatch(/phụ nữ Kinh có chồng dân tộc thiểu số, thuộc hộ nghèo/);
    expect(who.text).toContain('2.000.000 đồng');
    // The plans' wording differs from the Decree's, and the answer says so.
    expect(who.text).toMatch(/kế hoạch ghi đối tượng khác nhau/i);
    const amount = answer('hỗ trợ sinh con được bao nhiêu tiền');
    expect(amount.text).toContain('2.000.000 đồng');
    expect(amount.text).toMatch(/UBND xã[^.]*10 ngày làm việc/);
  });

  it('the four packages: antenatal visits and child checkups are encouraged, not promised as paid support', () => {
    const packages = answer('4 gói chính sách làm mẹ an toàn là gì?').text;
    const campaign = campaigns.messages.get('safe-motherhood-support-packages')!.variants.vi!;
    for (const text of [packages, campaign]) {
      expect(text).toMatch(/vận động[^.]{0,40}khám thai/i);
      expect(text).not.toMatch(/hỗ trợ (đi )?khám thai định kỳ/i);
    }
  });

  it('1800 1769 is a line the province plans to build: never offered as working until confirmed', () => {
    const { id, text } = answer('tổng đài 1800 1769 là gì');
    expect(id).toBe('help-quang-ninh-hotline');
    expect(text).toMatch(/xây dựng Tổng đài/);
    expect(text).toMatch(/xác nhận/);
    expect(text).toContain('113');
    expect(text).not.toMatch(/1800 ?1769/);
    // No villager text gives the number while it is unconfirmed (the directory entry is not shown: see directory-confirm.test.ts).
    const calls = villagerTexts().filter((x) => /1800 ?1769/.test(x.text) && !x.where.startsWith('directory quang-ninh'));
    expect(calls.map((x) => x.where)).toEqual([]);
  });

  it('a 1900 number says it is charged', () => {
    const charged = [...faq.knowledge.directory.values()].flatMap((f) => f.hotlines).filter((h) => /^1900/.test(h.phone));
    expect(charged.length).toBeGreaterThan(0);
    for (const h of charged) {
      expect(h.free, h.name).not.toBe(true);
      expect(h.note, h.name).toMatch(/tính cước/);
    }
  });

  it('"bắt vợ": the legal age and free consent', () => {
    const { text } = answer('bắt vợ có phải phạm pháp không');
    expect(text).toMatch(/nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi/);
    expect(text).toMatch(/tự nguyện/);
  });

  it('the sex ratio: why selection harms, and the target is to narrow the gap, never more boys', () => {
    const { text } = answer('tại sao không được chọn giới tính thai nhi');
    expect(text).toMatch(/Vì sao có hại/);
    expect(text).toMatch(/mua bán|ép cưới/);
    expect(text).toMatch(/không phải để sinh thêm con trai/);
  });

  it("girls' schooling: each figure with the plan it comes from", () => {
    const { text } = answer('con gái có được đi học như con trai không');
    expect(text).toMatch(/Quảng Ninh, đến năm 2030: trên 99,6%[^\n]*90%/);
    expect(text).toMatch(/Tam Đường[^\n]*2021–2025[^\n]*99%/);
  });

  it("the village's own savings group is kept apart from the Social Policy Bank's savings-and-loan groups", () => {
    const { text } = answer('tổ tiết kiệm và vay vốn là gì');
    expect(text).toMatch(/tự quản/);
    expect(text).toMatch(/Đừng nhầm với tổ tiết kiệm và vay vốn của Ngân hàng Chính sách xã hội/);
  });

  it('what cannot wait is on the first screen, not behind "Xem thêm"', () => {
    const urgent: Array<[string, RegExp]> = [
      ['tiem xong be sot cao co giat thi lam sao', /115/],
      ['Bị lừa chuyển tiền rồi thì làm gì?', /khóa tài khoản/],
      ['lỡ quan hệ không dùng gì thì uống thuốc gì', /khẩn cấp[^.]*càng sớm càng tốt/],
      ['cấm tiếp xúc là gì, xin ở đâu', /113/],
    ];
    for (const [q, needed] of urgent) expect(answer(q).first, q).toMatch(needed);
    // Every entry about danger says on its first screen whom to call.
    const silent = faq.knowledge.entries.filter((e) => e.safety && !/\b11[135]\b/.test(e.answer.vi!));
    expect(silent.map((e) => e.id)).toEqual([]);
  });

  it('tone: the asker is "bạn", and every first screen fits a phone', () => {
    for (const e of faq.knowledge.entries) {
      expect(e.answer.vi!.length, e.id).toBeLessThanOrEqual(500);
      expect(e.answer.vi, e.id).not.toMatch(/(^|[^\p{L}])(mày|chị em ơi)([^\p{L}]|$)/iu);
    }
  });
});

describe('the topics villagers asked about that had no answer', () => {
  // Issue 15's additions: legal help, registration, health, children's safety, inclusion, men.
  const added = [
    'legal-aid-who', 'legal-aid-where', 'legal-divorce', 'legal-child-custody', 'legal-child-support', 'legal-property-land',
    'legal-property-divorce', 'legal-no-contact', 'registration-marriage', 'registration-cohabiting', 'registration-birth',
    'health-adolescent', 'health-contraception', 'health-breastfeeding', 'health-child-nutrition', 'health-vaccination', 'health-mental',
    'child-school-violence', 'child-online-safety', 'online-scams', 'disability-women', 'men-honorary-member', 'men-join-group',
    'group-follow-loaban', 'motherhood-third-child',
  ];

  it('at least 20 new entries, each with a source and at least four sample questions', () => {
    expect(added.length).toBeGreaterThanOrEqual(20);
    for (const id of added) {
      const entry = faq.knowledge.entries.find((e) => e.id === id);
      expect(entry, id).toBeDefined();
      expect(entry!.questions.length, id).toBeGreaterThanOrEqual(4);
      expect(entry!.source, id).toMatch(/\S/);
    }
  });

  it.each(added)('%s answers its own sample questions', (id) => {
    const entry = faq.knowledge.entries.find((e) => e.id === id)!;
    const wrong = entry.questions.map((q) => ({ q, got: askFaq(faq, q).faqId })).filter((r) => r.got !== id);
    expect(wrong).toEqual([]);
  });

  it('the no-contact order: who decides, for how long, under the 2022 law', () => {
    const { id, text } = answer('lệnh cấm tiếp xúc là gì, ai ra lệnh');
    expect(id).toBe('legal-no-contact');
    expect(text).toMatch(/Chủ tịch UBND xã/i);
    expect(text).toMatch(/3 ngày/);
  });
});
