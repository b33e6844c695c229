/**
 * Admin chat commands, for Women's Union staff holding an admin grant, in a private chat only:
 * /dangnhap gives a one-time link to the web dashboard (10 minutes, single use); /lich, /guingay,
 * /thongke and /moi (admin-commands.ts) work inside the admin's own area. Anyone else is told the
 * commands are for Women's Union staff, and in a group the bot only says to ask privately (a link
 * or a code there could be used by anyone in the group).
 */
import { adminByIdentity } from './admins.ts';
import { createLoginLink, loginLinkTtlMs, type Actor } from './auth.ts';
import { loadScope, type AdminScope } from '../groups/index.ts';
import { adminCommandNames, confirmButton, onConfirmButton, runAdminCommand, type AdminCommandDeps, type AdminCommandName } from './chat-commands.ts';
import type { Middleware, Turn } from '../../bot/turn.ts';

/** The admin commands' settings (the app's, from the configuration), and where the dashboard is. */
export type AdminChatDeps = Omit<AdminCommandDeps, 'sendDelayMs' | 'now'> & {
  /** Where the dashboard is reached, without a trailing slash (PUBLIC_URL or the server's own URL); null: no dashboard runs in this process (/dangnhap says so). */
  baseUrl: string | null;
  /** How far ahead a confirmed /guingay is scheduled (default `confirmedSendDelayMs`). */
  sendDelayMs?: number;
  now?: () => Date;
};

/** A schedule must lie in the future: a confirmed /guingay is scheduled this far ahead, then run at once by `kick`. */
export const confirmedSendDelayMs = 2000;

/** The dashboard login link for `token`. */
export const loginUrl = (baseUrl: string, token: string) => `${baseUrl}/admin/login/${token}`;

function commandDeps({ baseUrl: _dashboard, ...deps }: AdminChatDeps): AdminCommandDeps {
  return { ...deps, sendDelayMs: deps.sendDelayMs ?? confirmedSendDelayMs, now: deps.now ?? (() => new Date()) };
}

/** The admin behind the turn's sender, with their scope; null when they hold no grant. */
export async function adminOf(turn: Turn): Promise<{ actor: Actor; scope: AdminScope; displayName: string } | null> {
  const person = await adminByIdentity(turn.db, turn.event.platform, turn.event.sender.id);
  if (!person) return null;
  const scope = await loadScope(turn.db, person.id);
  if (!scope) return null;
  return { actor: { personId: person.id, platform: person.platform, platformUserId: person.platformUserId }, scope, displayName: person.displayName };
}

/** Handles the admin commands and their buttons. */
export function adminCommands(deps: AdminChatDeps): Middleware {
  const commands = commandDeps(deps);
  return async (turn, next) => {
    const { event, t, db } = turn;
    const name = event.command?.name;
    if (name === 'dangnhap') {
      if (event.chat.kind !== 'private') return void (await turn.reply({ text: t('admin.login.privateOnly') }));
      const person = await adminByIdentity(db, event.platform, event.sender.id);
      if (!person) return void (await turn.reply({ text: t('admin.login.notAdmin') }));
      if (deps.baseUrl === null) return void (await turn.reply({ text: t('admin.login.unavailable') }));
      const { token } = await createLoginLink(db, { personId: person.id, platform: person.platform, platformUserId: person.platformUserId });
      const link = t('admin.login.link', { url: loginUrl(deps.baseUrl, token), minutes: loginLinkTtlMs / 60_000 });
      return void (await turn.reply({ text: `${link}\n\n${t('admin.commands')}` }));
    }
    const tapped = event.type === 'button' ? confirmButton(event.buttonData) : null;
    const command = adminCommandNames.find((c) => c === name);
    if (!command && !tapped) return next();
    if (event.chat.kind !== 'private') return void (await turn.reply({ text: t('admin.common.privateOnly', { command: `/${command ?? 'guingay'}` }) }));
    const admin = await adminOf(turn);
    if (!admin) return void (await turn.reply({ text: t('admin.common.notAdmin', { command: `/${command ?? 'guingay'}` }) }));
    if (tapped) return onConfirmButton(turn, admin, commands, tapped);
    return runAdminCommand(turn, admin, commands, command as AdminCommandName, event.command!.args.trim());
  };
}
