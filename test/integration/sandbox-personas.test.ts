/**
 * Who one can play in the sandbox: every demo person once. The district admin, in charge of two
 * communes, is one entry naming both, not one entry per commune.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPersonas } from '../../src/channels/sandbox/personas.ts';
import { translator } from '../../src/core/i18n.ts';
import { sandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

describe('the sandbox persona list', () => {
  let harness: SandboxHarness;
  beforeAll(async () => {
    harness = await sandboxHarness('pglite');
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('lists each person once; the district admin once, in charge of both her communes', async () => {
    const personas = await listPersonas(harness.store.prisma, translator('vi'));
    const keys = personas.map((p) => p.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(new Set(personas.map((p) => p.label)).size).toBe(personas.length);
    const district = personas.filter((p) => p.key === 'demo-admin-district');
    expect(district.map((p) => p.label)).toEqual(['Cán bộ Hội LHPN huyện (DEMO) — phụ trách Xã Hoa Ban (DEMO), Xã Suối Mây (DEMO)']);
    expect(personas.filter((p) => p.role === 'admin').map((p) => p.key)).toEqual(['demo-admin-province', 'demo-admin-district', 'demo-admin-hoa-ban']);
  });
});
