import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { CancelJobMessage, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import { RunningJobs } from '../job-queue/running-jobs';

/**
 * Cancelling on the worker's side: hears every cancel broadcast (the gateway has already made the
 * job CANCELLED); the worker running that job stops it at once, and the run settles it.
 */
@Injectable()
export class CancelListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(CancelListener.name);
  private subscription?: Subscription;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
    private readonly running: RunningJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.subscription = this.nc.subscribe(this.names.media.cancelSubject, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const { jobId } = parsePayload(CancelJobMessage, decodeJson(msg.data));
          if (this.running.abort(jobId, 'cancel')) this.logger.log(`cancelling job ${jobId}`);
        } catch (e) {
          this.logger.warn(`ignoring a malformed cancel message: ${(e as Error).message}`);
        }
      },
    });
  }
}
