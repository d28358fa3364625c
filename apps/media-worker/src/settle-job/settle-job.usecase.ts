import { Injectable, Logger } from '@nestjs/common';
import { JobLifecycle } from '@app/jobs';
import { WebhookEventsPublisher } from '@app/webhooks';
import { JobBilling } from '../billing/job-billing';
import { JobEventsPublisher } from '../job-events/job-events.publisher';
import type { JobOutcome } from '../job-queue/job-outcome';

/**
 * A job reached a final state (completed, failed, cancelled, abandoned): charge the outputs it
 * recorded, refund the rest, and announce its final state. Idempotent (billing settles once per
 * job), so a redelivery settles again harmlessly; a billing failure asks for a retry. The
 * job's webhook events are queued here too (once per event, whatever the redeliveries).
 */
@Injectable()
export class SettleJob {
  private readonly logger = new Logger(SettleJob.name);

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly billing: JobBilling,
    private readonly events: JobEventsPublisher,
    private readonly webhookEvents: WebhookEventsPublisher,
  ) {}

  async execute(jobId: string): Promise<JobOutcome> {
    const job = await this.lifecycle.readJobForBilling(jobId);
    if (!job) return { kind: 'done' }; // deleted with its project: nothing to charge
    try {
      await this.billing.settle({ id: jobId, project: { userId: job.userId } });
    } catch (e) {
      this.logger.warn(`job ${jobId}: billing settle failed, will retry: ${(e as Error).message}`);
      return { kind: 'retry', delayMs: 5000 };
    }
    try {
      // Durable (JetStream, deduplicated by event): webhooks of the final state and outputs.
      await this.webhookEvents.publishJobFinished(jobId);
    } catch (e) {
      this.logger.warn(
        `job ${jobId}: webhook events not queued, will retry: ${(e as Error).message}`,
      );
      return { kind: 'retry', delayMs: 5000 };
    }
    this.events.publish({
      jobId,
      status: job.status,
      progress: job.progress,
      outputsDone: job.outputsRecorded.length,
      outputsTotal: job.snapshot.combinations.length,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    });
    return { kind: 'done' };
  }
}
