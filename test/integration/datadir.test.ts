import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/core/store/migrations.ts';
import { openStore, StoreError } from '../../src/core/store/store.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'loaban-data-'));

describe('the embedded database folder (DATA_DIR)', () => {
  it('is its owner\'s alone: made so when new, and made so when an earlier version left it open to others', async () => {
    // What people told the bot lives here: on a shared server no other account may read it.
    const mode = (dir: string) => statSync(dir).mode & 0o777;
    const fresh = path.join(tempDir(), 'loaban', 'data');
    const store = await openStore({ databaseUrl: null, dataDir: fresh });
    await store.close();
    expect(mode(fresh)).toBe(0o700);

    chmodSync(fresh, 0o755);
    const again = await openStore({ databaseUrl: null, dataDir: fresh });
    await again.close();
    expect(mode(fresh)).toBe(0o700);

    // A folder that is not Loa Bản's (DATA_DIR mistyped) is refused as it is, its mode too.
    const foreign = tempDir();
    writeFileSync(path.join(foreign, 'notes.txt'), 'x');
    chmodSync(foreign, 0o755);
    await expect(openStore({ databaseUrl: null, dataDir: foreign })).rejects.toThrow(StoreError);
    expect(mode(foreign)).toBe(0o755);
    // Parents made for it are made as usual; only the folder itself is closed to others.
    expect(mode(path.dirname(fresh))).toBe(0o777 & ~process.umask());
  }, 60_000);

  it('a new database that was made but does not open is removed, so the next start makes it again, and is said so', async () => {
    const dataDir = tempDir();
    const error = await openStore({
      databaseUrl: null,
      dataDir,
      language: 'vi',
      whenNew: async (where) => {
        if (where.kind !== 'pglite') throw new Error('the embedded database was expected');
        // What a damaged template would unpack: a folder that claims to be a database.
        mkdirSync(where.dbDir);
        writeFileSync(path.join(where.dbDir, 'PG_VERSION'), '17\n');
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/^Cơ sở dữ liệu mới vừa tạo trong .* không mở được \(.*\): đã xoá nó để lần khởi động sau tạo lại\./);
    expect(readdirSync(dataDir).sort()).toEqual(['LOABAN-DATA.txt']);
    const store = await openStore({ databaseUrl: null, dataDir });
    await store.close();
  }, 60_000);

  it('keeps data across a close and a reopen', async () => {
    const dataDir = tempDir();
    const first = await openStore({ databaseUrl: null, dataDir });
    await applyMigrations(first.adapterFactory);
    await first.prisma.area.create({ data: { code: 'keep', name: 'Bản Giữ', level: 'village', path: '/1/' } });
    await first.close();

    const second = await openStore({ databaseUrl: null, dataDir });
    expect(await applyMigrations(second.adapterFactory)).toEqual([]);
    expect((await second.prisma.area.findUniqueOrThrow({ where: { code: 'keep' } })).name).toBe('Bản Giữ');
    await second.close();
  });

  it('is sized for a small server: 16 MB of shared buffers, not Postgres\' 128 MB', async () => {
    const store = await openStore({ databaseUrl: null, dataDir: tempDir() });
    try {
      expect(await store.prisma.$queryRawUnsafe('SHOW shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    } finally {
      await store.close();
    }
  });

  it('refuses a folder holding other files, and touches none of them', async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'thesis.docx'), 'not ours');
    await expect(openStore({ databaseUrl: null, dataDir })).rejects.toThrow(/DATA_DIR .* (holds other files|có tệp khác)/);
    expect(readdirSync(dataDir)).toEqual(['thesis.docx']);
  });

  it('refuses a file where a folder should be', async () => {
    const file = path.join(tempDir(), 'data');
    writeFileSync(file, '');
    await expect(openStore({ databaseUrl: null, dataDir: file })).rejects.toBeInstanceOf(StoreError);
  });

  it('refuses a damaged database without deleting anything', async () => {
    const dataDir = tempDir();
    const store = await openStore({ databaseUrl: null, dataDir });
    await store.close();
    writeFileSync(path.join(dataDir, 'db', 'PG_VERSION'), 'garbage');
    mkdirSync(path.join(dataDir, 'db', 'global'), { recursive: true });
    for (const f of readdirSync(path.join(dataDir, 'db', 'global'))) writeFileSync(path.join(dataDir, 'db', 'global', f), 'garbage');
    const before = readdirSync(path.join(dataDir, 'db')).sort();
    const error = await openStore({ databaseUrl: null, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message.split('\n')).toHaveLength(1);
    expect(readdirSync(path.join(dataDir, 'db')).sort()).toEqual(before);
  });

  it('refuses to open a folder another live process is using', async () => {
    const dataDir = tempDir();
    await (await openStore({ databaseUrl: null, dataDir })).close();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(path.join(dataDir, 'loaban.pid'), String(other.pid));
      await expect(openStore({ databaseUrl: null, dataDir })).rejects.toThrow(String(other.pid));
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const dataDir = tempDir();
    await (await openStore({ databaseUrl: null, dataDir })).close();
    writeFileSync(path.join(dataDir, 'loaban.pid'), '999999');
    const store = await openStore({ databaseUrl: null, dataDir });
    expect(readFileSync(path.join(dataDir, 'loaban.pid'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it('says which PostgreSQL server does not answer, in one line, without the password', async () => {
    const error = await openStore({ databaseUrl: 'postgresql://loaban:s3cret@127.0.0.1:1/loaban', dataDir: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain('127.0.0.1:1/loaban');
    expect((error as Error).message).not.toContain('s3cret');
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });
});
