/**
 * Why a delivery or a broadcast did not go out. The stored text is English, for operators (CLI,
 * logs); the dashboard shows its kind in the admin's language, with the text as detail.
 */

const stoppedPrefix = 'chat stopped receiving';
const inactivePrefix = 'chat no longer active';
const movedPrefix = 'the group moved to ';
const missedPrefix = 'missed while the bot was not running';

export const reasons = {
  /** The chat blocked or removed the bot while messages were queued. */
  stopped: (why: string) => `${stoppedPrefix}: ${why}`,
  /** The chat was already inactive when its turn came. */
  inactive: (why: string | null) => (why ? `${inactivePrefix}: ${why}` : inactivePrefix),
  /** The villager stopped the messages (/dunglai). */
  unsubscribed: 'the person stopped receiving messages',
  /** The group became a supergroup that already had its own copy. */
  moved: (to: string) => `${movedPrefix}${to}, which has its own copy`,
  /** Interrupted in the middle of sending: never sent again. */
  inDoubt: 'interrupted while sending: it may or may not have arrived, so it was not sent again',
  /** A run of a schedule while the bot was down, too late to send. */
  missed: (graceMinutes: number) => `${missedPrefix} (more than ${graceMinutes} minutes late)`,
  /** No chat in the audience when the broadcast was expanded. */
  empty: 'no active chat in the audience',
};

export type ReasonKind = 'stopped' | 'unsubscribed' | 'moved' | 'inDoubt' | 'missed' | 'empty' | 'other';

/** The kind of a stored reason; 'other' for what a platform said (a bad request, an outage). */
export function reasonKind(reason: string): ReasonKind {
  if (reason.startsWith(stoppedPrefix) || reason.startsWith(inactivePrefix)) return 'stopped';
  if (reason === reasons.unsubscribed) return 'unsubscribed';
  if (reason.startsWith(movedPrefix)) return 'moved';
  if (reason === reasons.inDoubt) return 'inDoubt';
  if (reason.startsWith(missedPrefix)) return 'missed';
  if (reason === reasons.empty) return 'empty';
  return 'other';
}
