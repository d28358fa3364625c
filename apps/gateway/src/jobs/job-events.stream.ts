import { AsyncResource } from 'node:async_hooks';
import { Injectable, type MessageEvent } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { Observable } from 'rxjs';
import { FINAL_JOB_STATUSES, JobEvent, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import { JobsRepository } from './jobs.repository';

/** Database look-ups back the NATS events, so a missed event only delays, never loses, a state. */
const POLL_MS = 2000;

/**
 * A job's progress and status changes as Server-Sent Events: its current state first, then
 * every change (from the workers' NATS events, backed by polling the database) until a final
 * state, which is sent and closes the stream. Progress never goes backwards in the stream.
 */
@Injectable()
export class JobEventsStream {
  constructor(
    private readonly jobs: JobsRepository,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  events(jobId: string): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let last: { status: string; progress: number; outputsDone: number } | undefined;
      let closed = false;
      const emit = (event: Omit<JobEvent, 'at'> & { at?: string }) => {
        if (closed) return;
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
        subscriber.next({
          type: FINAL_JOB_STATUSES.includes(event.status) ? 'status' : 'progress',
          data,
        });
        if (FINAL_JOB_STATUSES.includes(event.status)) stop();
      };
      // Bound to the subscriber's context: NATS calls back from its own, without the caller's
      // tenant scope.
      const fromDatabase = AsyncResource.bind(async () => {
        const job = await this.jobs.liveState(jobId);
        if (!job) return stop();
        emit({
          jobId,
          status: job.status,
          progress: job.progress,
          outputsDone: job.outputsDone,
          outputsTotal: job.outputsTotal,
          ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
        });
      });
      const sub = this.nc.subscribe(this.names.media.jobEvents(jobId), {
        callback: (error, msg) => {
          if (error) return;
          try {
            const event = parsePayload(JobEvent, decodeJson(msg.data));
            // A final state is re-read from the database, the source of truth.
            if (FINAL_JOB_STATUSES.includes(event.status)) void fromDatabase();
            else emit(event);
          } catch {
            // a malformed event is ignored; polling still reports the state
          }
        },
      });
      const timer = setInterval(() => void fromDatabase().catch(() => undefined), POLL_MS);
      function stop() {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        sub.unsubscribe();
        subscriber.complete();
      }
      void fromDatabase().catch((e) => subscriber.error(e));
      return () => {
        closed = true;
        clearInterval(timer);
        sub.unsubscribe();
      };
    });
  }
}
