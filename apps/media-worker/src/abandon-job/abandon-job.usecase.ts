import { Injectable, Logger } from '@nestjs/common';
import { JobLifecycle } from '@app/jobs';
import type { JobOutcome } from '../job-queue/job-outcome';
import { SettleJob } from '../settle-job/settle-job.usecase';

/**
 * A job whose every delivery ended without an outcome (its workers were killed): it fails with
 * `reason`, keeps the outputs it recorded, and is settled: those are charged, the rest
 * refunded. Safe to call again.
 */
@Injectable()
export class AbandonJob {
  private readonly logger = new Logger(AbandonJob.name);

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly settle: SettleJob,
  ) {}

  async execute(jobId: string, reason: string): Promise<JobOutcome> {
    const result = await this.lifecycle.abandon(jobId, reason);
    if (result.ok) this.logger.warn(`job ${jobId} failed: ${reason}`);
    if (!result.ok && result.current === null) return { kind: 'done' };
    return this.settle.execute(jobId);
  }
}
