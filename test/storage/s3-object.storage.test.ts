import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStorage } from '@app/storage';
import { describeStorageContract } from './storage-contract';

/**
 * The s3 driver against a local S3-compatible server (s3rver, a dev dependency from the npm
 * registry) started by this file on a free loopback port.
 */
interface LocalS3 {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
let server: LocalS3;
let client: S3Client;
const warnings: string[] = [];

function storage(bucket = 'vmp-contract'): S3ObjectStorage {
  return new S3ObjectStorage(client, {
    bucket,
    versioning: true,
    onWarning: (m) => warnings.push(m),
  });
}

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (options: object) => LocalS3;
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: mkdtempSync(path.join(tmpdir(), 'vmp-s3rver-')),
  });
  const { port } = await server.run();
  client = new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  client?.destroy();
  await server?.close();
});

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
