import { Injectable, OnModuleDestroy, type MessageEvent } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NatsConnection } from '@nats-io/nats-core';
import { Observable } from 'rxjs';
import { FINAL_JOB_STATUSES, type NatsNames } from '@app/contracts';
import { tenantScope } from '@app/database';
import { InjectNats, InjectNatsNames } from '@app/messaging';
import { JobEventHub, type JobState } from './job-events/job-event-hub';
import { JobsRepository } from './jobs.repository';

/** Database look-ups back the NATS events, so a missed event only delays, never loses, a state. */
const POLL_MS = 2000;

/**
 * A job's progress and status changes as Server-Sent Events: its current state first, then
 * every change (from the workers' NATS events, backed by polling the database) until a final
 * state, which is sent and closes the stream. Progress never goes backwards in the stream. All
 * streams of one job share one NATS subscription and one poller (JobEventHub), and a user holds
 * at most SSE_MAX_STREAMS_PER_USER streams open (the next is refused with 429).
 */
@Injectable()
export class JobEventsStream implements OnModuleDestroy {
  readonly hub: JobEventHub;

  constructor(
    jobs: JobsRepository,
    @InjectNats() nc: NatsConnection,
    @InjectNatsNames() names: NatsNames,
    config: ConfigService,
  ) {
    this.hub = new JobEventHub(
      nc,
      names,
      async (jobId) => {
        const job = await jobs.liveState(jobId);
        if (!job) return null;
        return {
          jobId,
          status: job.status,
          progress: job.progress,
          outputsDone: job.outputsDone,
          outputsTotal: job.outputsTotal,
          ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
        };
      },
      {
        pollMs: POLL_MS,
        maxStreamsPerUser: config.get<number>('SSE_MAX_STREAMS_PER_USER') ?? 20,
      },
    );
  }

  onModuleDestroy(): void {
    this.hub.close();
  }

  /** Throws 429 (before any event is sent) when the caller already holds its limit of streams. */
  events(jobId: string): Observable<MessageEvent> {
    const userId = tenantScope.current()?.userId ?? '';
    const release = this.hub.acquireSlot(userId);
    return new Observable<MessageEvent>((subscriber) => {
      let last: { status: string; progress: number; outputsDone: number } | undefined;
      let closed = false;
      const stop = () => {
        if (closed) return;
        closed = true;
        stopListening?.();
        release();
        subscriber.complete();
      };
      const emit = (event: JobState | null) => {
        if (closed) return;
        if (!event) return stop(); // the job is gone
        const progress = Math.max(event.progress, last?.progress ?? 0);
        if (
          last &&
          last.status === event.status &&
          last.progress === progress &&
          last.outputsDone === event.outputsDone
        )
          return;
        last = { status: event.status, progress, outputsDone: event.outputsDone };
        const data = { ...event, progress, at: event.at ?? new Date().toISOString() };
        const final = FINAL_JOB_STATUSES.includes(event.status);
        subscriber.next({ type: final ? 'status' : 'progress', data });
        if (final) stop();
      };
      // eslint-disable-next-line prefer-const -- read by stop(), which listen() may call first
      let stopListening: (() => void) | undefined;
      stopListening = this.hub.listen(jobId, emit);
      if (closed) stopListening();
      return () => {
        closed = true;
        stopListening?.();
        release();
      };
    });
  }
}
