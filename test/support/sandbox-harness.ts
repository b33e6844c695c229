/** A sandbox channel wired to the real conversation over a fresh store: what a person types, what the bot says. */
import { SandboxChannel } from '../../src/channels/sandbox/sandbox.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { freshStore, type Backend } from './stores.ts';
import { chatDeps } from './inbound.ts';

export interface SandboxHarness {
  store: Store;
  channel: SandboxChannel;
  /** A villager of the first demo village writes in their private chat; returns the bot's answers. */
  say(text: string, chat?: { id: string; kind: 'private' | 'group' }, sender?: Sender): Promise<string[]>;
  /** Taps a button of the last message offering it; returns what the bot said, new or changed in place. */
  tap(buttonData: string, chatId?: string, sender?: Sender): Promise<string[]>;
  close(): Promise<void>;
}

export interface Sender {
  id: string;
  displayName: string;
}

export const villager: Sender = { id: 'villager-demo-hoa-ban-na-hin', displayName: 'Người dân Bản Nà Hìn' };
/** The demo leader of the Nà Hìn group, and her private chat. */
export const leader: Sender = { id: 'leader-demo-hoa-ban-na-hin', displayName: 'Lò Thị Hương' };
export const leaderChat = { id: `private:${leader.id}`, kind: 'private' as const };
export const villagerChat = { id: `private:${villager.id}`, kind: 'private' as const };
export const groupChat = { id: 'group:demo-hoa-ban-na-hin', kind: 'group' as const };

export async function sandboxHarness(backend: Backend): Promise<SandboxHarness> {
  const store = await freshStore(backend);
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
  const channel = new SandboxChannel();
  await channel.start(createInboundHandler({ ...chatDeps(), db: store.prisma, log: createLogger('silent', false), channel }));
  /** What the bot said in the chat while `act` ran: new messages, and messages it changed in place (a picker). */
  const botAnswers = async (chatId: string, act: () => Promise<void>) => {
    const said: string[] = [];
    const stop = channel.subscribe((m) => void (m.chatId === chatId && m.from === 'bot' && said.push(m.text)));
    try {
      await act();
    } finally {
      stop();
    }
    return said;
  };
  /** The last message of the chat offering a button with `data`: the one tapped. */
  const holder = (chatId: string, data: string) => channel.transcript(chatId).findLast((m) => m.buttons?.flat().some((b) => b.data === data))?.id;
  return {
    store,
    channel,
    say: (text, chat = villagerChat, sender = villager) =>
      botAnswers(chat.id, () => channel.receive({ chatId: chat.id, chatKind: chat.kind, sender, text })),
    tap: (buttonData, chatId = villagerChat.id, sender = villager) =>
      botAnswers(chatId, () => {
        const buttonMessageId = holder(chatId, buttonData);
        return channel.receive({ chatId, chatKind: chatId.startsWith('group:') ? 'group' : 'private', sender, buttonData, ...(buttonMessageId ? { buttonMessageId } : {}) });
      }),
    async close() {
      await channel.stop();
      await store.close();
    },
  };
}
