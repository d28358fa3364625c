import { Injectable } from '@nestjs/common';
import { setMaxListeners } from 'node:events';

export type AbortReason = 'cancel' | 'shutdown';

/**
 * What this worker is running now (job messages being split, tasks), each under its own key with
 * its job's id and an AbortController: a cancel stops every task of the job here.
 */
@Injectable()
export class RunningJobs {
  private readonly running = new Map<string, { jobId: string; controller: AbortController }>();
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.running.size;
  }

  /** How many of the running entries have keys starting with `prefix`. */
  count(prefix: string): number {
    let n = 0;
    for (const key of this.running.keys()) if (key.startsWith(prefix)) n++;
    return n;
  }

  start(key: string, jobId: string): AbortController {
    const controller = new AbortController();
    // A task fetches and probes many clips at once on this one signal.
    setMaxListeners(0, controller.signal);
    this.running.set(key, { jobId, controller });
    return controller;
  }

  finish(key: string): void {
    this.running.delete(key);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** Stops everything of one job running here; returns whether anything was. */
  abort(jobId: string, reason: AbortReason): boolean {
    let any = false;
    for (const entry of this.running.values()) {
      if (entry.jobId !== jobId) continue;
      entry.controller.abort(reason);
      any = true;
    }
    return any;
  }

  abortAll(reason: AbortReason): void {
    for (const entry of this.running.values()) entry.controller.abort(reason);
  }

  waitForSlot(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves true when nothing runs, false if `timeoutMs` passed first. */
  async waitForAll(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([this.waitForSlot(), new Promise((r) => setTimeout(r, left))]);
    }
    return true;
  }
}
