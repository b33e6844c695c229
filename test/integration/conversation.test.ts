import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/channels/channel.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { createLogger } from '../../src/core/log.ts';
import { groupChat, leader, leaderChat, sandboxHarness, villagerChat, type SandboxHarness } from '../support/sandbox-harness.ts';
import { backends } from '../support/stores.ts';
import { chatDeps } from '../support/inbound.ts';

describe.each(backends)('talking to Loa Bản in the sandbox (%s)', (backend) => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await sandboxHarness(backend);
  });
  afterAll(() => h?.close());

  const menuOf = (chatId = villagerChat.id) => h.channel.transcript(chatId).at(-1)?.buttons?.flat().map((b) => b.label);

  it.each(['xin chào', 'Xin chao', 'XIN CHÀO!', 'chào bạn', '/start'])('"%s" gets a Vietnamese greeting and the main menu', async (text) => {
    const [answer] = await h.say(text);
    expect(answer).toMatch(/^Xin chào Người dân Bản Nà Hìn! Tôi là Loa Bản/);
    // A villager is not offered what only leaders may do.
    expect(menuOf()).toEqual(['Hỗ trợ sinh đẻ an toàn', 'Đường dây nóng', 'Địa chỉ tin cậy', 'Hỏi đáp', 'Tham gia tổ của bản']);
  });

  it('a group leader\'s menu offers reporting a session; a group chat\'s menu, meant for everyone, does not', async () => {
    await h.say('/menu', leaderChat, leader);
    expect(menuOf(leaderChat.id)).toContain('Báo cáo buổi sinh hoạt');
    await h.say('/menu', groupChat, leader);
    expect(menuOf(groupChat.id)).not.toContain('Báo cáo buổi sinh hoạt');
  });

  it('the menu item "join" asks which province, with the demo province as a button', async () => {
    const [answer] = await h.tap('menu:join');
    expect(answer).toContain('Bạn ở tỉnh nào?');
    expect(menuOf()).toEqual(['Tỉnh Sơn Cước (DEMO)']);
  });

  it('an unknown command is named in the reply, with the menu', async () => {
    const [answer] = await h.say('/abc');
    expect(answer).toContain('/abc');
    expect(menuOf()).toHaveLength(5);
  });

  it('a question it cannot answer gets an honest answer and the topic menu, never silence', async () => {
    const [answer] = await h.say('hôm nay trời mưa to quá');
    expect(answer).toContain('chưa có câu trả lời');
    expect(menuOf()).toContain('Xem tất cả chủ đề');
  });

  it('only emoji gets an honest answer and the menu, and is not kept as a question', async () => {
    const kept = await h.store.prisma.unansweredQuestion.count();
    const [answer] = await h.say('😀😀🙏');
    expect(answer).toContain('chưa hiểu');
    expect(menuOf()).toHaveLength(5);
    expect(await h.store.prisma.unansweredQuestion.count()).toBe(kept);
  });

  it('in a group chat it stays quiet on ordinary chatter but answers a command or a mention', async () => {
    expect(await h.say('xin chào cả nhà', groupChat)).toEqual([]);
    expect(await h.say('mai họp thôn nhé', groupChat)).toEqual([]);
    expect((await h.say('/start', groupChat))[0]).toContain('Tôi là Loa Bản');
    expect((await h.say('@loaban xin chào', groupChat))[0]).toContain('Tôi là Loa Bản');
    expect((await h.say('@loaban tảo hôn là gì', groupChat))[0]).toContain('18');
  });

  it('an update the platform sends twice is answered once', async () => {
    const sent: string[] = [];
    const handler = createInboundHandler({ ...chatDeps(),
      db: h.store.prisma,
      log: createLogger('silent', false),
      channel: {
        platform: 'sandbox', maxTextLength: 4096, start: async () => {}, stop: async () => {},
        send: async (_t, m) => (sent.push(m.text), { ok: true, messageIds: ['1'] }),
      },
    });
    const event: InboundEvent = {
      type: 'message', platform: 'telegram', updateId: '777', at: new Date(),
      chat: { id: '55', kind: 'private' }, sender: { id: '55', displayName: 'Mai' }, text: 'xin chào',
    };
    await handler(event);
    await handler(event);
    expect(sent).toHaveLength(1);
  });

  it('when answering fails, the update is not marked handled, so the re-send is answered', async () => {
    let fail = true;
    const sent: string[] = [];
    const handler = createInboundHandler({ ...chatDeps(),
      db: h.store.prisma,
      log: createLogger('silent', false),
      channel: {
        platform: 'sandbox', maxTextLength: 4096, start: async () => {}, stop: async () => {},
        send: async (_t, m) => {
          if (fail) throw new Error('database went away');
          sent.push(m.text);
          return { ok: true, messageIds: ['1'] };
        },
      },
    });
    const event: InboundEvent = {
      type: 'message', platform: 'telegram', updateId: '778', at: new Date(),
      chat: { id: '56', kind: 'private' }, sender: { id: '56', displayName: 'Lan' }, text: '/start',
    };
    await expect(handler(event)).rejects.toThrow();
    fail = false;
    await handler(event);
    expect(sent).toHaveLength(1);
  });
});
