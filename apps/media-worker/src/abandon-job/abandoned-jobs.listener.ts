import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { MediaJobMessage, MediaTaskMessage, parsePayload, type NatsNames } from '@app/contracts';

/** A stream whose spent messages abandon their job. */
interface Source {
  stream: string;
  what: string;
  jobOf: (data: unknown) => string;
}
import { decodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import { AbandonJob } from './abandon-job.usecase';

/**
 * JetStream's MAX_DELIVERIES advisory: a job message, or one of a job's tasks, was delivered
 * JOB_MAX_DELIVER times and no worker acked it (each worker holding it was killed before it
 * could record an outcome). Without this the job would stay PROCESSING for ever with its credits
 * reserved. One worker of the queue group fails the job, settles its credits, and removes the
 * spent message from its stream.
 */
@Injectable()
export class AbandonedJobsListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(AbandonedJobsListener.name);
  private subscriptions: Subscription[] = [];

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly abandonJob: AbandonJob,
    private readonly config: ConfigService,
  ) {}

  onApplicationBootstrap(): void {
    const { maxDeliveriesAdvisory, taskMaxDeliveriesAdvisory, advisoriesQueue } = this.names.media;
    const listen = (subject: string, source: Source) =>
      this.nc.subscribe(subject, {
        queue: advisoriesQueue,
        callback: (error, msg) => {
          if (!error) void this.handle(decodeJson(msg.data) as { stream_seq?: number }, source);
        },
      });
    this.subscriptions = [
      listen(maxDeliveriesAdvisory, {
        stream: this.names.media.jobsStream,
        what: 'this job',
        jobOf: (data) => parsePayload(MediaJobMessage, data).jobId,
      }),
      listen(taskMaxDeliveriesAdvisory, {
        stream: this.names.media.tasksStream,
        what: 'a task of this job',
        jobOf: (data) => parsePayload(MediaTaskMessage, data).jobId,
      }),
    ];
  }

  private async handle(advisory: { stream_seq?: number }, source: Source): Promise<void> {
    const { stream, what } = source;
    const seq = advisory.stream_seq;
    if (!seq) return;
    try {
      const jsm = await jetstreamManager(this.nc);
      const stored = await jsm.streams.getMessage(stream, { seq });
      if (!stored) return;
      const jobId = source.jobOf(decodeJson(stored.data));
      const attempts = this.config.getOrThrow<number>('JOB_MAX_DELIVER');
      const reason = `no worker finished ${what} in ${attempts} attempts (the workers stopped while running it)`;
      // Settling needs billing: a few tries, since no redelivery will come for this message.
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.abandonJob.execute(jobId, reason);
        if (outcome.kind === 'done') break;
        if (attempt === 5) {
          this.logger.error(`job ${jobId}: credits not settled after ${attempt} tries`);
          break;
        }
        await new Promise((r) => setTimeout(r, 5000));
      }
      await jsm.streams.deleteMessage(stream, seq, false);
    } catch (e) {
      this.logger.warn(`max-deliveries advisory for message ${seq}: ${(e as Error).message}`);
    }
  }
}
