import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { taskLevel, type MediaTaskMessage, type NatsNames } from '@app/contracts';
import { encodeJson, InjectNats, InjectNatsNames, requestIdHeaders } from '@app/messaging';
import { JobTasksRepository, type StoredTask } from './job-tasks.repository';

/**
 * Moves a user's ready tasks from the database to the task queue (job_tasks WAITING → QUEUED):
 * at most TASKS_PER_USER of one user's tasks are on the queue or running at a time, so another
 * user's tasks are never behind more than that many of one user's in a band (fair shares,
 * docs/scaling.md). Called after a job is planned and after each task is done; a periodic sweep
 * covers a worker that died between the two.
 */
@Injectable()
export class TaskDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TaskDispatcher.name);
  private readonly cap: number;
  private readonly sweepMs: number;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly tasks: JobTasksRepository,
    config: ConfigService,
  ) {
    this.cap = config.getOrThrow<number>('TASKS_PER_USER');
    this.sweepMs = config.getOrThrow<number>('TASK_SWEEP_INTERVAL_MS');
  }

  onApplicationBootstrap(): void {
    if (this.sweepMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.sweepMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Publishes what the user's share allows now; returns how many tasks were queued. */
  async dispatch(userId: string): Promise<number> {
    const js = jetstream(this.nc);
    return this.tasks.dispatch(userId, this.cap, async (ready: StoredTask[]) => {
      for (const task of ready) {
        const message: MediaTaskMessage = { jobId: task.jobId, seq: task.seq };
        await js.publish(
          this.names.media.taskSubject(task.band, taskLevel(task.priority)),
          encodeJson(message),
          { msgID: `${task.jobId}.${task.seq}`, timeout: 5000, headers: requestIdHeaders() },
        );
      }
    });
  }

  private async sweep(): Promise<void> {
    try {
      for (const userId of await this.tasks.usersWaiting()) await this.dispatch(userId);
    } catch (e) {
      this.logger.warn(`task sweep failed: ${(e as Error).message}`);
    }
  }
}
