import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalDiskStorage, storageKeys, type Storage } from '@app/storage';
import { deleteVideoMezzanines } from './mezzanine-cleanup';

async function touch(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, 'mezzanine');
}

async function filesUnder(dir: string): Promise<string[]> {
  return (
    (await readdir(dir, { recursive: true, withFileTypes: true })) as import('node:fs').Dirent[]
  )
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

describe("deleting a video's mezzanines", () => {
  it('removes the local cache files of every profile, and only that video’s', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'vmp-mezz-'));
    const storage = new LocalDiskStorage(root);
    const mezz = path.join(root, storageKeys.project('u1', 'p1'), 'mezzanines');
    await touch(path.join(mezz, '1080p-16x9-mp4', 'vid1.mp4'));
    await touch(path.join(mezz, '720p-9x16-mov', 'vid1.mov'));
    await touch(path.join(mezz, '1080p-16x9-mp4', 'vid2.mp4'));
    // A shared-store layout written on the same disk goes too.
    await touch(path.join(root, storageKeys.mezzanine('u1', 'p1', 'vid1', '480p', 'mp4')));
    await touch(path.join(root, storageKeys.mezzanine('u1', 'p1', 'vid2', '480p', 'mp4')));

    expect(await deleteVideoMezzanines(storage, 'u1', 'p1', 'vid1')).toBe(2);

    expect(await filesUnder(mezz)).toEqual([
      path.join('1080p-16x9-mp4', 'vid2.mp4'),
      path.join('vid2', '480p.mp4'),
    ]);
  });

  it('is not an error when the video never had a mezzanine', async () => {
    const storage = new LocalDiskStorage(await mkdtemp(path.join(tmpdir(), 'vmp-mezz-')));
    await expect(deleteVideoMezzanines(storage, 'u1', 'p1', 'vid1')).resolves.toBe(0);
  });

  it('removes the video’s folder from a shared store (NATS, S3)', async () => {
    const prefixes: string[] = [];
    const remote: Pick<Storage, 'localFile' | 'locationOf' | 'deletePrefix'> = {
      localFile: () => null,
      locationOf: (key) => `s3://bucket/${key}`,
      deletePrefix: async (prefix) => void prefixes.push(prefix),
    };
    await deleteVideoMezzanines(remote, 'u1', 'p1', 'vid1');
    expect(prefixes).toEqual([
      storageKeys.mezzanine('u1', 'p1', 'vid1', 'x', 'mp4').replace(/\/x\.mp4$/, ''),
    ]);
  });
});
