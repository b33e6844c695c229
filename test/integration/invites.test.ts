/** Invite codes: hard to guess, once only, expiring, and a chat that keeps guessing must wait. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createInvite, normaliseCode, redeemInvite } from '../../src/features/subscriptions/invites.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { freshStore } from '../support/stores.ts';

let store: Store;
beforeAll(async () => {
  store = await freshStore('pglite');
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
});
afterAll(() => store?.close());

const who = (n: number) => ({ platform: 'zalo', chat: { id: `z${n}`, kind: 'private' as const }, sender: { id: `z${n}`, displayName: `Người ${n}` } });

it('codes are 8 characters without look-alikes, typed in any case, with or without the dash', async () => {
  const codes = await Promise.all(Array.from({ length: 20 }, () => createInvite(store.prisma, { groupId: 3, role: 'leader', ttlDays: 14, createdBy: 'test' })));
  expect(new Set(codes.map((c) => c.code)).size).toBe(20);
  for (const { code } of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  expect(normaliseCode(' k7qm 3pxa ')).toBe('K7QM3PXA');
  expect(normaliseCode('K7QM-3PX0')).toBeNull();
  expect(await store.prisma.inviteCode.count({ where: { codeHash: { contains: codes[0]!.code.replace('-', '') } } })).toBe(0);
});

it('on Zalo the person\'s own chat is linked to the group; the code then no longer works', async () => {
  const { code } = await createInvite(store.prisma, { groupId: 4, role: 'leader', ttlDays: 14, createdBy: 'test' });
  expect(await redeemInvite(store.prisma, code, who(1))).toMatchObject({ ok: true, group: { id: 4 }, role: 'leader' });
  const link = await store.prisma.chatLink.findUniqueOrThrow({ where: { platform_chatId: { platform: 'zalo', chatId: 'z1' } } });
  expect(link).toMatchObject({ kind: 'private', groupId: 4 });
  expect(await redeemInvite(store.prisma, code, who(2))).toEqual({ ok: false, reason: 'used' });
});

it('an expired code is refused', async () => {
  const made = new Date('2026-01-01T00:00:00Z');
  const { code } = await createInvite(store.prisma, { groupId: 5, role: 'leader', ttlDays: 14, createdBy: 'test', now: made });
  expect(await redeemInvite(store.prisma, code, who(3), new Date('2026-01-16T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' });
});

it('after five wrong codes in an hour a chat must wait, even with a good code', async () => {
  const { code } = await createInvite(store.prisma, { groupId: 6, role: 'leader', ttlDays: 14, createdBy: 'test' });
  for (let i = 0; i < 5; i++) expect((await redeemInvite(store.prisma, 'AAAA-AAAA', who(4))).ok).toBe(false);
  expect(await redeemInvite(store.prisma, code, who(4))).toEqual({ ok: false, reason: 'tooManyTries' });
  expect(await redeemInvite(store.prisma, code, who(4), new Date(Date.now() + 61 * 60 * 1000))).toMatchObject({ ok: true });
});
