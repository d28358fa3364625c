import { AsyncResource } from 'node:async_hooks';
import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { FINAL_JOB_STATUSES, JobEvent, parsePayload, type NatsNames } from '@app/contracts';
import { decodeJson } from '@app/messaging';

/** A job's state as a stream reports it. */
export type JobState = Omit<JobEvent, 'at'> & { at?: string };

/** What one stream hears: a state, or that the job is gone (deleted). */
export type JobStateListener = (state: JobState | null) => void;

export interface JobEventHubOptions {
  /** Database look-ups back the NATS events, so a missed event only delays, never loses, a state. */
  pollMs: number;
  /** Open streams one user may hold at once. */
  maxStreamsPerUser: number;
}

/** Reads a job's state from the database (null: no such job). */
export type ReadJobState = (jobId: string) => Promise<JobState | null>;

/** Counters for tests and metrics: how much work the open streams cost. */
export interface JobEventHubStats {
  /** Jobs with at least one open stream: each has one NATS subscription and one poller. */
  jobs: number;
  streams: number;
  /** Pollers (and subscriptions) started since the hub was made. */
  pollersStarted: number;
  /** Database reads made by the pollers since the hub was made. */
  polls: number;
}

export class TooManyStreamsException extends HttpException {
  constructor(limit: number) {
    super(
      {
        message: `too many open event streams: at most ${limit} per user (SSE_MAX_STREAMS_PER_USER)`,
        details: [{ field: 'streams', problems: [`at most ${limit} open streams per user`] }],
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** One job's shared watch: one NATS subscription, one poller, every stream of the job listening. */
class JobChannel {
  readonly listeners = new Set<JobStateListener>();
  last: JobState | null | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly sub: Subscription;
  private reading = false;

  constructor(
    private readonly jobId: string,
    private readonly hub: JobEventHub,
    subject: string,
    nc: NatsConnection,
    read: ReadJobState,
    pollMs: number,
  ) {
    // Bound to the first stream's context (its tenant scope): NATS and timers call back from
    // their own. Every stream of a job is its owner's, so one scope reads for all.
    this.refresh = AsyncResource.bind(async () => {
      if (this.reading) return;
      this.reading = true;
      try {
        this.hub.countPoll();
        this.publish(await read(this.jobId));
      } catch (e) {
        this.hub.logger.warn(
          `job ${this.jobId}: reading its state failed: ${(e as Error).message}`,
        );
      } finally {
        this.reading = false;
      }
    });
    this.sub = nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) return;
        try {
          const event = parsePayload(JobEvent, decodeJson(msg.data));
          // A final state is re-read from the database, the source of truth.
          if (FINAL_JOB_STATUSES.includes(event.status)) void this.refresh();
          else this.publish(event);
        } catch {
          // a malformed event is ignored; polling still reports the state
        }
      },
    });
    this.timer = setInterval(() => void this.refresh(), pollMs);
    this.timer.unref();
    void this.refresh();
  }

  readonly refresh: () => Promise<void>;

  private publish(state: JobState | null): void {
    this.last = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  close(): void {
    clearInterval(this.timer);
    this.sub.unsubscribe();
  }
}

/**
 * Shares the watching of a job among all its open Server-Sent Event streams: the first stream of
 * a job starts one NATS subscription and one database poller, later ones join it, the last one
 * to close stops it (reference counting). Also caps the streams one user holds open, so a client
 * cannot exhaust the database pool or NATS with streams. Heartbeats are not sent here (the
 * controller's stream adds them).
 */
export class JobEventHub {
  readonly logger = new Logger(JobEventHub.name);
  private readonly channels = new Map<string, JobChannel>();
  private readonly perUser = new Map<string, number>();
  private pollersStarted = 0;
  private polls = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    private readonly read: ReadJobState,
    private readonly options: JobEventHubOptions,
  ) {}

  /**
   * Takes one of the user's stream slots, or throws 429 naming the limit. Call before the
   * stream answers (the status cannot change once events flow); give it back with the
   * returned function (idempotent).
   */
  acquireSlot(userId: string): () => void {
    const open = this.perUser.get(userId) ?? 0;
    if (open >= this.options.maxStreamsPerUser) {
      throw new TooManyStreamsException(this.options.maxStreamsPerUser);
    }
    this.perUser.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }

  /**
   * Listens to a job's states: the latest known one at once (when there is one), then every
   * change. Returns the function that stops listening; the job's watch stops with its last listener.
   */
  listen(jobId: string, listener: JobStateListener): () => void {
    let channel = this.channels.get(jobId);
    if (!channel) {
      this.pollersStarted++;
      channel = new JobChannel(
        jobId,
        this,
        this.names.media.jobEvents(jobId),
        this.nc,
        this.read,
        this.options.pollMs,
      );
      this.channels.set(jobId, channel);
    } else if (channel.last !== undefined) {
      listener(channel.last);
    }
    channel.listeners.add(listener);
    const joined = channel;
    return () => {
      if (!joined.listeners.delete(listener)) return;
      if (joined.listeners.size === 0 && this.channels.get(jobId) === joined) {
        this.channels.delete(jobId);
        joined.close();
      }
    };
  }

  /** Asks the job's poller to read now (a new stream wants a fresh state). */
  refresh(jobId: string): void {
    void this.channels.get(jobId)?.refresh();
  }

  countPoll(): void {
    this.polls++;
  }

  stats(): JobEventHubStats {
    let streams = 0;
    for (const c of this.channels.values()) streams += c.listeners.size;
    return {
      jobs: this.channels.size,
      streams,
      pollersStarted: this.pollersStarted,
      polls: this.polls,
    };
  }

  /** Stops every watch (shutdown). */
  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}
