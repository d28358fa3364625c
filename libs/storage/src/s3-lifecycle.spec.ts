import {
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { LocalDiskStorage } from './local-disk.storage';
import {
  S3ObjectStorage,
  VERSION_LIFECYCLE_RULE_ID,
  versionLifecycleRule,
} from './s3-object.storage';
import { applyVersionLifecycleAtBoot } from './storage-lifecycle';

/** An in-memory S3 bucket's lifecycle configuration behind the client's `send`. */
function fakeS3(initial: LifecycleRule[] | null, failWith?: Error) {
  const state = { rules: initial, puts: 0 };
  const client = {
    async send(command: unknown) {
      if (command instanceof HeadBucketCommand) return {};
      if (failWith) throw failWith;
      if (command instanceof GetBucketLifecycleConfigurationCommand) {
        if (!state.rules) {
          throw Object.assign(new Error('none'), { name: 'NoSuchLifecycleConfiguration' });
        }
        return { Rules: state.rules };
      }
      if (command instanceof PutBucketLifecycleConfigurationCommand) {
        state.puts += 1;
        state.rules = command.input.LifecycleConfiguration?.Rules ?? [];
        return {};
      }
      throw new Error(`unexpected ${String(command)}`);
    },
  } as unknown as S3Client;
  return { client, state };
}

describe('S3 version lifecycle', () => {
  it('expires noncurrent versions after the given days, stray delete markers and stale parts', () => {
    expect(versionLifecycleRule(30)).toEqual({
      ID: VERSION_LIFECYCLE_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      Expiration: { ExpiredObjectDeleteMarker: true },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(() => versionLifecycleRule(0)).toThrow(RangeError);
    expect(() => versionLifecycleRule(1.5)).toThrow(RangeError);
  });

  it('adds its rule to a bucket without any', async () => {
    const { client, state } = fakeS3(null);
    const store = new S3ObjectStorage(client, { bucket: 'b', versioning: false });
    await expect(store.applyVersionLifecycle(7)).resolves.toEqual({ applied: true });
    expect(state.rules).toEqual([versionLifecycleRule(7)]);
  });

  it('replaces its earlier rule and keeps the bucket’s other rules', async () => {
    const other: LifecycleRule = { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' } };
    const { client, state } = fakeS3([other, versionLifecycleRule(90)]);
    const store = new S3ObjectStorage(client, { bucket: 'b', versioning: false });
    await store.applyVersionLifecycle(14);
    expect(state.rules).toEqual([other, versionLifecycleRule(14)]);
  });

  it('warns and reports it when the service has no lifecycle support, throws other errors', async () => {
    const warnings: string[] = [];
    const unsupported = Object.assign(new Error('not implemented'), { name: 'NotImplemented' });
    const store = new S3ObjectStorage(fakeS3(null, unsupported).client, {
      bucket: 'b',
      versioning: false,
      onWarning: (m) => warnings.push(m),
    });
    await expect(store.applyVersionLifecycle(30)).resolves.toMatchObject({ applied: false });
    expect(warnings.join()).toMatch(/bucket b: no lifecycle rule/);

    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied' });
    const strict = new S3ObjectStorage(fakeS3(null, denied).client, {
      bucket: 'b',
      versioning: false,
    });
    await expect(strict.applyVersionLifecycle(30)).rejects.toThrow('denied');
  });
});

describe('the lifecycle rule at boot (S3_VERSION_LIFECYCLE_DAYS)', () => {
  const logs = () => {
    const lines: string[] = [];
    return {
      lines,
      log: (m: string) => lines.push(`log: ${m}`),
      warn: (m: string) => lines.push(`warn: ${m}`),
    };
  };

  it('puts the rule in the bucket and says so', async () => {
    const { client, state } = fakeS3(null);
    const log = logs();
    await applyVersionLifecycleAtBoot(
      new S3ObjectStorage(client, { bucket: 'b', versioning: true }),
      30,
      log,
    );
    expect(state.rules).toEqual([versionLifecycleRule(30)]);
    expect(log.lines).toEqual([expect.stringMatching(/^log: .*expire 30 day/)]);
  });

  it('does nothing with 0', async () => {
    const { client, state } = fakeS3(null);
    const log = logs();
    await applyVersionLifecycleAtBoot(
      new S3ObjectStorage(client, { bucket: 'b', versioning: true }),
      0,
      log,
    );
    expect(state.puts).toBe(0);
    expect(log.lines).toEqual([]);
  });

  it('never throws: a refusal or an unsupported service is a warning', async () => {
    for (const error of [
      Object.assign(new Error('denied'), { name: 'AccessDenied' }),
      Object.assign(new Error('not implemented'), { name: 'NotImplemented' }),
    ]) {
      const log = logs();
      const store = new S3ObjectStorage(fakeS3(null, error).client, {
        bucket: 'b',
        versioning: false,
      });
      await expect(applyVersionLifecycleAtBoot(store, 30, log)).resolves.toBeUndefined();
      expect(log.lines).toEqual([expect.stringMatching(/^warn: bucket lifecycle rule not set/)]);
    }
  });

  it('warns that another driver has no such rule', async () => {
    const log = logs();
    await applyVersionLifecycleAtBoot(new LocalDiskStorage('/nonexistent'), 7, log);
    expect(log.lines).toEqual([expect.stringMatching(/^warn: .*STORAGE_DRIVER=s3 only/)]);
  });
});
