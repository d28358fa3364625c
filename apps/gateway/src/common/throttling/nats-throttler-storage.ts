import { createHash } from 'node:crypto';
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { NatsNames } from '@app/contracts';

/** One counter: its window, the hits in it, and until when it is blocked (epoch ms). */
interface Counter {
  start: number;
  hits: number;
  blockedUntil: number;
}

/** Counters older than this are dropped by the server (longer than any window or block). */
const MAX_AGE_MS = 24 * 3600 * 1000;
/** Compare-and-set attempts before a hit is counted as refused (heavy contention on one key). */
const MAX_ATTEMPTS = 20;

/**
 * @nestjs/throttler's storage in a JetStream key-value bucket (a stream keeping the last
 * message per subject, as NATS KV does), so every gateway process and replica counts against
 * the same limits. Fixed windows: the first hit opens a window of `ttl` ms; a hit over `limit`
 * blocks the key for `blockDuration` ms. Each hit is a compare-and-set on the key's last
 * sequence (`Nats-Expected-Last-Subject-Sequence`): concurrent hits retry, none is lost.
 */
export class NatsThrottlerStorage implements ThrottlerStorage {
  private ready?: Promise<{ js: JetStreamClient; jsm: JetStreamManager }>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const { js, jsm } = await this.bucket();
    const subject = this.subjectOf(`${throttlerName}\u0000${key}`);
    const stream = this.names.rateLimits.bucket;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = Date.now();
      const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      let counter: Counter = last
        ? (last.json() as Counter)
        : { start: now, hits: 0, blockedUntil: 0 };
      if (counter.blockedUntil > now) return record(counter, ttl, now, true);
      if (now >= counter.start + ttl) counter = { start: now, hits: 0, blockedUntil: 0 };
      counter = { ...counter, hits: counter.hits + 1 };
      const blocked = counter.hits > limit;
      if (blocked) counter.blockedUntil = now + (blockDuration || ttl);
      try {
        await js.publish(subject, JSON.stringify(counter), {
          expect: { lastSubjectSequence: last?.seq ?? 0 },
        });
        return record(counter, ttl, now, blocked);
      } catch (e) {
        if (!isWrongLastSequence(e)) throw e;
        // another process counted a hit on this key first: read it again
      }
    }
    return {
      totalHits: limit + 1,
      timeToExpire: Math.ceil(ttl / 1000),
      isBlocked: true,
      timeToBlockExpire: 1,
    };
  }

  /** Creates the bucket's stream once (create-or-keep; any process may do it first). */
  private bucket(): Promise<{ js: JetStreamClient; jsm: JetStreamManager }> {
    this.ready ??= (async () => {
      const jsm = await jetstreamManager(this.nc);
      const name = this.names.rateLimits.bucket;
      try {
        await jsm.streams.info(name);
      } catch {
        await jsm.streams
          .add({
            name,
            subjects: [this.names.rateLimits.subjects],
            retention: RetentionPolicy.Limits,
            storage: StorageType.Memory,
            max_msgs_per_subject: 1,
            discard: DiscardPolicy.Old,
            max_age: nanos(MAX_AGE_MS),
          })
          .catch(async (e: unknown) => {
            // created meanwhile by another process
            await jsm.streams.info(name).catch(() => Promise.reject(e));
          });
      }
      return { js: jetstream(this.nc), jsm };
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  /** A subject token per key (keys hold addresses and ids: hashed, never written out). */
  private subjectOf(key: string): string {
    return this.names.rateLimits.counter(createHash('sha256').update(key).digest('base64url'));
  }
}

function record(
  counter: Counter,
  ttl: number,
  now: number,
  blocked: boolean,
): ThrottlerStorageRecord {
  return {
    totalHits: counter.hits,
    timeToExpire: Math.max(0, Math.ceil((counter.start + ttl - now) / 1000)),
    isBlocked: blocked,
    timeToBlockExpire: blocked ? Math.max(1, Math.ceil((counter.blockedUntil - now) / 1000)) : 0,
  };
}

/** JetStream's answer to a compare-and-set that lost the race. */
function isWrongLastSequence(e: unknown): boolean {
  return e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamWrongLastSequence;
}
