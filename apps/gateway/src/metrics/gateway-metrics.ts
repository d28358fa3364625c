import { Injectable, OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import { PrismaService } from '@app/database';
import { InjectNats, InjectNatsNames } from '@app/messaging';
import { watchDbPool, watchJobsByStatus, watchQueueDepth } from '@app/observability';

/** Gauges read at scrape time: jobs by status, queue depth, database pool use. */
@Injectable()
export class GatewayMetrics implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  onModuleInit(): void {
    // Counts across every tenant: service-level work, named as such.
    watchJobsByStatus(() =>
      this.prisma.asService('gateway-metrics', async () =>
        (await this.prisma.processingJob.groupBy({ by: ['status'], _count: { _all: true } })).map(
          (r) => ({ status: r.status, count: r._count._all }),
        ),
      ),
    );
    watchDbPool(() => this.prisma.poolUse());
    watchQueueDepth(this.nc, this.names.media.jobsStream, this.names.media.workersConsumer);
  }
}
