/**
 * A leader on Zalo, where there are no buttons and no groups for a basic bot: registers in her
 * private chat, then reports by numbered choices and typed numbers — a typed "1" is one person,
 * never a stale choice.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ZaloChannel } from '../../src/channels/zalo/zalo.ts';
import { choiceMemory } from '../../src/channels/zalo/choices.ts';
import { createInboundHandler } from '../../src/bot/inbound.ts';
import { readDemoData, seedDemo } from '../../src/features/groups/demo.ts';
import { createInvite } from '../../src/features/subscriptions/invites.ts';
import { createLogger } from '../../src/core/log.ts';
import { defaultContentDir } from '../../src/core/paths.ts';
import type { Store } from '../../src/core/store/store.ts';
import { startFakeZalo, type FakeZalo } from '../fakes/zalo-fake.ts';
import { freshStore } from '../support/stores.ts';
import { chatDeps } from '../support/inbound.ts';

const log = createLogger('silent', false);
let store: Store;
let fake: FakeZalo;
let channel: ZaloChannel;

beforeAll(async () => {
  store = await freshStore('pglite');
  await seedDemo(store.prisma, readDemoData(defaultContentDir));
  fake = await startFakeZalo();
  channel = new ZaloChannel({ token: fake.token, apiRoot: fake.apiRoot, webhook: null, http: Fastify(), choices: choiceMemory(store.prisma, 'zalo'), log, pollTimeoutSeconds: 1 });
  await channel.start(createInboundHandler({ ...chatDeps(), db: store.prisma, log, channel }));
});
afterAll(async () => {
  await channel?.stop();
  await fake?.close();
  await store?.close();
});

const chat = 'zalo-leader-1';
async function say(text: string): Promise<string> {
  const before = fake.sentTo(chat).length;
  fake.textMessage({ chatId: chat, text, from: { id: chat, name: 'Vì Thị Nga' } });
  await vi.waitFor(() => expect(fake.sentTo(chat).length).toBeGreaterThan(before), { timeout: 5000 });
  return fake.sentTo(chat).at(-1)!.text;
}
const numberOf = (text: string, label: string) => new RegExp(`^(\\d+)\\. ${label.replace(/[()/]/g, '\\$&')}$`, 'm').exec(text)?.[1];

it('registers privately and reports with numbered choices and typed numbers', async () => {
  const group = await store.prisma.communicationGroup.findFirstOrThrow({ where: { name: 'Tổ truyền thông bản Nậm Ty' } });
  const { code } = await createInvite(store.prisma, { groupId: group.id, role: 'leader', ttlDays: 14, createdBy: 'test' });
  expect(await say(`/dangky ${code}`)).toContain('Bạn là tổ trưởng của «Tổ truyền thông bản Nậm Ty»');

  let m = await say('/baocao');
  m = await say(numberOf(m, 'Hôm nay')!);
  m = await say(numberOf(m, 'Khác')!);
  // Zalo cannot change a message: the topics are one compact numbered list, answered with numbers.
  expect(m.match(/Tảo hôn/g)).toHaveLength(1);
  expect(m).not.toMatch(/^\d+\. (✓ )?Xong$/m);
  expect(m).toContain('3. Tảo hôn');
  m = await say('3, 5');
  expect(m).toContain('bao nhiêu người');
  m = await say('2');
  expect(m).toContain('Trong 2 người đó, có bao nhiêu nữ?');
  m = await say('1');
  expect(m).toContain('dân tộc thiểu số');
  m = await say('1');
  m = await say('nhà bà Nga');
  m = await say(numberOf(m, 'Bỏ qua')!);
  m = await say(numberOf(m, 'Không có ảnh')!);
  expect(m).toContain('Số người tham gia: 2 (nữ: 1, DTTS: 1)');
  expect(m).toContain('Chủ đề: Tảo hôn, Bạo lực gia đình và bạo lực trên cơ sở giới');
  expect(m.length).toBeLessThanOrEqual(2000);
  expect(await say(numberOf(m, '✅ Xác nhận')!)).toContain('Đã lưu báo cáo');
  const [report] = await store.prisma.sessionReport.findMany({ where: { groupId: group.id } });
  expect(report).toMatchObject({ format: 'other', participantsTotal: 2, participantsWomen: 1, participantsEthnicMinority: 1, place: 'nhà bà Nga', source: 'zalo' });
}, 60_000);
