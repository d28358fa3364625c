import { Injectable } from '@nestjs/common';

export type AbortReason = 'cancel' | 'shutdown';

/** The jobs this worker is running now, each with its AbortController. */
@Injectable()
export class RunningJobs {
  private readonly jobs = new Map<string, AbortController>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.jobs.size;
  }

  start(jobId: string): AbortController {
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    return controller;
  }

  finish(jobId: string): void {
    this.jobs.delete(jobId);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** Stops one job if it runs here; returns whether it did. */
  abort(jobId: string, reason: AbortReason): boolean {
    const controller = this.jobs.get(jobId);
    controller?.abort(reason);
    return Boolean(controller);
  }

  abortAll(reason: AbortReason): void {
    for (const controller of this.jobs.values()) controller.abort(reason);
  }

  waitForSlot(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves true when no job runs, false if `timeoutMs` passed first. */
  async waitForAll(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.jobs.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([this.waitForSlot(), new Promise((r) => setTimeout(r, left))]);
    }
    return true;
  }
}
