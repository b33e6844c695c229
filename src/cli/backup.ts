/**
 * `loaban backup` and `loaban restore`: the embedded database to one file and back (see
 * core/store/backup.ts). A backup taken while `loaban start` runs is taken by it, through its
 * control socket; a restore writes only into an empty DATA_DIR.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { OperatorError, action, environment, shownPath, withStore } from './common.ts';

/** What the commands below need, loaded when one runs (not for `--help`). */
const load = async () => {
  const loaded = await Promise.all([import('../core/store/backup.ts'), import('../core/time.ts')]);
  return Object.assign({}, ...loaded) as typeof import('../core/store/backup.ts') & typeof import('../core/time.ts');
};

/** Adds the commands to `program`. */
export function backupCommands(program: Command): void {
  program
    .command('backup')
    .option('--out <file>')
    .action(
      action(async (options: { out?: string }) => {
        const { backupName, takeBackup } = await load();
        const { config, log, t } = await environment();
        if (config.databaseUrl) throw new OperatorError(t('ops:backup.postgres'));
        const file = options.out ?? path.join(config.dataDir, 'backups', backupName(new Date(), config.timeZone));
        const bytes = await withStore(config, log, (store) => takeBackup(store));
        mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        writeFileSync(file, bytes, { mode: 0o600 });
        process.stdout.write(`${t('ops:backup.written', { file: shownPath(file), size: (bytes.length / 1048576).toFixed(1) })}\n`);
      }),
    );

  program
    .command('restore <file>')
    .action(
      action(async (file: string) => {
        const { readBackup, restoreInto, formatLocalDateTime } = await load();
        const { config, t } = await environment();
        if (config.databaseUrl) throw new OperatorError(t('ops:backup.postgres'));
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          throw new OperatorError(t('ops:backup.noFile', { file }));
        }
        const say = (key: string) => t(`ops:backup.${key}`, { file, dir: config.dataDir });
        const { meta, image } = readBackup(bytes, say);
        await restoreInto(config.dataDir, image, say, () => t('ops:backup.notEmpty', { dir: config.dataDir }));
        process.stdout.write(`${t('ops:backup.restored', { file, at: formatLocalDateTime(new Date(meta.createdAt), config.timeZone), dir: config.dataDir })}\n`);
      }),
    );
}
