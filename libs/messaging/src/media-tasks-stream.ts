import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import {
  TASK_BANDS,
  TASK_LEVELS,
  type NatsNames,
  type TaskBand,
  type TaskLevel,
} from '@app/contracts';
import {
  ensureWorkConsumer,
  isAlreadyThere,
  isNotFound,
  type MediaJobsQueueOptions,
} from './media-jobs-stream';

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
      if (!isAlreadyThere(err)) throw err;
    }
  }
  for (const queue of taskQueues(names)) {
    await ensureWorkConsumer(jsm, stream.name, {
      durable: queue.consumer,
      filterSubject: queue.subject,
      ackWaitMs: options.ackWaitMs,
      maxDeliver: options.maxDeliver,
      maxAckPending: 10_000,
    });
  }
}
