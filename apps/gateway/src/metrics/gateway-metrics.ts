import { Injectable, OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import { InjectNats, InjectNatsNames, taskQueues } from '@app/messaging';
import {
  watchDbPool,
  watchJobsByStatus,
  watchQueueDepth,
  watchTaskBacklog,
} from '@app/observability';
import { MetricsRepository } from './metrics.repository';

/** Gauges read at scrape time: jobs by status, queue depth, the fleet's tasks, pool use. */
@Injectable()
export class GatewayMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsRepository,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  onModuleInit(): void {
    watchJobsByStatus(() => this.metrics.jobsByStatus());
    watchDbPool(() => this.metrics.poolUse());
    watchQueueDepth(this.nc, this.names.media.jobsStream, this.names.media.workersConsumer);
    watchTaskBacklog(() => this.metrics.taskBacklog(), this.nc, {
      stream: this.names.media.tasksStream,
      consumers: taskQueues(this.names),
    });
  }
}
