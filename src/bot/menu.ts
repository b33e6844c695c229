/**
 * The main menu: the few things a villager, a leader or an admin comes for, and only those the
 * person may use (reporting a session is for group leaders, in their private chat). Items are
 * buttons on Telegram and the sandbox, numbered choices on Zalo (the channel decides how to show them).
 */
import type { Button, OutboundMessage } from '../channels/channel.ts';
import type { Translate } from '../core/i18n.ts';
import type { Turn } from './turn.ts';

/** Menu items, in the order shown. Their labels are in locales (bot:menu.<item>). */
export const menuItems = ['motherhood', 'hotlines', 'trusted', 'faq', 'report', 'join'] as const;
export type MenuItem = (typeof menuItems)[number];

export const menuData = (item: MenuItem) => `menu:${item}`;

/** What the menu offers: `report` only to someone who leads a group. */
export interface MenuFor {
  leader: boolean;
}

/** The menu as buttons, two to a row. */
export function menuButtons(t: Translate, who: MenuFor): Button[][] {
  const items = menuItems.filter((item) => item !== 'report' || who.leader);
  const buttons = items.map((item) => ({ label: t(`menu.${item}`), data: menuData(item) }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

export function mainMenu(t: Translate, who: MenuFor, text = t('menu.prompt')): OutboundMessage {
  return { text, buttons: menuButtons(t, who) };
}

/**
 * The menu for the person of this turn, under `text`. A group chat's menu is for everyone in it,
 * so it never offers reporting; in a private chat, only a leader is offered it.
 */
export function menuFor(turn: Turn, text?: string): OutboundMessage {
  return mainMenu(turn.t, { leader: turn.event.chat.kind === 'private' && Boolean(turn.person?.leads) }, text);
}
