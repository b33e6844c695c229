/**
 * `loaban` admin add, admin list: the Women's Union admins of the dashboard.
 */
import type { AdminLevel } from '../features/groups/index.ts';
import type { Platform } from '../channels/channel.ts';
import { OperatorError, environment, withStore, action, notFound } from './common.ts';
import type { Command } from 'commander';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../features/admin/index.ts'), import('../features/groups/index.ts'), import('../channels/channel.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../features/admin/index.ts') & typeof import('../features/groups/index.ts') & typeof import('../channels/channel.ts');
};

/** Adds the commands to `program`. */
export function adminsCommands(program: Command): void {
  const admin = program.command('admin');

  admin
    .command('add')
    .requiredOption('--platform <platform>')
    .requiredOption('--user <id>')
    .requiredOption('--name <name>')
    .requiredOption('--area <id or name>')
    .requiredOption('--level <level>')
    .action(
      action(async (options: { platform: string; user: string; name: string; area: string; level: string }) => {
        const { addAdmin, adminLevels, AreaNotFound, findArea, platforms } = await load();
        const { config, log, t } = await environment();
        if (!(platforms as readonly string[]).includes(options.platform)) throw new OperatorError(t('ops:admin.badPlatform', { value: options.platform }));
        if (!adminLevels.includes(options.level as AdminLevel)) throw new OperatorError(t('ops:admin.badLevel', { value: options.level }));
        const user = options.user.trim();
        const name = options.name.trim();
        if (!/^\S{1,100}$/.test(user)) throw new OperatorError(t('ops:admin.badUser', { value: options.user }));
        if (name === '' || name.length > 100) throw new OperatorError(t('ops:admin.badName'));
        await withStore(config, log, async (store) => {
          const area = await findArea(store.prisma, options.area).catch((e: unknown) => Promise.reject(e instanceof AreaNotFound ? notFound(t, 'area', e) : e));
          const platform = options.platform as Platform;
          const level = options.level as AdminLevel;
          const added = await addAdmin(store.prisma, { platform, userId: user, displayName: name, areaId: area.id, level, actor: 'cli' });
          const params = { name, platform, user, area: area.name, areaId: area.id, level: t(`ops:admin.level.${level}`) };
          process.stdout.write(`${t(`ops:admin.${added.outcome}`, params)}\n${t('ops:admin.howToLogin')}\n`);
        });
      }),
    );

  admin
    .command('list')
    .option('--json')
    .action(
      action(async (options: { json?: boolean }) => {
        const { listAdmins } = await load();
        const { config, log, t } = await environment();
        await withStore(config, log, async (store) => {
          const rows = await listAdmins(store.prisma);
          if (options.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          if (rows.length === 0) process.stdout.write(`${t('ops:admin.none')}\n`);
          for (const r of rows) {
            const level = t(`ops:admin.level.${r.level}`, { defaultValue: r.level });
            process.stdout.write(`${r.personId}\t${r.name}\t${r.platform}:${r.userId}\t${r.area} (${r.areaId})\t${level}\n`);
          }
        });
      }),
    );
}
