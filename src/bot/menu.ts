/**
 * The main menu: the few things a villager, a leader or an admin comes for. Items are buttons
 * on Telegram and the sandbox, numbered choices on Zalo (the channel decides how to show them).
 */
import type { Button, OutboundMessage } from '../channels/channel.ts';
import type { Translate } from '../core/i18n.ts';

/** Menu items, in the order shown. Their labels are in locales (bot:menu.<item>). */
export const menuItems = ['motherhood', 'hotlines', 'trusted', 'faq', 'report', 'join'] as const;
export type MenuItem = (typeof menuItems)[number];

export const menuData = (item: MenuItem) => `menu:${item}`;

/** The menu as buttons, two to a row. */
export function menuButtons(t: Translate): Button[][] {
  const buttons = menuItems.map((item) => ({ label: t(`menu.${item}`), data: menuData(item) }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function mainMenu(t: Translate, text = t('menu.prompt')): OutboundMessage {
  return { text, buttons: menuButtons(t) };
}
