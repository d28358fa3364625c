import { Injectable } from '@nestjs/common';
import {
  priceOutputs,
  type EstimateReply,
  type JobSnapshot,
  type SettleReply,
  type TransactionReply,
} from '@app/contracts';
import { BillingClient } from '../billing/billing.client';

/** What jobs need of billing: licence check, price, reservation and settlement. */
@Injectable()
export class JobsBilling {
  constructor(private readonly billing: BillingClient) {}

  /** The cost model (shared with billing): credits for every planned output. */
  price(snapshot: JobSnapshot): number {
    return priceOutputs(snapshot.quality, snapshot.seconds);
  }

  estimate(userId: string, snapshot: JobSnapshot): Promise<EstimateReply> {
    return this.billing.request<EstimateReply>('estimate', {
      userId,
      quality: snapshot.quality,
      outputSeconds: snapshot.seconds,
    });
  }

  /** 403 when the licence (or its expiry) forbids the job. */
  async checkLicence(userId: string, snapshot: JobSnapshot): Promise<void> {
    await this.billing.request('licenceCheck', {
      userId,
      outputCount: snapshot.combinations.length,
      quality: snapshot.quality,
    });
  }

  reserve(
    userId: string,
    jobId: string,
    credits: number,
    description: string,
  ): Promise<TransactionReply> {
    return this.billing.request<TransactionReply>('reserveForJob', {
      userId,
      jobId,
      credits,
      description,
    });
  }

  settle(userId: string, jobId: string, creditsUsed: number): Promise<SettleReply> {
    return this.billing.request<SettleReply>('settleJob', { userId, jobId, creditsUsed });
  }
}
