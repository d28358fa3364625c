import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';

interface LocalS3 {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export interface TestS3 {
  /** A client of the local server; filled in beforeAll. */
  client: S3Client;
}

/**
 * A local S3-compatible server (s3rver, a dev dependency from the npm registry) on a free
 * loopback port for this file, started in beforeAll and closed in afterAll.
 */
export function useLocalS3(): TestS3 {
  const s3: Partial<TestS3> = {};
  let server: LocalS3 | undefined;
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
    s3.client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });
  afterAll(async () => {
    s3.client?.destroy();
    await server?.close();
  });
  return s3 as TestS3;
}
