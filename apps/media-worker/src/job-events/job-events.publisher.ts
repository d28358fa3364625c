import { Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import type { JobEvent, NatsNames } from '@app/contracts';
import { encodeJson, InjectNats, InjectNatsNames } from '@app/messaging';

/** Publishes a job's progress and status changes (core NATS; the gateway's SSE relays them). */
@Injectable()
export class JobEventsPublisher {
  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  publish(event: Omit<JobEvent, 'at'>): void {
    if (this.nc.isClosed()) return;
    this.nc.publish(
      this.names.media.jobEvents(event.jobId),
      encodeJson({ ...event, at: new Date().toISOString() }),
    );
  }
}
