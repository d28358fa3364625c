import { S3ObjectStorage } from '@app/storage';
import { useLocalS3 } from '../support/local-s3';

/**
 * applyVersionLifecycle against s3rver. s3rver (3.x) answers every `?lifecycle` request with
 * 501 NotImplemented, so this proves the driver's fallback against a real server; the rule
 * itself and the merge with other rules are covered by libs/storage/src/s3-lifecycle.spec.ts.
 */
const s3 = useLocalS3();

describe('s3 version lifecycle (s3rver)', () => {
  it('reports that the service has no lifecycle rules, with a warning, and the store still works', async () => {
    const warnings: string[] = [];
    const store = new S3ObjectStorage(s3.client, {
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
    const store = new S3ObjectStorage(s3.client, { bucket: 'vmp-lifecycle', versioning: false });
    await expect(store.applyVersionLifecycle(0)).rejects.toThrow(RangeError);
  });
});
