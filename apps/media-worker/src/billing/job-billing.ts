import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { priceOutputs, type JobSnapshot, type NatsNames } from '@app/contracts';
import { BILLING_CLIENT, InjectNatsNames, requestBilling } from '@app/messaging';

const SETTLE_TIMEOUT_MS = 10_000;

/**
 * The worker's side of billing: when a job reaches a final state it settles the reservation,
 * charging the outputs produced and refunding the rest. Billing makes this idempotent by job
 * id, so a redelivered job settles again harmlessly.
 */
@Injectable()
export class JobBilling implements OnApplicationShutdown {
  constructor(
    @Inject(BILLING_CLIENT) private readonly client: ClientProxy,
    @InjectNatsNames() private readonly names: NatsNames,
  ) {}

  async settle(
    job: { id: string; creditsReserved: number; project: { userId: string } },
    snapshot: JobSnapshot,
    producedIndexes: number[],
  ): Promise<void> {
    const produced = priceOutputs(
      snapshot.quality,
      producedIndexes.map((i) => snapshot.seconds[i] ?? 0),
    );
    const reply = await requestBilling(
      this.client,
      this.names.billing.settleJob,
      {
        userId: job.project.userId,
        jobId: job.id,
        creditsUsed: Math.min(job.creditsReserved, produced),
      },
      SETTLE_TIMEOUT_MS,
    );
    if (!reply.ok)
      throw new Error(`billing refused the settlement: ${reply.error.code} ${reply.error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
