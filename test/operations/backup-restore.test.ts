import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { APP_TABLES } from '@app/database';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';
import { videoFileRow } from '../support/factories';
import { APP_ROLE, BILLING_ROLE, withDatabase, withUser } from '../support/global-setup';
import { seed } from '../../prisma/seed';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** Row count and an order-independent checksum of every row's text, per table. */
async function fingerprint(url: string): Promise<Record<string, { rows: number; md5: string }>> {
  return withPg(url, async (c) => {
    const result: Record<string, { rows: number; md5: string }> = {};
    for (const table of APP_TABLES) {
      const { rows } = await c.query<{ n: string; md5: string | null }>(
        `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM "${table}" t`,
      );
      result[table] = { rows: Number(rows[0].n), md5: rows[0].md5 ?? '' };
    }
    return result;
  });
}

// pg_dump, pg_restore and the role's grants (tsx) are separate processes: seconds, not milliseconds.
jest.setTimeout(120_000);

let db: TestDatabase;
let restoredName: string;
beforeAll(async () => {
  db = await createTestDatabase();
  restoredName = `vmp_test_restore_${randomBytes(4).toString('hex')}`;
});
afterAll(async () => {
  await withPg(withDatabase(db.url, 'postgres'), (c) =>
    c.query(`DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`),
  );
  await db.drop();
});

describe('backup and restore', () => {
  it('restores a populated database and its storage files exactly into a fresh database', async () => {
    const { testUser, project } = await seed(db.prisma);
    const group = await db.prisma.videoGroup.create({
      data: { name: 'Hooks', order: 0, projectId: project.id },
    });
    const video = await db.prisma.videoFile.create({
      data: videoFileRow({
        originalName: 'ä clip.mp4',
        size: 3_000_000_000n,
        duration: 4.04,
        resolution: '1080x1920',
        projectId: project.id,
        groupId: group.id,
      }),
    });
    const job = await db.prisma.processingJob.create({
      data: { projectId: project.id, status: 'COMPLETED', progress: 100 },
    });
    await db.prisma.outputFile.create({
      data: {
        jobId: job.id,
        filename: 'o.mp4',
        path: '/s/o.mp4',
        size: 10,
        duration: 4.04,
        metadata: { campaign: 'demo' },
        sourceFiles: [video.id],
      },
    });
    await db.prisma.creditTransaction.create({
      data: {
        userId: testUser.id,
        amount: -5,
        type: 'USAGE',
        description: 'job',
        reference: `job:${job.id}:reserve`,
      },
    });
    const before = await fingerprint(db.url);
    expect(before.users.rows).toBe(1);
    expect(before.output_files.rows).toBe(1);

    const backupDir = await mkdtemp(path.join(tmpdir(), 'vmp-backup-'));
    const storageDir = await mkdtemp(path.join(tmpdir(), 'vmp-backup-storage-'));
    await mkdir(path.join(storageDir, 'users/u/projects/p/sources'), { recursive: true });
    await writeFile(path.join(storageDir, 'users/u/projects/p/sources/v.mp4'), 'video bytes');
    const env = {
      ...process.env,
      MIGRATION_DATABASE_URL: db.url,
      BACKUP_DIR: backupDir,
      STORAGE_DIR: storageDir,
    };
    const { stdout } = await run('bash', [path.join(ROOT, 'scripts/backup.sh'), '--with-storage'], {
      env,
    });
    const dump = stdout.trim().split('\n').pop()!;
    expect(dump).toMatch(/videomixpro-\d{8}T\d{6}Z\.dump$/);
    expect((await readdir(backupDir)).sort()).toEqual([
      path.basename(dump),
      path.basename(dump).replace('.dump', '.storage.tar.gz'),
    ]);

    const restoredStorage = await mkdtemp(path.join(tmpdir(), 'vmp-restored-storage-'));
    const restoredUrl = withDatabase(db.url, restoredName);
    await run('bash', [path.join(ROOT, 'scripts/restore.sh'), dump], {
      env: {
        ...process.env,
        MIGRATION_DATABASE_URL: restoredUrl,
        APP_DATABASE_URL: withUser(restoredUrl, APP_ROLE),
        STORAGE_DIR: restoredStorage,
      },
    });
    expect(await fingerprint(restoredUrl)).toEqual(before);
    // The application roles have their grants back (the dump carries none), under RLS as before:
    // nothing without a scope, every row for service-level work.
    await withPg(withUser(restoredUrl, APP_ROLE), async (c) => {
      expect((await c.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
      expect((await c.query('SELECT count(*)::int AS n FROM projects')).rows[0].n).toBe(0);
      await c.query("SELECT set_config('app.service', 'check', false)");
      expect((await c.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
    });
    // So have the services' own roles named in the environment (BILLING_DATABASE_URL ...).
    await withPg(withUser(restoredUrl, BILLING_ROLE), async (c) => {
      await c.query("SELECT set_config('app.service', 'billing', false)");
      expect((await c.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(1);
    });
    expect(
      await readFile(path.join(restoredStorage, 'users/u/projects/p/sources/v.mp4'), 'utf8'),
    ).toBe('video bytes');
  });

  it('keeps only the newest BACKUP_KEEP dumps', async () => {
    const backupDir = await mkdtemp(path.join(tmpdir(), 'vmp-backup-keep-'));
    for (const stamp of ['20200101T000000Z', '20200102T000000Z', '20200103T000000Z']) {
      await writeFile(path.join(backupDir, `videomixpro-${stamp}.dump`), 'old');
    }
    const env = {
      ...process.env,
      MIGRATION_DATABASE_URL: db.url,
      BACKUP_DIR: backupDir,
      BACKUP_KEEP: '2',
    };
    const { stdout } = await run('bash', [path.join(ROOT, 'scripts/backup.sh')], { env });
    const files = (await readdir(backupDir)).sort();
    expect(files).toEqual(['videomixpro-20200103T000000Z.dump', path.basename(stdout.trim())]);
  });

  it('refuses to run without a database URL', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.MIGRATION_DATABASE_URL;
    await expect(
      run('bash', [path.join(ROOT, 'scripts/backup.sh')], { env }),
    ).rejects.toMatchObject({ code: 1 });
  });
});
