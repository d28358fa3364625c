import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  dbPool,
  jobsByStatus,
  onScrape,
  queueDepth,
  taskBacklog,
  taskDrainSeconds,
  taskOldestSeconds,
  taskQueuePending,
} from './metrics';
import { JOB_STATUSES } from '@app/contracts/enums';

/** Database pool use (total, idle, waiting), read at each scrape. */
export function watchDbPool(use: () => { total: number; idle: number; waiting: number }): void {
  onScrape(() => {
    const now = use();
    dbPool.set({ state: 'total' }, now.total);
    dbPool.set({ state: 'idle' }, now.idle);
    dbPool.set({ state: 'waiting' }, now.waiting);
  });
}

/** Jobs waiting in the JetStream work queue, read from the workers' consumer at each scrape. */
export function watchQueueDepth(nc: NatsConnection, stream: string, consumer: string): void {
  onScrape(async () => {
    const jsm = await jetstreamManager(nc);
    queueDepth.set((await jsm.consumers.info(stream, consumer)).num_pending);
  });
}

/** Processing jobs by status, counted in the database at each scrape. */
export function watchJobsByStatus(count: () => Promise<{ status: string; count: number }[]>): void {
  onScrape(async () => {
    const rows = await count();
    for (const status of JOB_STATUSES)
      jobsByStatus.set({ status }, rows.find((r) => r.status === status)?.count ?? 0);
  });
}

/** One band's unfinished tasks (the database function fleet_task_backlog()). */
export interface TaskBacklog {
  band: string;
  waiting: number;
  queued: number;
  oldestSeconds: number;
  /** Mean run time of the tasks finished in the last 10 minutes (0: none). */
  meanTaskSeconds: number;
}

/**
 * Pure: seconds to finish every unfinished task at the current pace: the tasks × the mean task
 * time ÷ the tasks running at once now (at least 1). 0 when nothing is left.
 */
export function estimateDrainSeconds(backlog: readonly TaskBacklog[], running: number): number {
  const left = backlog.reduce((s, b) => s + b.waiting + b.queued, 0);
  if (!left) return 0;
  const mean = Math.max(0, ...backlog.map((b) => b.meanTaskSeconds));
  return (left * mean) / Math.max(1, running);
}

/**
 * The fleet's capacity signals at each scrape (docs/scaling.md): tasks by band and status and
 * the oldest one's age (from the database), the task queue's undelivered tasks by band and level
 * and the estimated drain time (from JetStream's consumers: delivered but unacked = running).
 */
export function watchTaskBacklog(
  read: () => Promise<TaskBacklog[]>,
  nc: NatsConnection,
  queue: { stream: string; consumers: { band: string; level: string; consumer: string }[] },
): void {
  onScrape(async () => {
    const [backlog, infos] = await Promise.all([
      read(),
      jetstreamManager(nc).then((jsm) =>
        Promise.all(
          queue.consumers.map((c) =>
            jsm.consumers.info(queue.stream, c.consumer).catch(() => null),
          ),
        ),
      ),
    ]);
    for (const b of backlog) {
      taskBacklog.set({ band: b.band, status: 'WAITING' }, b.waiting);
      taskBacklog.set({ band: b.band, status: 'QUEUED' }, b.queued);
      taskOldestSeconds.set({ band: b.band }, b.oldestSeconds);
    }
    let running = 0;
    queue.consumers.forEach((c, i) => {
      taskQueuePending.set({ band: c.band, level: c.level }, infos[i]?.num_pending ?? 0);
      running += infos[i]?.num_ack_pending ?? 0;
    });
    taskDrainSeconds.set(estimateDrainSeconds(backlog, running));
  });
}
