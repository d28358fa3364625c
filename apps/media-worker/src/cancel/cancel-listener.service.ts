import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { CancelJobMessage, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import { RunningJobs } from '../jobs-queue/running-jobs';

/** Hears every cancel broadcast; the worker running that job stops it at once. */
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

  /** Subscribed on the server (so a test can publish right after boot without a race). */
  async ready(): Promise<void> {
    await this.nc.flush();
  }
}
