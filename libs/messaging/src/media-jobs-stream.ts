import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';

export interface MediaJobsQueueOptions {
  /** How long a worker may hold a job without an ack or an in-progress ack before redelivery. */
  ackWaitMs: number;
  /** Deliveries of one job before it is given up (the worker then marks it FAILED). */
  maxDeliver: number;
}

/** Republishing a job within this window is deduplicated by its message id (the job id). */
const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;

/**
 * The media job stream: work-queue retention (a message is removed once acked). The gateway
 * makes sure it exists before publishing; create-or-update, so any process may call it.
 */
export function ensureMediaJobsStream(jsm: JetStreamManager, names: NatsNames): Promise<void> {
  return ensureWorkQueueStream(jsm, {
    name: names.media.jobsStream,
    subjects: [names.media.jobsSubject],
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
  });
}

/**
 * A file-backed work-queue stream (a message is removed once acked; a message id seen within
 * the duplicate window is dropped), created or brought up to date; two processes racing both
 * succeed.
 */
export async function ensureWorkQueueStream(
  jsm: JetStreamManager,
  options: { name: string; subjects: string[]; duplicateWindowMs: number },
): Promise<void> {
  const settings = {
    subjects: options.subjects,
    duplicate_window: nanos(options.duplicateWindowMs),
  };
  try {
    await jsm.streams.info(options.name);
    await jsm.streams.update(options.name, settings);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add({
        name: options.name,
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        ...settings,
      });
    } catch (err) {
      if (!isAlreadyThere(err)) throw err;
    }
  }
}

/**
 * The stream plus the one durable pull consumer that every worker shares, so each job goes to
 * one worker at a time. Create-or-update.
 */
export async function ensureMediaJobsQueue(
  jsm: JetStreamManager,
  names: NatsNames,
  options: MediaJobsQueueOptions,
): Promise<void> {
  await ensureMediaJobsStream(jsm, names);
  const stream = { name: names.media.jobsStream };
  await ensureWorkConsumer(jsm, stream.name, {
    durable: names.media.workersConsumer,
    ackWaitMs: options.ackWaitMs,
    maxDeliver: options.maxDeliver,
    maxAckPending: 1000,
  });
}

/**
 * A durable pull consumer every worker shares (explicit acks, redelivery after the ack wait, up
 * to `maxDeliver` deliveries), created or brought up to date; two workers racing both succeed.
 */
export async function ensureWorkConsumer(
  jsm: JetStreamManager,
  stream: string,
  options: {
    durable: string;
    filterSubject?: string;
    ackWaitMs: number;
    maxDeliver: number;
    maxAckPending: number;
  },
): Promise<void> {
  const limits = {
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliver,
    max_ack_pending: options.maxAckPending,
  };
  try {
    await jsm.consumers.info(stream, options.durable);
    await jsm.consumers.update(stream, options.durable, limits);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.consumers.add(stream, {
        durable_name: options.durable,
        ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...limits,
      });
    } catch (err) {
      if (!isAlreadyThere(err)) throw err;
    }
  }
}

export function isAlreadyThere(e: unknown): boolean {
  return /already in use|exists/i.test((e as Error)?.message ?? '');
}

export function isNotFound(e: unknown): boolean {
  return /not found/i.test((e as Error)?.message ?? '');
}
