/** Campaign messages copied into the database: written when new or edited, left alone otherwise. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampaigns } from '../../src/content/campaigns.ts';
import { syncCampaigns } from '../../src/content/sync.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { backends, freshStore } from '../support/stores.ts';

/** The shipped content, with a Hmong translation of the 8/3 message. */
function contentWithTranslation(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'loaban-sync-'));
  cpSync(defaultContentDir, dir, { recursive: true });
  const vi = path.join(dir, 'campaigns', 'womens-day-8-3.md');
  writeFileSync(vi, readFileSync(vi, 'utf8').replace('languages: [vi]', 'languages: [vi, hmn]'));
  writeFileSync(path.join(dir, 'campaigns', 'womens-day-8-3.hmn.md'), '---\nid: womens-day-8-3\nsource: test translation\n---\n[hmn] placeholder, not a translation\n');
  return dir;
}

describe.each(backends)('syncing the campaign library (%s)', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore(backend);
  });
  afterAll(() => store?.close());

  it('creates every message once, leaves them alone when nothing changed, and rewrites only an edited translation', async () => {
    const dir = contentWithTranslation();
    const library = loadCampaigns(dir);
    const total = library.messages.size;

    expect(await syncCampaigns(store.prisma, library)).toEqual({ created: total, updated: 0, unchanged: 0 });
    const row = await store.prisma.contentItem.findUniqueOrThrow({ where: { id: 'womens-day-8-3' } });
    const message = library.messages.get('womens-day-8-3')!;
    expect(row).toMatchObject({ kind: 'campaign', title: message.title, hash: message.hash });
    expect(row.body).toEqual({ topics: message.topics, image: null, variants: { vi: message.variants.vi, hmn: '[hmn] placeholder, not a translation' } });

    expect(await syncCampaigns(store.prisma, loadCampaigns(dir))).toEqual({ created: 0, updated: 0, unchanged: total });
    const untouched = await store.prisma.contentItem.findUniqueOrThrow({ where: { id: 'womens-day-8-3' } });
    expect(untouched.syncedAt).toEqual(row.syncedAt);

    writeFileSync(path.join(dir, 'campaigns', 'womens-day-8-3.hmn.md'), '---\nid: womens-day-8-3\nsource: test translation\n---\n[hmn] second placeholder, not a translation\n');
    const edited = loadCampaigns(dir);
    expect(await syncCampaigns(store.prisma, edited)).toEqual({ created: 0, updated: 1, unchanged: total - 1 });
    const after = await store.prisma.contentItem.findUniqueOrThrow({ where: { id: 'womens-day-8-3' } });
    expect(after.hash).toBe(edited.messages.get('womens-day-8-3')!.hash);
    expect(after.hash).not.toBe(row.hash);
    expect((after.body as { variants: Record<string, string> }).variants.hmn).toBe('[hmn] second placeholder, not a translation');
    expect(after.syncedAt.getTime()).toBeGreaterThan(row.syncedAt.getTime());
    expect(await store.prisma.contentItem.count({ where: { kind: 'campaign' } })).toBe(total);
  });
});
