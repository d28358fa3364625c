import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStorage } from '@app/storage';

/**
 * applyVersionLifecycle against s3rver. s3rver (3.x) answers every `?lifecycle` request with
 * 501 NotImplemented, so this proves the driver's fallback against a real server; the rule
 * itself and the merge with other rules are covered by libs/storage/src/s3-lifecycle.spec.ts.
 */
interface LocalS3 {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
let server: LocalS3;
let client: S3Client;

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

describe('s3 version lifecycle (s3rver)', () => {
  it('reports that the service has no lifecycle rules, with a warning, and the store still works', async () => {
    const warnings: string[] = [];
    const store = new S3ObjectStorage(client, {
      bucket: 'vmp-lifecycle',
      versioning: false,
      onWarning: (m) => warnings.push(m),
    });
    const result = await store.applyVersionLifecycle(30);
    expect(result.applied).toBe(false);
    expect(result.reason).toMatch(/not implement/i);
    expect(warnings.some((w) => w.includes('vmp-lifecycle') && w.includes('lifecycle'))).toBe(true);
    const { Readable } = await import('node:stream');
    const { location } = await store.write('users/u/x.bin', Readable.from([Buffer.from('x')]));
    expect(await store.size(location)).toBe(1);
  });

  it('refuses a number of days that is not a whole positive number before calling the service', async () => {
    const store = new S3ObjectStorage(client, { bucket: 'vmp-lifecycle', versioning: false });
    await expect(store.applyVersionLifecycle(0)).rejects.toThrow(RangeError);
  });
});
