import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { NatsNames, SettleReply } from '@app/contracts';
import { BILLING_CLIENT, InjectNatsNames, requestBilling } from '@app/messaging';

const SETTLE_TIMEOUT_MS = 10_000;

/**
 * The worker's side of billing: when a job reaches a final state it asks billing to settle it.
 * Billing counts the outputs recorded for the job, charges those and refunds the rest, once
 * per job, so a redelivered job settles again harmlessly. No amount is sent.
 */
@Injectable()
export class JobBilling implements OnApplicationShutdown {
  constructor(
    @Inject(BILLING_CLIENT) private readonly client: ClientProxy,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  async settle(job: { id: string; project: { userId: string } }): Promise<SettleReply> {
    const reply = await requestBilling<SettleReply>(
      this.client,
      this.names.billing.settleJob,
      { userId: job.project.userId, jobId: job.id },
      SETTLE_TIMEOUT_MS,
    );
    if (!reply.ok)
      throw new Error(`billing refused the settlement: ${reply.error.code} ${reply.error.message}`);
    return reply.data;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
