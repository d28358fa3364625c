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
  it('stores absolute paths and refuses a location outside its root', async () => {
    const storage = new LocalDiskStorage(await mkdtemp(path.join(tmpdir(), 'vmp-local-')));
    expect(path.isAbsolute(storage.locationOf('users/u/projects/p/sources/v.mp4'))).toBe(true);
    await expect(storage.read('/etc/passwd')).rejects.toThrow(/outside the storage root/);
  });
});
