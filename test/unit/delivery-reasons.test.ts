/** Each stored reason is recognised by its kind, so the dashboard and the CLI can word it for the reader. */
import { describe, expect, it } from 'vitest';
import { kindOf, reasonKind, reasons, stored } from '../../src/features/delivery/reasons.ts';

describe('reasons', () => {
  const every = [
    [reasons.stopped('403 Forbidden: bot was blocked by the user'), 'stopped'],
    [reasons.inactive('removed from group'), 'stopped'],
    [reasons.inactive(null), 'stopped'],
    [reasons.unsubscribed, 'unsubscribed'],
    [reasons.moved('-100123'), 'moved'],
    [reasons.followed('-100123'), 'moved'],
    [reasons.inDoubt, 'inDoubt'],
    [reasons.missed(360), 'missed'],
    [reasons.empty, 'empty'],
    [reasons.throttled('429 Too Many Requests'), 'throttled'],
    [reasons.outage('500 Internal Server Error'), 'outage'],
    [reasons.gaveUp('500 Internal Server Error', 3), 'outage'],
    [reasons.refused('400 Bad Request: chat not found'), 'refused'],
    [reasons.noContent, 'unsendable'],
    [reasons.unsplittable, 'unsendable'],
  ] as const;

  it('each one Loa Bản writes is stored with its kind and reads back as it', () => {
    for (const [reason, kind] of every) {
      expect(reason.kind, reason.text).toBe(kind);
      expect(kindOf(stored(reason)), reason.text).toBe(kind);
    }
  });

  it('a platform’s words that look like one of ours are still read by the stored kind', () => {
    expect(kindOf(stored(reasons.refused('stopped: not really')))).toBe('refused');
    expect(kindOf(stored(reasons.outage('moved to nowhere')))).toBe('outage');
  });
});

describe('reasons stored before kinds were', () => {
  it('a delivery the dispatcher failed with "stopped: …" (a chat that blocked the bot) reads as stopped', () => {
    expect(reasonKind('stopped: 403 Forbidden: bot was blocked by the user')).toBe('stopped');
    expect(kindOf({ failureKind: null, lastError: 'stopped: 403 Forbidden: bot was blocked by the user' })).toBe('stopped');
  });

  it('the texts Loa Bản wrote read as their kind; only a platform’s own words are "other"', () => {
    const old = {
      'chat stopped receiving: 403 Forbidden: bot was kicked from the group chat': 'stopped',
      'chat no longer active: removed from group': 'stopped',
      'the person stopped receiving messages': 'unsubscribed',
      'the group moved to -100123, which has its own copy': 'moved',
      'moved to -100123': 'moved',
      'interrupted while sending: it may or may not have arrived, so it was not sent again': 'inDoubt',
      'missed while the bot was not running (more than 360 minutes late)': 'missed',
      'no active chat in the audience': 'empty',
      'throttled: 429 Too Many Requests: retry after 3': 'throttled',
      '500 Internal Server Error (after 3 tries)': 'outage',
      'the message content is missing': 'unsendable',
      'the text has no place to split under the platform limit': 'unsendable',
      '400 Bad Request: message is too long': 'other',
    };
    for (const [text, kind] of Object.entries(old)) expect(kindOf({ failureKind: null, lastError: text }), text).toBe(kind);
    expect(kindOf({ failureKind: null, lastError: null })).toBeNull();
  });
});
