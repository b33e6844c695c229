/**
 * Demo data from content/demo.yaml: an imaginary province with communes, villages, their
 * communication groups and leaders, and Women's Union admins — all marked isDemo. Seeding is
 * idempotent: areas, groups and people that exist (by code or key) are left as they are.
 */
import path from 'node:path';
import { z } from 'zod';
import { sandboxPrivateChatId as privateChatId } from '../../channels/channel.ts';
import { readYamlFile } from '../../content/yaml.ts';
import { defaultLanguage, translator } from '../../core/i18n.ts';
import type { Db } from '../../core/store/store.ts';
import { createArea } from './areas.ts';

interface DemoArea {
  code: string;
  name: string;
  level: string;
  group?: string;
  leader?: string;
  children?: DemoArea[];
}

const areaSchema: z.ZodType<DemoArea> = z.lazy(() =>
  z.strictObject({
    code: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    level: z.string().min(1),
    group: z.string().min(1).optional(),
    leader: z.string().min(1).optional(),
    children: z.array(areaSchema).optional(),
  }),
);

const demoSchema = z.strictObject({
  areas: z.array(areaSchema).min(1),
  admins: z.array(
    z
      .strictObject({ key: z.string().min(1), name: z.string().min(1), area: z.string().min(1).optional(), areas: z.array(z.string().min(1)).min(1).optional(), level: z.string().min(1) })
      .refine((a) => (a.area === undefined) !== (a.areas === undefined), { message: 'give either `area` or `areas`' }),
  ),
});

export type DemoData = z.infer<typeof demoSchema>;

export function readDemoData(contentDir: string): DemoData {
  return readYamlFile(path.join(contentDir, 'demo.yaml'), demoSchema);
}

/** The sandbox chat id of a group's group chat. */
export const sandboxGroupChatId = (areaCode: string) => `group:${areaCode}`;

export interface SeedResult {
  areas: number;
  groups: number;
  admins: number;
}

/** Creates whatever of the demo data is missing; returns how many of each were created. */
export async function seedDemo(db: Db, demo: DemoData): Promise<SeedResult> {
  const created: SeedResult = { areas: 0, groups: 0, admins: 0 };

  /** A sandbox person with their private chat with the bot. */
  async function person(key: string, displayName: string) {
    const p = await db.person.upsert({
      where: { platform_platformUserId: { platform: 'sandbox', platformUserId: key } },
      create: { platform: 'sandbox', platformUserId: key, displayName, isDemo: true },
      update: {},
    });
    await db.chatLink.upsert({
      where: { platform_chatId: { platform: 'sandbox', chatId: privateChatId(key) } },
      create: { platform: 'sandbox', chatId: privateChatId(key), kind: 'private', personId: p.id },
      update: {},
    });
    return p;
  }

  async function visit(node: DemoArea, parentId: number | null): Promise<void> {
    let area = await db.area.findUnique({ where: { code: node.code } });
    if (!area) {
      area = await createArea(db, { code: node.code, name: node.name, level: node.level, parentId, isDemo: true });
      created.areas++;
    }
    if (node.group && !(await db.communicationGroup.findFirst({ where: { areaId: area.id } }))) {
      const group = await db.communicationGroup.create({ data: { name: node.group, areaId: area.id, isDemo: true } });
      created.groups++;
      await db.chatLink.create({
        data: { platform: 'sandbox', chatId: sandboxGroupChatId(node.code), kind: 'group', title: node.group, groupId: group.id },
      });
      if (node.leader) {
        const leader = await person(`leader-${node.code}`, node.leader);
        await db.membership.create({ data: { personId: leader.id, groupId: group.id, role: 'leader' } });
      }
      // One villager per group, so the sandbox knows where "a villager of this village" lives.
      const villager = await person(`villager-${node.code}`, translator(defaultLanguage)('sandbox:villagerName', { area: node.name }));
      await db.membership.create({ data: { personId: villager.id, groupId: group.id, role: 'member' } });
    }
    for (const child of node.children ?? []) await visit(child, area.id);
  }

  for (const root of demo.areas) await visit(root, null);
  for (const admin of demo.admins) {
    const p = await person(admin.key, admin.name);
    let granted = false;
    for (const code of admin.areas ?? [admin.area!]) {
      const area = await db.area.findUniqueOrThrow({ where: { code } });
      const grant = await db.adminGrant.findUnique({ where: { personId_areaId: { personId: p.id, areaId: area.id } } });
      if (!grant) {
        await db.adminGrant.create({ data: { personId: p.id, areaId: area.id, level: admin.level } });
        granted = true;
      }
    }
    if (granted) created.admins++;
  }
  return created;
}
