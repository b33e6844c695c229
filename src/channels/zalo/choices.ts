/**
 * Numbered choices for platforms without buttons (Zalo): the buttons last offered in a chat
 * are remembered in the database, so a reply "2" means the second one, also after a restart.
 */
import type { Button } from '../channel.ts';
import type { Db } from '../../core/store/store.ts';

export interface ChoiceMemory {
  remember(chatId: string, buttons: Button[]): Promise<void>;
  /** The button numbered `n` (from 1) last offered in the chat, or null. */
  recall(chatId: string, n: number): Promise<Button | null>;
}

export function choiceMemory(db: Db, platform: string): ChoiceMemory {
  return {
    async remember(chatId, buttons) {
      // No choices: the old ones are forgotten, and no row about the chat is kept (a person who
      // deleted their data gets one more reply, which must not store their chat id again).
      if (buttons.length === 0) {
        await db.chatChoice.deleteMany({ where: { platform, chatId } });
        return;
      }
      const choices = buttons.map(({ label, data }) => ({ label, data }));
      await db.chatChoice.upsert({
        where: { platform_chatId: { platform, chatId } },
        create: { platform, chatId, choices },
        update: { choices },
      });
    },
    async recall(chatId, n) {
      const row = await db.chatChoice.findUnique({ where: { platform_chatId: { platform, chatId } } });
      const choices = (row?.choices ?? []) as unknown as Button[];
      return Number.isInteger(n) && n >= 1 && n <= choices.length ? choices[n - 1]! : null;
    },
  };
}
