import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3ObjectStorage } from '@app/storage';
import { useLocalS3 } from '../support/local-s3';
import { describeStorageContract } from './storage-contract';

/**
 * The s3 driver against a local S3-compatible server (s3rver, a dev dependency from the npm
 * registry) started by this file on a free loopback port.
 */
const s3 = useLocalS3();
const warnings: string[] = [];

function storage(bucket = 'vmp-contract'): S3ObjectStorage {
  return new S3ObjectStorage(s3.client, {
    bucket,
    versioning: true,
    onWarning: (m) => warnings.push(m),
  });
}

describeStorageContract('s3 (s3rver)', async () => storage());

describe('s3 specifics', () => {
  it('creates its bucket on first use and names locations s3://bucket/key', async () => {
    const store = storage('vmp-fresh-bucket');
    const { location } = await store.write(
      'users/u/projects/p/sources/v.bin',
      Readable.from([Buffer.from('x')]),
    );
    expect(location).toBe('s3://vmp-fresh-bucket/users/u/projects/p/sources/v.bin');
    expect(await store.size(location)).toBe(1);
    // s3rver has no versioning: the driver says so instead of failing.
    expect(warnings.some((w) => w.includes('vmp-fresh-bucket') && w.includes('versioning'))).toBe(
      true,
    );
  });

  it('uploads a file larger than one part as a multipart upload, byte for byte', async () => {
    const bytes = randomBytes(11 * 1024 * 1024 + 3);
    const store = storage();
    const { location, size } = await store.write(
      'users/u/projects/p/sources/large.bin',
      Readable.from([bytes.subarray(0, 4 * 1024 * 1024), bytes.subarray(4 * 1024 * 1024)]),
    );
    expect(size).toBe(bytes.length);
    const back: Buffer[] = [];
    for await (const c of await store.read(location)) back.push(Buffer.from(c));
    expect(Buffer.concat(back).equals(bytes)).toBe(true);
  });

  it('refuses locations of another bucket or scheme', async () => {
    const store = storage();
    await expect(store.read('s3://other/users/u/x.bin')).rejects.toThrow(/outside this store/);
    await expect(store.read('file:///etc/passwd')).rejects.toThrow(/outside this store/);
  });
});
