/**
 * `loaban` invite, groups, joincode: the communication groups, their leaders and followers.
 */
import { OperatorError, environment, withStore, action, notFound } from './common.ts';
import type { Command } from 'commander';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../features/subscriptions/index.ts'), import('../features/groups/index.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../features/subscriptions/index.ts') & typeof import('../features/groups/index.ts');
};

/** Adds the commands to `program`. */
export function groupsCommands(program: Command): void {
  program
    .command('invite')
    .requiredOption('--group <id or name>')
    .option('--deputy')
    .action(
      action(async (options: { group: string; deputy?: boolean }) => {
        const { createInvite, findGroup, GroupNotFound } = await load();
        const { config, log, t } = await environment();
        await withStore(config, log, async (store) => {
          const group = await findGroup(store.prisma, options.group).catch((error: unknown) => {
            if (!(error instanceof GroupNotFound)) throw error;
            const list = error.candidates.map((c) => `${c.id}: ${c.name}`).join('; ');
            throw new OperatorError(t(error.candidates.length > 1 ? 'ops:invite.ambiguous' : 'ops:invite.noGroup', { query: error.query, list }));
          });
          const role = options.deputy ? 'deputy' : 'leader';
          const { code, expiresAt } = await createInvite(store.prisma, { groupId: group.id, role, ttlDays: config.inviteTtlDays, createdBy: 'cli' });
          const until = expiresAt.toLocaleString('vi-VN', { timeZone: config.timeZone });
          process.stdout.write(`${t('ops:invite.made', { group: group.name, id: group.id, role: t(`ops:invite.role.${role}`), until })}\n${code}\n`);
        });
      }),
    );

    program
    .command('groups')
    .option('--json')
    .option('--by-area')
    .action(
      action(async (options: { json?: boolean; byArea?: boolean }) => {
        const { listAreaSubscribers, listGroups } = await load();
        const { config, log, t } = await environment();
        await withStore(config, log, async (store) => {
          if (options.byArea) {
            const areas = await listAreaSubscribers(store.prisma);
            if (options.json) return void process.stdout.write(`${JSON.stringify(areas, null, 2)}\n`);
            for (const a of areas) {
              process.stdout.write(`${a.id}\t${'  '.repeat(a.depth)}${a.name}\t${t('ops:groups.groups', { count: a.groups })}\t${t('ops:groups.subscribers', { count: a.subscribers })}\n`);
            }
            return;
          }
          const groups = await listGroups(store.prisma);
          if (options.json) {
            process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
            return;
          }
          for (const g of groups) {
            const leaders = g.leaders.map((l) => `${l.name} (${t(`ops:invite.role.${l.role}`)})`).join(', ') || '—';
            const chats = g.chats.map((c) => `${c.platform}:${c.chatId}`).join(', ') || '—';
            const code = g.joinCode ?? '—';
            process.stdout.write(`${g.id}\t${g.name}\t${g.areaPath.join(' › ')}\t${leaders}\t${chats}\t${t('ops:groups.joinCode')} ${code}\t${t('ops:groups.subscribers', { count: g.subscribers })}\n`);
          }
        });
      }),
    );

    program
    .command('joincode')
    .requiredOption('--group <id or name>')
    .option('--rotate')
    .action(
      action(async (options: { group: string; rotate?: boolean }) => {
        const { joinCodeOf, rotateJoinCode, findGroup, GroupNotFound } = await load();
        const { config, log, t } = await environment();
        await withStore(config, log, async (store) => {
          const group = await findGroup(store.prisma, options.group).catch((e: unknown) => Promise.reject(e instanceof GroupNotFound ? notFound(t, 'group', e) : e));
          const code = options.rotate ? await rotateJoinCode(store.prisma, group.id, 'cli') : await joinCodeOf(store.prisma, group.id);
          process.stdout.write(`${t(options.rotate ? 'ops:groups.joinCodeRotated' : 'ops:groups.joinCodeShown', { group: group.name, id: group.id })}\n${code}\n`);
        });
      }),
    );
}
