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
import {
  decodeJson,
  ensureMediaJobsQueue,
  InjectNats,
  InjectNatsNames,
  requestIdOf,
} from '@app/messaging';
import { jobRedeliveries, requestContext } from '@app/observability';
import { RunJob } from '../run-job/run-job.usecase';
import type { JobOutcome } from './job-outcome';
import { RunningJobs } from './running-jobs';

/** How long SIGTERM waits for running jobs before handing them back to the queue. */
const SHUTDOWN_GRACE_MS = 20_000;

/**
 * Pulls media jobs from the shared durable consumer, at most WORKER_CONCURRENCY at a time.
 * A job is acked only after its outcome is recorded; while it runs, in-progress acks keep
 * JetStream from redelivering it. A worker that dies stops those, and after the ack wait the
 * job goes to another worker, which resumes it.
 */
@Injectable()
export class JobsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsConsumer.name);
  private stopping = false;
  private loop?: Promise<void>;
  private readonly concurrency: number;
  private readonly ackWaitMs: number;
  private readonly maxDeliver: number;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly runJob: RunJob,
    private readonly running: RunningJobs,
    config: ConfigService,
  ) {
    this.concurrency = config.getOrThrow<number>('WORKER_CONCURRENCY');
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
    this.logger.log(
      `taking jobs from ${this.names.media.jobsStream} (concurrency ${this.concurrency})`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.logger.log(`stopping: no new jobs; ${this.running.size} running`);
    await this.loop;
    const finished = await this.running.waitForAll(SHUTDOWN_GRACE_MS);
    if (!finished) {
      this.logger.warn('handing running jobs back to the queue');
      this.running.abortAll('shutdown');
      await this.running.waitForAll(SHUTDOWN_GRACE_MS);
    }
  }

  private async pull(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      if (this.running.size >= this.concurrency) {
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
    // Every log line of this job carries the request id that asked for it, and the job id.
    const context = { requestId: requestIdOf(msg.headers), jobId };
    await requestContext.run(context, () => this.run(msg, jobId));
  }

  private async run(msg: JsMsg, jobId: string): Promise<void> {
    if (msg.info.deliveryCount > 1) jobRedeliveries.inc();
    // In-progress acks at a third of the ack wait: two can be lost before redelivery.
    const heartbeat = setInterval(() => msg.working(), Math.max(500, this.ackWaitMs / 3));
    const controller = this.running.start(jobId);
    let outcome: JobOutcome;
    try {
      outcome = await this.runJob.execute(jobId, {
        signal: controller.signal,
        deliveryCount: msg.info.deliveryCount,
        maxDeliver: this.maxDeliver,
      });
    } catch (e) {
      this.logger.error(`job ${jobId}: ${(e as Error).message}`);
      outcome = { kind: 'retry', delayMs: 5000 };
    } finally {
      clearInterval(heartbeat);
      this.running.finish(jobId);
    }
    if (outcome.kind === 'done') msg.ack();
    else msg.nak(outcome.kind === 'retry' ? outcome.delayMs : 0);
  }
}
