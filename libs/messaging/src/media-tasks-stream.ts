import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import {
  TASK_BANDS,
  TASK_LEVELS,
  type NatsNames,
  type TaskBand,
  type TaskLevel,
} from '@app/contracts';
import type { MediaJobsQueueOptions } from './media-jobs-stream';

/** A task republished within this window (same `<jobId>.<seq>` message id) is dropped. */
const DUPLICATE_WINDOW_MS = 2 * 3600 * 1000;

export interface TaskQueue {
  band: TaskBand;
  level: TaskLevel;
  subject: string;
  consumer: string;
}

/** Every band × level of the task queue, in drain order within each band. */
export function taskQueues(names: NatsNames): TaskQueue[] {
  return TASK_BANDS.flatMap((band) =>
    TASK_LEVELS.map((level) => ({
      band,
      level,
      subject: names.media.taskSubject(band, level),
      consumer: names.media.taskConsumer(band, level),
    })),
  );
}

/**
 * The task stream (work-queue retention: a task is removed once acked) and one durable pull
 * consumer per band and level, shared by every worker. Create-or-update, so any worker may call it.
 */
export async function ensureMediaTasksQueue(
  jsm: JetStreamManager,
  names: NatsNames,
  options: MediaJobsQueueOptions,
): Promise<void> {
  const stream = {
    name: names.media.tasksStream,
    subjects: [names.media.tasksSubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
  try {
    await jsm.streams.info(stream.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add(stream);
    } catch (err) {
      // Another worker created it first.
      if (!/already in use|exists/i.test((err as Error).message)) throw err;
    }
  }
  for (const queue of taskQueues(names)) {
    const consumer = {
      durable_name: queue.consumer,
      filter_subject: queue.subject,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs),
      max_deliver: options.maxDeliver,
      max_ack_pending: 10_000,
    };
    try {
      await jsm.consumers.info(stream.name, consumer.durable_name);
      await jsm.consumers.update(stream.name, consumer.durable_name, {
        ack_wait: consumer.ack_wait,
        max_deliver: consumer.max_deliver,
        max_ack_pending: consumer.max_ack_pending,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await jsm.consumers.add(stream.name, consumer);
      } catch (err) {
        if (!/already in use|exists/i.test((err as Error).message)) throw err;
      }
    }
  }
}

function isNotFound(e: unknown): boolean {
  return /not found/i.test((e as Error)?.message ?? '');
}
