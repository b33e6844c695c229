/**
 * Admin chat commands. /dangnhap, in a private chat, gives a Women's Union admin a one-time link
 * to the web dashboard (10 minutes, single use); anyone else is told it is for admins only, and in
 * a group the bot only says to ask privately (a link there could be used by anyone in the group).
 */
import { adminByIdentity } from '../admin/admins.ts';
import { createLoginLink, loginLinkTtlMs } from '../admin/auth.ts';
import type { Middleware } from './turn.ts';

export interface AdminChatDeps {
  /** Where the dashboard is reached, without a trailing slash: PUBLIC_URL or the server's own URL. */
  baseUrl: string;
}

/** The dashboard login link for `token`. */
export const loginUrl = (baseUrl: string, token: string) => `${baseUrl}/admin/login/${token}`;

/** Handles /dangnhap; `deps` absent: no dashboard runs in this process (it says so). */
export function adminCommands(deps: AdminChatDeps | undefined): Middleware {
  return async (turn, next) => {
    const { event, t, db } = turn;
    if (event.command?.name !== 'dangnhap') return next();
    if (event.chat.kind !== 'private') return void (await turn.reply({ text: t('admin.login.privateOnly') }));
    const person = await adminByIdentity(db, event.platform, event.sender.id);
    if (!person) return void (await turn.reply({ text: t('admin.login.notAdmin') }));
    if (!deps) return void (await turn.reply({ text: t('admin.login.unavailable') }));
    const { token } = await createLoginLink(db, { personId: person.id, platform: person.platform, platformUserId: person.platformUserId });
    await turn.reply({ text: t('admin.login.link', { url: loginUrl(deps.baseUrl, token), minutes: loginLinkTtlMs / 60_000 }) });
  };
}
