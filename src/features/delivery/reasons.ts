/**
 * Why a delivery or a broadcast did not go out (or not yet): the one owner of every stored reason.
 * A reason is a kind plus English text for operators (CLI, logs) with the platform's words as
 * detail. A Delivery stores both (`failureKind`, `lastError`: see `stored`); a Broadcast stores
 * the text, whose kind `reasonKind` reads back. The dashboard shows the kind in the admin's
 * language, with the text as detail.
 */

/** The kinds of reason, a closed set: the dashboard and `loaban broadcast status` name each. */
export const reasonKinds = ['stopped', 'unsubscribed', 'moved', 'inDoubt', 'missed', 'empty', 'throttled', 'outage', 'refused', 'unsendable', 'obsolete', 'other'] as const;
export type ReasonKind = (typeof reasonKinds)[number];

/** A reason as Loa Bản stores it: its kind, and the text. */
export interface Reason {
  kind: ReasonKind;
  text: string;
}

const stoppedPrefix = 'chat stopped receiving';
const inactivePrefix = 'chat no longer active';
const movedPrefix = 'the group moved to ';
const followedPrefix = 'moved to ';
const missedPrefix = 'missed while the bot was not running';
const throttledPrefix = 'throttled: ';
const triesSuffix = / \(after \d+ tries\)$/;
/** How the dispatcher wrote a stop before this module built it (read back for stored rows). */
const oldStoppedPrefix = 'stopped: ';

const reason = (kind: ReasonKind, text: string): Reason => ({ kind, text });

export const reasons = {
  /** The chat blocked or removed the bot (`why`: the platform's words): failed, and its other queued messages skipped. */
  stopped: (why: string) => reason('stopped', `${stoppedPrefix}: ${why}`),
  /** The chat was already inactive when its turn came. */
  inactive: (why: string | null) => reason('stopped', why ? `${inactivePrefix}: ${why}` : inactivePrefix),
  /** The villager stopped the messages (/dunglai). */
  unsubscribed: reason('unsubscribed', 'the person stopped receiving messages'),
  /** The group became a supergroup that already had its own copy. */
  moved: (to: string) => reason('moved', `${movedPrefix}${to}, which has its own copy`),
  /** The group became a supergroup at `to`: the message goes again there. */
  followed: (to: string) => reason('moved', `${followedPrefix}${to}`),
  /** Interrupted in the middle of sending: never sent again. */
  inDoubt: reason('inDoubt', 'interrupted while sending: it may or may not have arrived, so it was not sent again'),
  /** A run of a schedule while the bot was down, too late to send. */
  missed: (graceMinutes: number) => reason('missed', `${missedPrefix} (more than ${graceMinutes} minutes late)`),
  /** No chat in the audience when the broadcast was expanded. */
  empty: reason('empty', 'no active chat in the audience'),
  /** The platform asked to slow down: it goes again after the wait. */
  throttled: (why: string) => reason('throttled', `${throttledPrefix}${why}`),
  /** The platform failed for now (an outage, a timeout): tried again later. */
  outage: (why: string) => reason('outage', why),
  /** The platform kept failing: given up after `tries`. */
  gaveUp: (why: string, tries: number) => reason('outage', `${why} (after ${tries} tries)`),
  /** The platform refused this message (a bad request): not tried again. */
  refused: (why: string) => reason('refused', why),
  /** The broadcast's content is gone (a content item removed). */
  noContent: reason('unsendable', 'the message content is missing'),
  /** No longer true when its turn came (a report reminder to a group that has reported since): skipped. */
  reported: reason('obsolete', 'the group reported before the reminder went out'),
  /** A text with no place to split under the platform's limit. */
  unsplittable: reason('unsendable', 'the text has no place to split under the platform limit'),
};

/** The Delivery columns that hold `reason`. */
export function stored(reason: Reason): { lastError: string; failureKind: ReasonKind } {
  return { lastError: reason.text, failureKind: reason.kind };
}

/** The columns of a Delivery without a reason (it went out). */
export const noReason = { lastError: null, failureKind: null } as const;

const texts = (...made: Reason[]) => new Map(made.map((r) => [r.text, r.kind]));
const fixedTexts = texts(reasons.unsubscribed, reasons.inDoubt, reasons.empty, reasons.noContent, reasons.unsplittable, reasons.reported);

/**
 * The kind of a stored reason text: a Broadcast's, or a Delivery's stored before kinds were
 * (the dispatcher then wrote "stopped: …" for a chat that blocked the bot). 'other' for a
 * platform's own words that say no more.
 */
export function reasonKind(text: string): ReasonKind {
  const fixed = fixedTexts.get(text);
  if (fixed) return fixed;
  if (text.startsWith(stoppedPrefix) || text.startsWith(inactivePrefix) || text.startsWith(oldStoppedPrefix)) return 'stopped';
  if (text.startsWith(movedPrefix) || text.startsWith(followedPrefix)) return 'moved';
  if (text.startsWith(missedPrefix)) return 'missed';
  if (text.startsWith(throttledPrefix)) return 'throttled';
  if (triesSuffix.test(text)) return 'outage';
  return 'other';
}

/** The kind of a Delivery's reason: the stored kind, else read from its text (rows stored before kinds were). */
export function kindOf(row: { failureKind: string | null; lastError: string | null }): ReasonKind | null {
  if (row.failureKind && (reasonKinds as readonly string[]).includes(row.failureKind)) return row.failureKind as ReasonKind;
  return row.lastError === null ? null : reasonKind(row.lastError);
}
