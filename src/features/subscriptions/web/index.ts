/** The subscriptions slice's dashboard page: leader invite codes. */
export { registerInvitePages } from './invite-pages.ts';
