/**
 * Villagers asking Loa Bản questions in the sandbox, on the real conversation and database: the
 * answers, the hotlines of their own commune, the safety replies, and the questions it could not
 * answer kept for the Women's Union without who asked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { groupChat, sandboxHarness, villager, villagerChat, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';
import { shippedFaq } from '../support/inbound.ts';
import { loadKnowledge } from '../../src/features/faq/knowledge.ts';
import { defaultContentDir } from '../../src/core/paths.ts';

describe.each(backends)('questions and answers in the sandbox (%s)', (backend) => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness(backend);
  });
  afterAll(() => h?.close());

  const lastButtons = (chatId = villagerChat.id) => h.channel.transcript(chatId).at(-1)?.buttons?.flat() ?? [];

  it.each(['Tảo hôn là gì?', 'tao hon la gi', 'TẢO HÔN LÀ GÌ', 'cho e hoi tao hon la j vay'])('"%s" is answered, with or without tone marks', async (q) => {
    const [answer] = await h.say(q);
    expect(answer).toMatch(/Tảo hôn là/);
    expect(lastButtons().map((b) => b.label)).toEqual(['Câu hỏi khác']);
  });

  it('"where do I get help" lists the hotlines of the asker\'s commune and province, demo ones marked, then the national ones', async () => {
    const [answer] = await h.say('sdt duong day nong la gi');
    expect(answer).toContain('Xã Hoa Ban (DEMO):');
    expect(answer).toContain('0200 000 011');
    expect(answer).toContain('Tỉnh Sơn Cước (DEMO):');
    expect(answer).toContain('Cả nước:');
    expect(answer).toContain('111');
    expect(answer!.indexOf('Xã Hoa Ban')).toBeLessThan(answer!.indexOf('Cả nước:'));
    // Another commune's numbers are not the asker's.
    expect(answer).not.toContain('Xã Suối Mây');
  });

  it('a question is read for danger once: alone first, and the FAQ takes that reading', async () => {
    const detect = vi.spyOn(shippedFaq().knowledge.safety, 'detect');
    try {
      const [answer] = await h.say('tảo hôn có bị phạt không');
      expect(answer).toMatch(/tảo hôn/i);
      expect(detect).toHaveBeenCalledTimes(1);
      // A danger the question alone (without the @mention) speaks of is still found.
      detect.mockClear();
      const [reply] = await h.say('@loaban chồng em đang đánh em');
      expect(reply).toMatch(/^Bạn đang bị đánh/);
    } finally {
      detect.mockRestore();
    }
  });

  it('a question it cannot answer: says so, shows the topics, and keeps the question without who asked', async () => {
    const [answer] = await h.say('giá phân bón năm nay tăng không');
    expect(answer).toContain('chưa có câu trả lời');
    // Two lines and a few main topics, not three screens of buttons.
    expect(answer!.split('\n')).toHaveLength(2);
    const labels = lastButtons().map((b) => b.label);
    expect(labels.at(-1)).toBe('Xem tất cả chủ đề');
    expect(labels.length - 1).toBeGreaterThanOrEqual(4);
    expect(labels.length - 1).toBeLessThanOrEqual(6);
    // "Xem tất cả" shows the rest in the same message.
    const shown = h.channel.transcript(villagerChat.id).length;
    const [all] = await h.tap(lastButtons().at(-1)!.data);
    expect(all).toContain('chủ đề');
    expect(lastButtons().map((b) => b.label)).toContain('Tảo hôn');
    expect(h.channel.transcript(villagerChat.id)).toHaveLength(shown);
    const kept = await h.store.prisma.unansweredQuestion.findFirst({ where: { text: 'giá phân bón năm nay tăng không' }, include: { area: true } });
    expect(kept?.area?.name).toBe('Bản Nà Hìn');
    expect(Object.keys(kept!).sort()).toEqual(['area', 'areaId', 'createdAt', 'id', 'language', 'text']);
  });

  it('the menus open the knowledge: topics, a topic\'s questions, an answer', async () => {
    const [topics] = await h.tap('menu:faq');
    expect(topics).toContain('chủ đề');
    const childMarriage = lastButtons().find((b) => b.label === 'Tảo hôn')!;
    const [questions] = await h.tap(childMarriage.data);
    expect(questions).toContain('Tảo hôn');
    const first = lastButtons()[0]!;
    expect(first.data).toMatch(/^faq:/);
    const [answer] = await h.tap(first.data);
    expect(answer!.length).toBeGreaterThan(50);
  });

  it('"Hỗ trợ sinh đẻ an toàn" lists the safe-motherhood questions', async () => {
    const [answer] = await h.tap('menu:motherhood');
    expect(answer).toContain('Làm mẹ an toàn');
    expect(lastButtons().length).toBeGreaterThanOrEqual(5);
  });

  it('"Đường dây nóng" and "Địa chỉ tin cậy" give the asker\'s area\'s lists', async () => {
    const [hotlines] = await h.tap('menu:hotlines');
    expect(hotlines).toContain('0200 000 012');
    expect(hotlines).toContain('113');
    const [trusted] = await h.tap('menu:trusted');
    expect(trusted).toContain('Nhà bà Lò Thị Mai (DEMO)');
    expect(trusted).toContain('Bản Nà Hìn');
  });

  it('an old button whose question was removed gets the topics, not an error', async () => {
    const [answer] = await h.tap('faq:no-longer-there');
    expect(answer).toContain('không còn');
    const [more] = await h.tap('faqmore:no-longer-there');
    expect(more).toContain('không còn');
  });

  it('a long answer: the first screen says the answer, "Xem thêm" opens the rest', async () => {
    const entry = loadKnowledge(defaultContentDir).entries.find((e) => e.id === 'motherhood-packages')!;
    expect(entry.more?.vi).toBeTruthy();
    const [first] = await h.say('4 gói chính sách làm mẹ an toàn là gì?');
    expect(first).toBe(entry.answer.vi!.trim());
    expect(first!.length).toBeLessThanOrEqual(500);
    expect(lastButtons().map((b) => b.label)).toEqual(['Xem thêm', 'Câu hỏi khác']);
    const [rest] = await h.tap(lastButtons()[0]!.data);
    expect(rest).toBe(entry.more!.vi!.trim());
    expect(lastButtons().map((b) => b.label)).toEqual(['Câu hỏi khác']);
  });

  describe('a sign of danger', () => {
    const replyTo = async (text: string) => {
      const before = h.channel.transcript(villagerChat.id).length;
      const answers = await h.say(text);
      const replies = h.channel.transcript(villagerChat.id).slice(before).filter((m) => m.from === 'bot');
      return { answers, buttons: replies.at(-1)?.buttons?.flat().map((b) => b.label) ?? [] };
    };

    it('in private: one reply of its kind that fits one phone screen, the commune\'s emergency lines, a call back and more places behind a button', async () => {
      const { answers, buttons } = await replyTo('ck e dang danh e, e so lam');
      expect(answers).toHaveLength(1);
      const [answer] = answers;
      expect(answer!.startsWith('Bạn đang bị đánh')).toBe(true);
      expect(answer).toContain('113');
      expect(answer).toContain('0200 000 012');
      expect(answer!.length).toBeLessThanOrEqual(600);
      expect(buttons).toEqual(['Nhờ cán bộ Hội Phụ nữ liên hệ với tôi', 'Xem thêm nơi giúp đỡ']);
      const [more] = await h.tap('safety:more');
      expect(more).toContain('Nhà bà Lò Thị Mai (DEMO)');
      expect(more).toContain('Cả nước:');
    });

    it.each([
      ['bố dượng hiếp em', /^Đây không phải lỗi của bạn[\s\S]*72 giờ/],
      ['e ko muốn sống nữa', /^Cảm ơn bạn đã nói ra[\s\S]*115/],
      ['em uống thuốc chuột rồi', /^Cảm ơn bạn đã nói ra[\s\S]*115/],
      ['con bé 13 tuổi có bầu với ông hàng xóm', /^Gọi ngay 111/],
      ['bố mẹ ép em lấy chồng mà em mới 14 tuổi', /18 tuổi[\s\S]*Gọi ngay 111/],
      ['nó không cho em ăn, bỏ đói mẹ con em', /^Bỏ đói/],
    ])('"%s" gets the reply of its kind, and never the advice for a bystander', async (text, expected) => {
      const { answers } = await replyTo(text);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatch(expected);
      expect(answers[0]).not.toMatch(/Đừng tự lao vào|giữ kín chuyện của họ/);
    });

    it('a bystander gets the bystander\'s answer with the numbers', async () => {
      const { answers } = await replyTo('hàng xóm em bị chồng đánh');
      expect(answers).toHaveLength(1);
      expect(answers[0]).toContain('Đừng tự lao vào');
      expect(answers[0]).toContain('113');
    });

    it('a look-alike is answered as a question, not as danger', async () => {
      const { answers } = await replyTo('bạo lực gia đình là gì');
      expect(answers[0]).not.toMatch(/^(Bạn đang bị đánh|Nếu người đó)/);
      expect(answers[0]).toMatch(/[Bb]ạo lực gia đình/);
    });

    it('the call back reaches the commune\'s Women\'s Union officer with the name and place only, once', async () => {
      await h.say('chồng em đánh em chảy máu');
      const adminChat = 'private:demo-admin-hoa-ban';
      const before = h.channel.transcript(adminChat).length;
      const [sent] = await h.tap('safety:alert');
      expect(sent).toContain('Đã báo cho cán bộ Hội Phụ nữ (Xã Hoa Ban (DEMO))');
      const alerts = h.channel.transcript(adminChat).slice(before);
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.text).toContain(villager.displayName);
      expect(alerts[0]!.text).toContain('Bản Nà Hìn');
      expect(alerts[0]!.text).not.toMatch(/đánh|chảy máu/);
      const [again] = await h.tap('safety:alert');
      expect(again).toContain('đã báo');
      expect(h.channel.transcript(adminChat).length).toBe(before + 1);
    });

    it('a question that names a present danger gets one reply, the safety reply, not a second competing answer', async () => {
      const answers = await h.say('bị chồng đánh thì phải làm gì');
      expect(answers).toHaveLength(1);
      expect(answers[0]).toMatch(/^Bạn đang bị đánh/);
    });

    it('in a group, even in chatter: a short, discreet reply that repeats nothing and offers a private talk', async () => {
      const answers = await h.say('chồng em đang đánh em', groupChat);
      expect(answers).toHaveLength(1);
      const [answer] = answers;
      expect(answer).toContain('113');
      expect(answer).toContain('nhắn tin riêng');
      expect(answer).not.toContain('chồng em');
      expect(answer).not.toContain('Nhà bà Lò Thị Mai');
      expect(answer!.length).toBeLessThan(600);
      expect(lastButtons(groupChat.id)).toEqual([]);
    });

    it('in a group, self-harm: 115 at once, discreet', async () => {
      const [answer] = await h.say('chị ấy định ăn lá ngón', groupChat);
      expect(answer).toContain('115');
      expect(answer).not.toContain('chị ấy');
      expect(answer).toContain('nhắn tin riêng');
    });

    it.each(['đánh răng xong rồi đi ngủ', 'chiều đánh cầu lông nhé', 'số cứu hộ giao thông', 'vui muốn chết luôn', 'con chó nhà em bị đánh bả'])('never for look-alikes in a group: "%s"', async (text) => {
      expect(await h.say(text, groupChat)).toEqual([]);
    });
  });

  describe('bad input gets a sensible reply, never a crash or a long wait', () => {
    it('10,000 characters', async () => {
      const started = Date.now();
      const [answer] = await h.say(`tảo hôn ${'rất '.repeat(2500)}`);
      expect(answer).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('mixed scripts and control characters', async () => {
      expect((await h.say('Привет 你好 tảo hôn là gì'))[0]).toMatch(/Tảo hôn là/);
      expect((await h.say('\u0007tảo\u0000 hôn là gì'))[0]).toMatch(/Tảo hôn là/);
    });

    it('only punctuation', async () => {
      expect((await h.say('???!!!'))[0]).toContain('chưa hiểu');
    });
  });

  it('a person who chose English gets English around the answer, and the Vietnamese answer when there is no English one', async () => {
    await h.store.prisma.person.update({ where: { platform_platformUserId: { platform: 'sandbox', platformUserId: villager.id } }, data: { language: 'en' } });
    try {
      const [answer] = await h.say('tao hon la gi');
      expect(answer).toMatch(/Tảo hôn là/);
      expect(lastButtons().map((b) => b.label)).toEqual(['Other questions']);
    } finally {
      await h.store.prisma.person.update({ where: { platform_platformUserId: { platform: 'sandbox', platformUserId: villager.id } }, data: { language: 'vi' } });
    }
  });
});
