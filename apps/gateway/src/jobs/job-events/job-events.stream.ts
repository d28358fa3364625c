import { AsyncResource } from 'node:async_hooks';
import { Injectable, type MessageEvent } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { Observable } from 'rxjs';
import { FINAL_JOB_STATUSES, JobEvent, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson, InjectNats, InjectNatsNames } from '@app/messaging';
import { JobsRepository } from '../jobs.repository';

/** Database look-ups back the NATS events, so a missed event only delays, never loses, a state. */
const POLL_MS = 2000;

const STATUS_RANK: Record<string, number> = { PENDING: 0, PROCESSING: 1 };

/**
 * Pure: an event's id. States only move forward (status, then progress, then outputs done),
 * so ids grow with them: a later state always has a larger id than an earlier one.
 */
export function jobEventId(state: { status: string; progress: number; outputsDone: number }) {
  const rank = STATUS_RANK[state.status] ?? 2;
  return rank * 1e9 + Math.floor(state.progress) * 1e6 + Math.min(state.outputsDone, 999_999);
}

/**
 * A job's progress and status changes as Server-Sent Events: its current state first, then
 * every change (from the workers' NATS events, backed by polling the database) until a final
 * state, which is sent and closes the stream. Progress never goes backwards in the stream.
 * Every event has an id (jobEventId); given the Last-Event-ID of a reconnecting client, the
 * current state is still sent first, and after it nothing older than that id.
 */
@Injectable()
export class JobEventsStream {
  constructor(
    private readonly jobs: JobsRepository,
    @InjectNats() private readonly nc: NatsConnection,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  events(jobId: string, lastEventId?: number): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      let last: { status: string; progress: number; outputsDone: number } | undefined;
      const floor = Number.isSafeInteger(lastEventId) ? (lastEventId as number) : -1;
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
        const state = { status: event.status, progress, outputsDone: event.outputsDone };
        const id = jobEventId(state);
        // After the current state, nothing the client had before it reconnected.
        if (last && id <= floor && !FINAL_JOB_STATUSES.includes(event.status)) return;
        last = state;
        const data = { ...event, progress, at: event.at ?? new Date().toISOString() };
        subscriber.next({
          id: String(id),
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
