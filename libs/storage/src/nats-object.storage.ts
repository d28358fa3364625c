import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import {
  assertSafeKey,
  uploadAndRemove,
  type ByteRange,
  type Storage,
  type WriteResult,
} from './storage';

export interface NatsObjectStorageOptions {
  /** Bucket names are `<prefix>_sources`, `<prefix>_mezzanines` and `<prefix>_outputs`. */
  bucketPrefix: string;
  /** JetStream replicas of each bucket (1 on a single server, 3 on a cluster). */
  replicas: number;
  /** Bytes per chunk message; must stay under the server's max_payload. */
  chunkBytes?: number;
}

type Kind = 'sources' | 'mezzanines' | 'outputs';

/** The bucket of a key: its kind is the folder after the project (storageKeys' layout). */
function kindOf(key: string): Kind {
  const folder = key.split('/')[4];
  if (folder === 'mezzanines') return 'mezzanines';
  if (folder === 'jobs') return 'outputs';
  return 'sources';
}

const SCHEME = 'nats://';

/**
 * The NATS JetStream Object Store (@nats-io/obj), a bucket per kind of file. It runs on the NATS
 * already in the stack, so workers on other machines reach every file through NATS alone, and a
 * NATS cluster with `replicas` > 1 keeps each file on several servers. An object becomes visible
 * only when its last chunk and its metadata are stored; a failed put purges its chunks.
 * Ranges are served by reading from the start and skipping (the store has no seek).
 */
export class NatsObjectStorage implements Storage {
  readonly driver = 'nats' as const;
  private readonly objm: Objm;
  private readonly buckets = new Map<string, Promise<ObjectStore>>();

  constructor(
    nc: NatsConnection,
    private readonly options: NatsObjectStorageOptions,
  ) {
    this.objm = new Objm(nc);
  }

  bucketName(kind: Kind): string {
    return `${this.options.bucketPrefix}_${kind}`;
  }

  locationOf(key: string): string {
    assertSafeKey(key);
    return `${SCHEME}${this.bucketName(kindOf(key))}/${key}`;
  }

  async write(
    key: string,
    source: Readable,
    options: { signal?: AbortSignal } = {},
  ): Promise<WriteResult> {
    const location = this.locationOf(key);
    const { bucket, name } = this.parse(location);
    const store = await this.bucket(bucket);
    const abort = () => source.destroy(options.signal?.reason ?? new Error('aborted'));
    options.signal?.throwIfAborted();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      const info = await store.put(
        { name, options: { max_chunk_size: this.options.chunkBytes ?? 128 * 1024 } },
        webBytes(source),
      );
      return { location, size: info.size };
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  importFile(key: string, localFile: string): Promise<WriteResult> {
    return uploadAndRemove(this, key, localFile);
  }

  async read(location: string, range?: ByteRange): Promise<Readable> {
    const { bucket, name } = this.parse(location);
    const result = await (await this.bucket(bucket)).get(name);
    if (!result) throw Object.assign(new Error(`no such object: ${location}`), { code: 'ENOENT' });
    const stream = Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>);
    return range ? sliceBytes(stream, range) : stream;
  }

  async size(location: string): Promise<number | null> {
    const { bucket, name } = this.parse(location);
    const info = await (await this.bucket(bucket)).info(name);
    return info && !info.deleted ? info.size : null;
  }

  localFile(): null {
    return null;
  }

  async delete(location: string): Promise<void> {
    const { bucket, name } = this.parse(location);
    const store = await this.bucket(bucket);
    const info = await store.info(name);
    if (info && !info.deleted) await store.delete(name);
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    for (const kind of ['sources', 'mezzanines', 'outputs'] as const) {
      const store = await this.bucket(this.bucketName(kind));
      for (const info of await store.list()) {
        if (!info.deleted && info.name.startsWith(`${prefix}/`)) await store.delete(info.name);
      }
    }
  }

  /** Locations come from the database: only this store's own buckets are accepted. */
  private parse(location: string): { bucket: string; name: string } {
    const rest = location.startsWith(SCHEME) ? location.slice(SCHEME.length) : '';
    const slash = rest.indexOf('/');
    const bucket = rest.slice(0, slash);
    const name = rest.slice(slash + 1);
    if (slash < 1 || bucket !== this.bucketName(kindOf(name))) {
      throw new Error(`location outside this store: ${location}`);
    }
    assertSafeKey(name);
    return { bucket, name };
  }

  private bucket(name: string): Promise<ObjectStore> {
    let store = this.buckets.get(name);
    if (!store) {
      // create() opens the bucket when it exists already.
      store = this.objm.create(name, {
        replicas: this.options.replicas,
        storage: StorageType.File,
      });
      store.catch(() => this.buckets.delete(name));
      this.buckets.set(name, store);
    }
    return store;
  }
}

/** The stream's chunks as bytes, pulled one at a time (the store reads at its own pace). */
function webBytes(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : value);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

/** Bytes `start`..`end` (inclusive) of the stream; stops reading once past `end`. */
function sliceBytes(source: Readable, { start, end }: ByteRange): Readable {
  async function* slice() {
    let offset = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const from = Math.max(0, start - offset);
      const to = Math.min(chunk.length, end + 1 - offset);
      offset += chunk.length;
      if (to > from) yield chunk.subarray(from, to);
      if (offset > end) return;
    }
  }
  return Readable.from(slice());
}
