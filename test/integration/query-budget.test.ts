/**
 * What one inbound message costs the database: every message type has a budget of queries (one
 * statement claims the update and reads the person and their conversation's state, then what the
 * message needs),
 * counted at the driver adapter under the real conversation. More than the budget (an N+1, a
 * lookup done twice) fails here before it shows as a slower bot.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import type { Channel, SendResult } from '../../src/channels/channel.ts';
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { Dispatcher } from '../../src/features/delivery/dispatcher.ts';
import { memoryClock } from '../../src/features/delivery/rate-clock.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { seedOutbox, watched } from '../support/adapter.ts';
import { chatDeps } from '../support/inbound.ts';
import { groupChat, leader, leaderChat, villager, villagerChat } from '../support/sandbox-harness.ts';
import { backends, freshStore } from '../support/stores.ts';
import { until } from '../support/wait.ts';

/** The SQL statements sent through `factory`, transactions included. */
const counting = (factory: SqlDriverAdapterFactory, sent: string[]) => watched(factory, (sql) => void sent.push(sql));

describe.each(backends)('queries per inbound message (%s)', (backend) => {
  let store: Store;
  let db: InstanceType<typeof PrismaClient>;
  let channel: SandboxChannel;
  const sent: string[] = [];

  beforeAll(async () => {
    store = await freshStore(backend);
    await seedDemo(store.prisma, readDemoData(defaultContentDir));
    db = new PrismaClient({ adapter: counting(store.adapterFactory, sent) });
    channel = new SandboxChannel();
    await channel.start(createInboundHandler({ ...chatDeps(), db, log: createLogger('silent', false), channel }));
  });
  afterAll(async () => {
    await channel.stop();
    await db.$disconnect();
    await store.close();
  });

  /** The queries one message costs, and what the bot answered (to be sure it did what the type says). */
  async function cost(chat: { id: string; kind: 'private' | 'group' }, sender: { id: string; displayName: string }, text: string) {
    const before = channel.transcript(chat.id).length;
    sent.length = 0;
    await channel.receive({ chatId: chat.id, chatKind: chat.kind, sender, text });
    return { queries: sent.length, answers: channel.transcript(chat.id).slice(before).filter((m) => m.from === 'bot').map((m) => m.text) };
  }

  it.each([
    ['a greeting', 1, villagerChat, 'xin chào', /Loa Bản/],
    ['a question the FAQ answers', 1, villagerChat, 'tảo hôn là gì', /tảo hôn/i],
    ['a question the FAQ cannot answer (kept for review)', 3, villagerChat, 'giá lúa hôm nay bao nhiêu', /.+/],
    ['the menu', 1, villagerChat, '/menu', /.+/],
    ['chatter in a group, not for the bot', 1, groupChat, 'hôm nay trời đẹp quá', null],
  ] as const)('%s: at most %i queries', async (_what, budget, chat, text, answer) => {
    await cost(chat, villager, text); // the first time may create the person or the chat
    const { queries, answers } = await cost(chat, villager, text);
    if (answer) expect(answers.join('\n')).toMatch(answer);
    else expect(answers).toEqual([]);
    expect(queries).toBeLessThanOrEqual(budget);
  });

  it('a leader\'s report, answer by answer: at most 6 to start it, 2 for each answer', async () => {
    const start = await cost(leaderChat, leader, '/baocao');
    expect(start.answers.join('\n')).toContain('Tổ truyền thông bản Nà Hìn');
    expect(start.queries).toBeLessThanOrEqual(6);
    for (const text of ['hôm qua', 'họp thôn', 'tảo hôn', '45', '30', '40', 'nhà văn hóa']) {
      const step = await cost(leaderChat, leader, text);
      expect(step.answers).toHaveLength(1);
      expect(step.queries, text).toBeLessThanOrEqual(2);
    }
  });
});

describe.each(backends)('queries per broadcast send (%s)', (backend) => {
  const chats = 96;
  const lanes = 8;

  it(`a campaign message to ${chats} groups, ${lanes} sends at once: the sends answered together are marked sent together (again when the write fails), each group once`, async () => {
    const store = await freshStore(backend);
    const sent: string[] = [];
    // The first statement marking sends sent fails, as when a connection drops: it is written again.
    let failed = false;
    const db = new PrismaClient({
      adapter: watched(store.adapterFactory, (sql) => {
        sent.push(sql);
        if (!failed && /status = 'sent'/.test(sql)) {
          failed = true;
          throw new Error('connection lost (the test)');
        }
      }),
    });
    try {
      const links = await seedOutbox(store.prisma, chats);

      // The platform answers like a network under load: the sends in flight all at once, when every lane waits (or 50 ms passed).
      const received: string[] = [];
      let waiting: Array<() => void> = [];
      let timer: NodeJS.Timeout | undefined;
      const answerAll = () => {
        clearTimeout(timer);
        timer = undefined;
        for (const answer of waiting.splice(0)) answer();
      };
      const channel: Channel = {
        platform: 'sandbox',
        maxTextLength: 4096,
        start: async () => {},
        stop: async () => {},
        send: (target) =>
          new Promise<SendResult>((resolve) => {
            waiting.push(() => {
              received.push(target.chatId);
              resolve({ ok: true, messageIds: [String(received.length)] });
            });
            if (waiting.length === lanes) answerAll();
            else timer ??= setTimeout(answerAll, 50);
          }),
      };
      const dispatcher = new Dispatcher({
        db,
        channel,
        limits: { perSecond: 1000, perGroupPerMinute: null, perChatPerSecond: 1 },
        worker: 'here:1',
        messageFor: async () => ({ text: 'Tháng hành động' }),
        timeZone: 'Asia/Ho_Chi_Minh',
        quietHours: null,
        maxAttempts: 3,
        concurrency: lanes,
        soleProcess: true,
        clock: memoryClock(),
        log: createLogger('silent', false),
        idleMs: 20,
      });
      await dispatcher.start();
      await until(async () => dispatcher.stats.sent === chats);
      await dispatcher.stop();

      expect(received.toSorted()).toEqual(links.map((l) => l.chatId).toSorted());
      expect(await store.prisma.delivery.count({ where: { status: 'sent' } })).toBe(chats);
      expect(failed).toBe(true);
      // Every write of the outbox (claims, starts, results); the results of the sends answered together in one.
      const writes = sent.filter((sql) => /UPDATE\s+("public"\.)?"Delivery"/.test(sql));
      const results = writes.filter((sql) => /status\s*=\s*'sent'/.test(sql) || /"status" = \$\d+/.test(sql) && /"sentAt"/.test(sql));
      expect(results.length).toBeGreaterThanOrEqual(chats / lanes); // the statements were recognised
      expect(results.length).toBeLessThanOrEqual(chats / 4);
      expect(writes.length / chats).toBeLessThanOrEqual(1.5);
    } finally {
      await db.$disconnect();
      await store.close();
    }
  });
});
