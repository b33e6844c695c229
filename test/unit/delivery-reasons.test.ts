/** Each stored reason is recognised by its kind, so the dashboard can word it for the admin. */
import { describe, expect, it } from 'vitest';
import { reasonKind, reasons } from '../../src/delivery/reasons.ts';

describe('reasonKind', () => {
  it('knows every reason Loa Bản writes, and calls anything else the platform\'s', () => {
    expect(reasonKind(reasons.stopped('Forbidden: bot was blocked by the user'))).toBe('stopped');
    expect(reasonKind(reasons.inactive('removed from group'))).toBe('stopped');
    expect(reasonKind(reasons.inactive(null))).toBe('stopped');
    expect(reasonKind(reasons.unsubscribed)).toBe('unsubscribed');
    expect(reasonKind(reasons.moved('-100123'))).toBe('moved');
    expect(reasonKind(reasons.inDoubt)).toBe('inDoubt');
    expect(reasonKind(reasons.missed(360))).toBe('missed');
    expect(reasonKind(reasons.empty)).toBe('empty');
    expect(reasonKind('Bad Request: message is too long')).toBe('other');
  });
});
