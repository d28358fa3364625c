import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { dbPool, jobsByStatus, onScrape, queueDepth } from './metrics';
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
