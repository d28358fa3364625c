import { Readable, Transform } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertSafeKey,
  uploadAndRemove,
  type ByteRange,
  type Storage,
  type WriteResult,
} from './storage';

export interface S3ObjectStorageOptions {
  bucket: string;
  /** Turn the bucket's versioning on, new bucket or not (the seed's backup section asks for it). */
  versioning: boolean;
  /** Size of each part of a multipart upload (at least 5 MiB, S3's minimum). */
  partBytes?: number;
  /** Parts uploaded at once; memory used is about partBytes × queueSize. */
  queueSize?: number;
  onWarning?: (message: string) => void;
}

const SCHEME = 's3://';
/** The id of the lifecycle rule this driver owns in its bucket; other rules are left as they are. */
export const VERSION_LIFECYCLE_RULE_ID = 'vmp-expire-old-versions';

/**
 * Pure: the lifecycle rule for a versioned bucket. With versioning on, a delete only adds a
 * delete marker and an overwrite keeps the old bytes as a noncurrent version: nothing frees
 * space until this rule expires noncurrent versions `days` after they became noncurrent. It also
 * removes delete markers left with no version behind them, and parts of multipart uploads
 * abandoned for a day (a crashed upload otherwise keeps its parts, billed, forever).
 */
export function versionLifecycleRule(days: number): LifecycleRule {
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`days must be a whole number of at least 1, not ${days}`);
  }
  return {
    ID: VERSION_LIFECYCLE_RULE_ID,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    NoncurrentVersionExpiration: { NoncurrentDays: days },
    Expiration: { ExpiredObjectDeleteMarker: true },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  };
}

export interface LifecycleResult {
  applied: boolean;
  /** Why not, when the service does not implement lifecycle rules (s3rver, some gateways). */
  reason?: string;
}
const MIN_PART = 5 * 1024 * 1024;

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err?.name === 'NotFound' ||
    err?.name === 'NoSuchKey' ||
    err?.name === 'NoSuchBucket' ||
    err?.$metadata?.httpStatusCode === 404
  );
}

/**
 * Any S3-compatible service (AWS S3, MinIO, Ceph...) through @aws-sdk/client-s3. Writes go
 * through @aws-sdk/lib-storage's multipart Upload, so memory stays at a few parts whatever the
 * file's size, and a failed upload is aborted (S3 shows an object only once it is complete).
 * Ranges are served by S3 itself.
 */
export class S3ObjectStorage implements Storage {
  readonly driver = 's3' as const;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly options: S3ObjectStorageOptions,
  ) {}

  locationOf(key: string): string {
    assertSafeKey(key);
    return `${SCHEME}${this.options.bucket}/${key}`;
  }

  async write(
    key: string,
    source: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<WriteResult> {
    const location = this.locationOf(key);
    await this.ensureBucket();
    options.signal?.throwIfAborted();
    let size = 0;
    // Counts the bytes, and carries the source's failure into the upload.
    const body = new Transform({
      transform(chunk: Buffer | string, _enc, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    source.on('error', (e) => body.destroy(e));
    source.pipe(body);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: key, Body: body },
      partSize: Math.max(MIN_PART, this.options.partBytes ?? MIN_PART),
      queueSize: this.options.queueSize ?? 2,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
      return { location, size };
    } catch (e) {
      source.destroy();
      throw options.signal?.aborted ? (options.signal.reason ?? e) : e;
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  importFile(key: string, localFile: string): Promise<WriteResult> {
    return uploadAndRemove(this, key, localFile);
  }

  async read(location: string, range?: ByteRange): Promise<Readable> {
    const key = this.keyOf(location);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return res.Body as Readable;
    } catch (e) {
      if (isNotFound(e))
        throw Object.assign(new Error(`no such object: ${location}`), { code: 'ENOENT' });
      throw e;
    }
  }

  async size(location: string): Promise<number | null> {
    const key = this.keyOf(location);
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return head.ContentLength ?? 0;
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  localFile(): null {
    return null;
  }

  async delete(location: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(location) }),
    );
  }

  /** With versioning on, deleted objects stay as noncurrent versions until the bucket's lifecycle removes them. */
  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${prefix}/`,
          ContinuationToken: token,
        }),
      );
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length) {
        await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.options.bucket,
            Delete: { Objects: keys, Quiet: true },
          }),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Puts `versionLifecycleRule(days)` in the bucket's lifecycle configuration, replacing an
   * earlier one of ours and keeping every other rule (PutBucketLifecycleConfiguration replaces
   * the whole configuration, so the current one is read first). A service without lifecycle
   * support (NotImplemented, as s3rver answers) gets a warning and `applied: false`; noncurrent
   * versions then have to be expired by the service's own means. Other errors are thrown.
   */
  async applyVersionLifecycle(days: number): Promise<LifecycleResult> {
    const rule = versionLifecycleRule(days);
    const Bucket = this.options.bucket;
    await this.ensureBucket();
    try {
      let rules: LifecycleRule[] = [];
      try {
        const current = await this.client.send(
          new GetBucketLifecycleConfigurationCommand({ Bucket }),
        );
        rules = current.Rules ?? [];
      } catch (e) {
        if ((e as { name?: string }).name !== 'NoSuchLifecycleConfiguration') throw e;
      }
      await this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket,
          LifecycleConfiguration: {
            Rules: [...rules.filter((r) => r.ID !== VERSION_LIFECYCLE_RULE_ID), rule],
          },
        }),
      );
      return { applied: true };
    } catch (e) {
      const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
      if (err.name !== 'NotImplemented' && err.$metadata?.httpStatusCode !== 501) throw e;
      const reason = `the service does not implement lifecycle rules (${err.message ?? err.name})`;
      this.options.onWarning?.(
        `bucket ${Bucket}: no lifecycle rule for old versions: ${reason}; ` +
          'deleted and overwritten objects keep their space until removed by other means',
      );
      return { applied: false, reason };
    }
  }

  private keyOf(location: string): string {
    const head = `${SCHEME}${this.options.bucket}/`;
    if (!location.startsWith(head)) throw new Error(`location outside this store: ${location}`);
    const key = location.slice(head.length);
    assertSafeKey(key);
    return key;
  }

  /** Creates the bucket when missing, and asks for versioning when configured. */
  private ensureBucket(): Promise<void> {
    this.ready ??= (async () => {
      const Bucket = this.options.bucket;
      try {
        await this.client.send(new HeadBucketCommand({ Bucket }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await this.client.send(new CreateBucketCommand({ Bucket }));
      }
      if (!this.options.versioning) return;
      try {
        const current = await this.client.send(new GetBucketVersioningCommand({ Bucket }));
        if (current.Status !== 'Enabled') {
          await this.client.send(
            new PutBucketVersioningCommand({
              Bucket,
              VersioningConfiguration: { Status: 'Enabled' },
            }),
          );
        }
      } catch (e) {
        this.options.onWarning?.(
          `bucket ${Bucket}: versioning could not be enabled (${(e as Error).message}); ` +
            'file history then relies on the service itself',
        );
      }
    })().catch((e) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }
}
