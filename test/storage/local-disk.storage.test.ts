import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalDiskStorage } from '@app/storage';
import { describeStorageContract } from './storage-contract';

describeStorageContract(
  'local disk',
  async () => new LocalDiskStorage(await mkdtemp(path.join(tmpdir(), 'vmp-local-'))),
);

describe('local disk specifics', () => {
  it('stores file:// URLs of absolute paths and refuses a location outside its root', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'vmp-local-'));
    const storage = new LocalDiskStorage(root);
    const location = storage.locationOf('users/u/projects/p/sources/v.mp4');
    expect(location).toBe(`file://${root}/users/u/projects/p/sources/v.mp4`);
    expect(storage.localFile(location)).toBe(path.join(root, 'users/u/projects/p/sources/v.mp4'));
    // Rows written before locations had a scheme hold the bare path.
    expect(storage.localFile(path.join(root, 'users/x.mp4'))).toBe(path.join(root, 'users/x.mp4'));
    await expect(storage.read('/etc/passwd')).rejects.toThrow(/outside the storage root/);
    await expect(storage.read('file:///etc/passwd')).rejects.toThrow(/outside the storage root/);
    await expect(storage.read(`file://${root}/../x`)).rejects.toThrow(/outside the storage root/);
  });
});
