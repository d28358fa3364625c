import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { JobStatus } from '@app/contracts';
import type { ProcessingJob } from '@app/database';
import { JobLifecycle } from '@app/jobs';
import { WebhookEventsPublisher } from '@app/webhooks';
import { JobQueuePublisher } from '../job-queue.publisher';
import { JobsBilling } from '../jobs-billing';
import { JobsRepository } from '../jobs.repository';

/**
 * Cancelling a job: it becomes CANCELLED and its project goes back to its status before the
 * job. A PENDING job never ran: it is refunded in full here. A PROCESSING job is stopped by
 * the worker running it (told by the cancel broadcast), which removes its partial files and
 * settles billing for the outputs it had finished. A final job cannot be cancelled (409).
 * Webhooks: job.cancelled of a PENDING job is queued here, of a PROCESSING one by its worker.
 */
@Injectable()
export class CancelJob {
  private readonly logger = new Logger(CancelJob.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly lifecycle: JobLifecycle,
    private readonly billing: JobsBilling,
    private readonly queue: JobQueuePublisher,
    private readonly webhookEvents: WebhookEventsPublisher,
  ) {}

  async execute(userId: string, jobId: string): Promise<ProcessingJob> {
    if (!(await this.jobs.findOwned(userId, jobId))) throw new NotFoundException('job not found');
    const result = await this.lifecycle.cancel(jobId);
    if (!result.ok) {
      throw new ConflictException(`the job is already ${result.current ?? 'gone'}`);
    }
    if (result.from === JobStatus.PENDING) {
      await this.billing
        .settle(userId, jobId)
        .catch((e: Error) => this.logger.warn(`refund of ${jobId} deferred: ${e.message}`));
      // No worker ran it: job.cancelled is queued here (a worker that later takes the queued
      // message settles it and publishes the same event again, deduplicated).
      await this.webhookEvents
        .publishJobFinished(jobId)
        .catch((e: Error) => this.logger.warn(`job.cancelled of ${jobId} deferred: ${e.message}`));
    }
    this.queue.broadcastCancel(jobId);
    return this.jobs.findById(jobId);
  }
}
