import { Injectable } from '@nestjs/common';
import {
  bestQuality,
  plannedFileCount,
  priceRenditions,
  renditionQualities,
  type EstimateReply,
  type JobSnapshot,
  type SettleReply,
  type TransactionReply,
} from '@app/contracts';
import { BillingClient } from '../billing/billing.client';

/**
 * What jobs need of billing: licence check, estimate, reservation and settlement. Billing is
 * the authority on money: a reservation and a settlement name the job only; billing prices the
 * job's stored plan and counts its recorded outputs itself.
 */
@Injectable()
export class JobsBilling {
  constructor(private readonly billing: BillingClient) {}

  /**
   * The cost model (shared with billing), for the job row's `creditsReserved`: what billing's
   * reservation of this plan takes. Never sent to billing.
   */
  price(snapshot: JobSnapshot): number {
    return priceRenditions(renditionQualities(snapshot), snapshot.seconds);
  }

  estimate(userId: string, snapshot: JobSnapshot): Promise<EstimateReply> {
    return this.billing.request<EstimateReply>('estimate', {
      userId,
      quality: snapshot.quality,
      outputSeconds: snapshot.seconds,
      ...(snapshot.renditions?.length ? { renditionQualities: renditionQualities(snapshot) } : {}),
    });
  }

  /**
   * An early answer (403 when the licence or its expiry forbids the job, 409 when its jobs at a
   * time are running); the reservation checks again under the user's lock and decides.
   */
  async checkLicence(userId: string, snapshot: JobSnapshot): Promise<void> {
    await this.billing.request('licenceCheck', {
      userId,
      // Each rendition of each combination is a file: the licence counts them all and
      // checks the best quality asked.
      outputCount: plannedFileCount(snapshot),
      quality: bestQuality(renditionQualities(snapshot)),
    });
  }

  /** The job row must exist (billing reads its plan): 402, 403, 409 or 404 as billing says. */
  reserve(userId: string, jobId: string): Promise<TransactionReply> {
    return this.billing.request<TransactionReply>('reserveForJob', { userId, jobId });
  }

  /** Charges the job's recorded outputs, refunds the rest, once; refuses a later reservation. */
  settle(userId: string, jobId: string): Promise<SettleReply> {
    return this.billing.request<SettleReply>('settleJob', { userId, jobId });
  }
}
