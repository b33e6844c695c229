/**
 * The subscriptions slice's public face: joining by code, leader invites, who follows what, the
 * operators' group listings and its chat handlers.
 */
export { subscriptions, type SubscriptionDeps } from './chat.ts';
export { createInvite, forgetUnusedInvites, invitableGroups, redeemInvite } from './invites.ts';
export { joinCodeOf, rotateJoinCode } from './join-codes.ts';
export { subscriberCounts } from './subscribers.ts';
export { listAreaSubscribers, listGroups } from './group-listing.ts';
