import { Injectable, OnModuleDestroy, type MessageEvent } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NatsConnection } from '@nats-io/nats-core';
import { Observable } from 'rxjs';
import { FINAL_JOB_STATUSES, type NatsNames } from '@app/contracts';
import { tenantScope } from '@app/database';
import { InjectNats, InjectNatsNames } from '@app/messaging';
import { JobsRepository } from '../jobs.repository';
import { JobEventHub, type JobState } from './job-event-hub';

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
 * current state is still sent first, and after it nothing older than that id. All streams of
 * one job share one NATS subscription and one poller (JobEventHub), and a user holds at most
 * SSE_MAX_STREAMS_PER_USER streams open (the next is refused with 429).
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
  events(jobId: string, lastEventId?: number): Observable<MessageEvent> {
    const userId = tenantScope.current()?.userId ?? '';
    const release = this.hub.acquireSlot(userId);
    return new Observable<MessageEvent>((subscriber) => {
      let last: { status: string; progress: number; outputsDone: number } | undefined;
      const floor = Number.isSafeInteger(lastEventId) ? (lastEventId as number) : -1;
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
        const state = { status: event.status, progress, outputsDone: event.outputsDone };
        const id = jobEventId(state);
        const final = FINAL_JOB_STATUSES.includes(event.status);
        // After the current state, nothing the client had before it reconnected.
        if (last && id <= floor && !final) return;
        last = state;
        const data = { ...event, progress, at: event.at ?? new Date().toISOString() };
        subscriber.next({ id: String(id), type: final ? 'status' : 'progress', data });
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
