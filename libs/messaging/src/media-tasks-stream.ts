import type { JetStreamManager } from '@nats-io/jetstream';
import {
  TASK_BANDS,
  TASK_LEVELS,
  type NatsNames,
  type TaskBand,
  type TaskLevel,
} from '@app/contracts';
import {
  ensureWorkConsumer,
  ensureWorkQueueStream,
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
  await ensureWorkQueueStream(jsm, {
    name: names.media.tasksStream,
    subjects: [names.media.tasksSubjects],
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
  });
  for (const queue of taskQueues(names)) {
    await ensureWorkConsumer(jsm, names.media.tasksStream, {
      durable: queue.consumer,
      filterSubject: queue.subject,
      ackWaitMs: options.ackWaitMs,
      maxDeliver: options.maxDeliver,
      maxAckPending: 10_000,
    });
  }
}
