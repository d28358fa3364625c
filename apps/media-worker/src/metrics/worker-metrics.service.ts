import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Server } from 'node:http';
import type { NatsConnection } from '@nats-io/nats-core';
import type { NatsNames } from '@app/contracts';
import { PrismaService } from '@app/database';
import { InjectNats, InjectNatsNames, taskQueues } from '@app/messaging';
import {
  onScrape,
  runningJobs,
  startMetricsServer,
  watchDbPool,
  watchQueueDepth,
  watchTaskBacklog,
} from '@app/observability';
import { JobTasksRepository } from '../job-tasks/job-tasks.repository';
import { RunningJobs } from '../job-queue/running-jobs';

/**
 * The worker's Prometheus endpoint: GET /metrics on WORKER_METRICS_PORT (0 turns it off). Shows
 * ffmpeg seconds, redeliveries, jobs being split, queue depth, the fleet's task backlog by band
 * (docs/scaling.md), tasks in flight and database pool use. A port already
 * taken (several workers on one machine) costs the endpoint, not the worker.
 */
@Injectable()
export class WorkerMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetrics.name);
  private server: Server | undefined;

  constructor(
    private readonly config: ConfigService,
    private readonly prisma: PrismaService,
    private readonly running: RunningJobs,
    private readonly tasks: JobTasksRepository,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  async onModuleInit(): Promise<void> {
    watchDbPool(() => this.prisma.poolUse());
    watchQueueDepth(this.nc, this.names.media.jobsStream, this.names.media.workersConsumer);
    onScrape(() => runningJobs.set(this.running.count('split:')));
    watchTaskBacklog(() => this.tasks.backlog(), this.nc, {
      stream: this.names.media.tasksStream,
      consumers: taskQueues(this.names),
    });
    const port = this.config.getOrThrow<number>('WORKER_METRICS_PORT');
    try {
      this.server = await startMetricsServer(port);
      if (this.server) this.logger.log(`metrics on :${port}/metrics`);
    } catch (e) {
      this.logger.warn(`metrics endpoint off: port ${port}: ${(e as Error).message}`);
    }
  }

  onApplicationShutdown(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
