import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { MediaJobMessage, NatsNames } from '@app/contracts';
import {
  encodeJson,
  ensureMediaJobsStream,
  InjectNats,
  InjectNatsNames,
  requestIdHeaders,
} from '@app/messaging';

/** Publishes jobs to the media work queue; the job id is the message id (deduplicated). */
@Injectable()
export class JobQueuePublisher implements OnApplicationBootstrap {
  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureMediaJobsStream(await jetstreamManager(this.nc), this.names);
  }

  async publish(message: MediaJobMessage): Promise<void> {
    await jetstream(this.nc).publish(this.names.media.jobsSubject, encodeJson(message), {
      msgID: message.jobId,
      timeout: 5000,
      headers: requestIdHeaders(),
    });
  }

  /** Tells every worker to stop this job (the one running it acts). */
  broadcastCancel(jobId: string): void {
    this.nc.publish(this.names.media.cancelSubject, encodeJson({ jobId }));
  }
}
