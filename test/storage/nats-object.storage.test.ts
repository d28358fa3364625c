import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { Objm } from '@nats-io/obj';
import { Readable } from 'node:stream';
import { NatsObjectStorage } from '@app/storage';
import { describeStorageContract } from './storage-contract';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
let prefix: string;
let nc: NatsConnection;

beforeAll(async () => {
  prefix = `${process.env.NATS_PREFIX}_store`;
  nc = await connect({ servers: NATS_URL });
});
afterAll(async () => {
  // The buckets are this file's own (NATS_PREFIX is unique per test file).
  const objm = new Objm(nc);
  for (const kind of ['sources', 'mezzanines', 'outputs']) {
    await objm
      .open(`${prefix}_${kind}`)
      .then((os) => os.destroy())
      .catch(() => undefined);
  }
  await nc.close();
});

describeStorageContract(
  'nats object store',
  async () => new NatsObjectStorage(nc, { bucketPrefix: prefix, replicas: 1 }),
);

describe('nats object store specifics', () => {
  it('names each location by its bucket and key, one bucket per kind of file', () => {
    const storage = new NatsObjectStorage(nc, { bucketPrefix: prefix, replicas: 1 });
    expect(storage.locationOf('users/u/projects/p/sources/v.mp4')).toBe(
      `nats://${prefix}_sources/users/u/projects/p/sources/v.mp4`,
    );
    expect(storage.locationOf('users/u/projects/p/mezzanines/v/k.mov')).toMatch(
      new RegExp(`^nats://${prefix}_mezzanines/`),
    );
    expect(storage.locationOf('users/u/projects/p/jobs/j/o.mp4')).toMatch(
      new RegExp(`^nats://${prefix}_outputs/`),
    );
  });

  it('refuses locations of other buckets, other schemes and unsafe names', async () => {
    const storage = new NatsObjectStorage(nc, { bucketPrefix: prefix, replicas: 1 });
    for (const location of [
      'nats://other_sources/users/u/projects/p/sources/v.mp4',
      `file:///etc/passwd`,
      `nats://${prefix}_sources/users/../../x`,
    ]) {
      await expect(storage.read(location)).rejects.toThrow(/outside this store|unsafe/);
    }
  });

  it('an aborted write stores nothing', async () => {
    const storage = new NatsObjectStorage(nc, { bucketPrefix: prefix, replicas: 1 });
    const controller = new AbortController();
    let chunks = 0;
    // The client goes away once the store has taken a few chunks (several chunk messages).
    const endless = new Readable({
      read() {
        if (++chunks === 8) controller.abort(new Error('client went away'));
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    const key = 'users/u9/projects/p/sources/aborted.bin';
    const writing = storage.write(key, endless, { signal: controller.signal });
    await expect(writing).rejects.toThrow();
    expect(await storage.size(storage.locationOf(key))).toBeNull();
  });
});
