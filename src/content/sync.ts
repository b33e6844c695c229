/**
 * Copies the campaign library into the database (ContentItem rows of kind 'campaign'), so that
 * schedules and broadcasts can refer to messages. A row is written only when its message's hash
 * changed. Messages removed from content/ keep their rows: schedules may still refer to them.
 */
import type { CampaignLibrary } from './campaigns.ts';
import type { Db } from '../core/store/store.ts';

export const campaignKind = 'campaign';

export interface SyncCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/** Upserts one ContentItem per campaign message (body: topics, image, variants); returns what changed. */
export async function syncCampaigns(db: Db, library: CampaignLibrary): Promise<SyncCounts> {
  const messages = [...library.messages.values()];
  const existing = await db.contentItem.findMany({ where: { id: { in: messages.map((m) => m.id) } }, select: { id: true, kind: true, hash: true } });
  const stored = new Map(existing.map((row) => [row.id, row]));
  const counts: SyncCounts = { created: 0, updated: 0, unchanged: 0 };
  const writes = [];
  for (const message of messages) {
    const row = stored.get(message.id);
    if (row && row.kind !== campaignKind) throw new Error(`ContentItem "${message.id}" is a ${row.kind}, not a ${campaignKind}: rename the message`);
    if (row?.hash === message.hash) {
      counts.unchanged++;
      continue;
    }
    counts[row ? 'updated' : 'created']++;
    const data = {
      kind: campaignKind,
      title: message.title,
      hash: message.hash,
      body: { topics: message.topics, image: message.image, variants: message.variants },
      syncedAt: new Date(),
    };
    writes.push(db.contentItem.upsert({ where: { id: message.id }, create: { id: message.id, ...data }, update: data }));
  }
  if (writes.length > 0) await db.$transaction(writes);
  return counts;
}
