import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream, jetstreamManager, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { MediaJobMessage, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson, ensureMediaJobsQueue, InjectNats, InjectNatsNames } from '@app/messaging';
import { SplitJob } from '../split-job/split-job.usecase';
import { runMessage } from './message-runner';
import { RunningJobs } from './running-jobs';

/** How long SIGTERM waits for running work before handing it back to the queue. */
export const SHUTDOWN_GRACE_MS = 20_000;

/** Job messages split at a time by one worker (splitting is short: a probe per clip). */
const SPLITS_AT_ONCE = 1;

/**
 * Pulls job messages from the shared durable consumer and splits each job into tasks
 * (split-job/); the tasks are run by TasksConsumer, on any worker. A message is acked once the
 * job's tasks are written; a worker that dies while splitting stops its in-progress acks, and
 * after the ack wait the message goes to another worker, which finds the plan or writes it.
 */
@Injectable()
export class JobsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsConsumer.name);
  private stopping = false;
  private loop?: Promise<void>;
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly splitJob: SplitJob,
    private readonly running: RunningJobs,
    config: ConfigService,
  ) {
    this.ackWaitMs = config.getOrThrow<number>('JOB_ACK_WAIT_MS');
    this.maxDeliver = config.getOrThrow<number>('JOB_MAX_DELIVER');
  }

  async onApplicationBootstrap(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await ensureMediaJobsQueue(jsm, this.names, {
      ackWaitMs: this.ackWaitMs,
      maxDeliver: this.maxDeliver,
    });
    const consumer = await jetstream(this.nc).consumers.get(
      this.names.media.jobsStream,
      this.names.media.workersConsumer,
    );
    this.loop = this.pull(consumer);
    this.logger.log(`taking jobs from ${this.names.media.jobsStream}`);
  }

  /** No new job messages; running splits finish (or are handed back) with the tasks. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async pull(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      if (this.running.count('split:') >= SPLITS_AT_ONCE) {
        await this.running.waitForSlot();
        continue;
      }
      let msg: JsMsg | null = null;
      try {
        msg = await consumer.next({ expires: 2000 });
      } catch (e) {
        if (this.stopping) break;
        this.logger.warn(`pull failed, retrying: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (msg) void this.handle(msg);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let jobId: string;
    try {
      jobId = parsePayload(MediaJobMessage, decodeJson(msg.data)).jobId;
    } catch (e) {
      this.logger.error(`dropping a malformed job message: ${(e as Error).message}`);
      msg.term('malformed');
      return;
    }
    await runMessage(
      msg,
      { key: `split:${jobId}`, jobId, ackWaitMs: this.ackWaitMs, maxDeliver: this.maxDeliver },
      this.running,
      (ctx) => this.splitJob.execute(jobId, ctx),
      (e) => this.logger.error(`job ${jobId}: ${e.message}`),
    );
  }
}
