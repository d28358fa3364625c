import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

const BATCH = 100;

/**
 * Nothing reserved is ever stranded: every BILLING_RECONCILE_INTERVAL_MS, each reservation that
 * no settlement closed and whose job FAILED, was CANCELLED, COMPLETED or is gone (deleted) is
 * settled as a settle message would: the recorded outputs charged, the rest refunded. Safe to
 * run anywhere and any number of times at once: a settlement happens once per job.
 */
@Injectable()
export class LedgerReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LedgerReconciler.name);
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly repo: LedgerRepository,
    private readonly ledger: LedgerService,
    config: ConfigService,
  ) {
    this.intervalMs = config.get<number>('BILLING_RECONCILE_INTERVAL_MS') ?? 60_000;
  }

  onApplicationBootstrap(): void {
    if (!this.intervalMs) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reconcile()
        .catch((e: Error) => this.logger.error(`reconciling failed: ${e.message}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Settles every stranded reservation; returns how many it settled. */
  async reconcile(): Promise<number> {
    let settled = 0;
    for (;;) {
      const stranded = await this.repo.strandedReservations(BATCH);
      let progress = 0;
      for (const { jobId, userId } of stranded) {
        try {
          const s = await this.ledger.settleJob({ userId, jobId }, 'reconciler');
          this.logger.log(`job ${jobId}: settled (charged ${s.charged}, refunded ${s.refunded})`);
          progress++;
        } catch (e) {
          this.logger.error(`job ${jobId}: could not settle: ${(e as Error).message}`);
        }
      }
      settled += progress;
      if (stranded.length < BATCH || progress === 0) return settled;
    }
  }
}
