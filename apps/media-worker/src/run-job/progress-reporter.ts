import type { JobLifecycle } from '@app/jobs';
import type { JobEventsPublisher } from '../job-events/job-events.publisher';

/** Progress is written to the database and published at most this often. */
export const PROGRESS_INTERVAL_MS = 1000;

/**
 * Turns the engine's frequent progress callbacks into bounded-rate database writes and events.
 * Progress never decreases. When a write finds the job no longer PROCESSING (cancelled from
 * the gateway), `onStopped` fires so the run can be aborted even if the cancel message was missed.
 */
export class ProgressReporter {
  private lastSent = 0;
  private lastAt = 0;
  private latest = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobId: string,
    private readonly outputsTotal: number,
    private readonly lifecycle: JobLifecycle,
    private readonly events: JobEventsPublisher,
    private readonly onStopped: () => void,
    private outputsDone = 0,
  ) {}

  outputRecorded(): void {
    this.outputsDone += 1;
  }

  report(progress: number): void {
    this.latest = Math.max(this.latest, Math.min(99, Math.floor(progress)));
    const now = Date.now();
    if (this.latest <= this.lastSent || now - this.lastAt < PROGRESS_INTERVAL_MS) return;
    this.lastAt = now;
    this.lastSent = this.latest;
    const value = this.latest;
    this.inFlight = this.inFlight.then(async () => {
      const stillRunning = await this.lifecycle.recordProgress(this.jobId, value).catch(() => true);
      if (!stillRunning) return this.onStopped();
      this.events.publish({
        jobId: this.jobId,
        status: 'PROCESSING',
        progress: value,
        outputsDone: this.outputsDone,
        outputsTotal: this.outputsTotal,
      });
    });
  }

  /** Waits for the writes already started. */
  flush(): Promise<void> {
    return this.inFlight;
  }
}
