import { Injectable, OnModuleInit } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import { PrismaService } from '@app/database';
import { InjectNats, InjectNatsNames } from '@app/messaging';
import { dbPool, jobsByStatus, onScrape, queueDepth } from '@app/observability';

const STATUSES = ['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** Gauges read at scrape time: jobs by status, queue depth, database pool use. */
@Injectable()
export class GatewayMetrics implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  onModuleInit(): void {
    onScrape(async () => {
      const rows = await this.prisma.processingJob.groupBy({
        by: ['status'],
        _count: { _all: true },
      });
      for (const s of STATUSES)
        jobsByStatus.set({ status: s }, rows.find((r) => r.status === s)?._count._all ?? 0);
    });
    onScrape(() => {
      const use = this.prisma.poolUse();
      dbPool.set({ state: 'total' }, use.total);
      dbPool.set({ state: 'idle' }, use.idle);
      dbPool.set({ state: 'waiting' }, use.waiting);
    });
    onScrape(async () => {
      const jsm = await jetstreamManager(this.nc);
      const info = await jsm.consumers.info(
        this.names.media.jobsStream,
        this.names.media.workersConsumer,
      );
      queueDepth.set(info.num_pending);
    });
  }
}
