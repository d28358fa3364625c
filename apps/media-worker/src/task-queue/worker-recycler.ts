import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** The exit code of a worker that stopped to be restarted (WORKER_MAX_TASKS, WORKER_MAX_RSS_MB). */
export const RECYCLE_EXIT_CODE = 75;

/**
 * Worker hygiene: after WORKER_MAX_TASKS tasks, or once its memory (RSS) passes
 * WORKER_MAX_RSS_MB, a worker takes no new task, finishes the ones it runs (nothing is handed
 * over half-done) and exits with code 75 for its supervisor to start a fresh one (npm start's
 * loop, `restart: unless-stopped` in compose, a Deployment in Kubernetes).
 */
@Injectable()
export class WorkerRecycler {
  private readonly logger = new Logger(WorkerRecycler.name);
  private readonly maxTasks: number;
  private readonly maxRssBytes: number;
  private started = 0;
  private reason: string | null = null;
  private resolve!: () => void;
  /** Resolves when the worker has stopped taking tasks and none runs: main.ts then exits. */
  readonly recycled = new Promise<void>((r) => (this.resolve = r));

  constructor(config: ConfigService) {
    this.maxTasks = config.getOrThrow<number>('WORKER_MAX_TASKS');
    this.maxRssBytes = config.getOrThrow<number>('WORKER_MAX_RSS_MB') * 1024 * 1024;
  }

  /** Whether the worker may take another task (false once it is due for a restart). */
  mayTake(): boolean {
    if (this.reason) return false;
    if (this.maxTasks > 0 && this.started >= this.maxTasks) {
      this.reason = `${this.started} tasks taken (WORKER_MAX_TASKS)`;
    } else if (this.maxRssBytes > 0 && process.memoryUsage.rss() > this.maxRssBytes) {
      this.reason = `memory ${Math.round(process.memoryUsage.rss() / 1048576)} MB over WORKER_MAX_RSS_MB`;
    }
    if (this.reason) this.logger.log(`restarting after the running tasks: ${this.reason}`);
    return !this.reason;
  }

  taken(): void {
    this.started += 1;
  }

  get due(): boolean {
    return this.reason !== null;
  }

  /** The tasks loop has stopped and nothing runs. */
  done(): void {
    this.resolve();
  }
}
