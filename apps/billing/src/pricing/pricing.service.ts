import { Injectable } from '@nestjs/common';
import {
  BillingErrorCode,
  effectiveLicence,
  jobLicenceProblem,
  bestQuality,
  priceRenditions,
  type EstimateReply,
  type EstimateRequest,
  type LicenceCheckRequest,
} from '@app/contracts';
import { LedgerError } from '../ledger/ledger-errors';
import { LedgerRepository } from '../ledger/ledger.repository';
import { jobRefusal } from './job-refusal';

/**
 * Licence rules and the cost model, applied to a user; spends nothing. The gateway's early
 * check: the reservation checks again, under the user's lock, and is what decides.
 */
@Injectable()
export class PricingService {
  constructor(private readonly repo: LedgerRepository) {}

  async licenceCheck(req: LicenceCheckRequest): Promise<{ licenseType: string }> {
    const user = await this.account(req.userId);
    const running = await this.repo.runningReservedJobs(req.userId);
    const refusal = jobRefusal(user, req.outputCount, req.quality, { running });
    if (refusal) throw refusal;
    return { licenseType: effectiveLicence(user.licenseType, user.licenseExpiry).type };
  }

  async estimate(req: EstimateRequest): Promise<EstimateReply> {
    const { licence, activeJobs } = await this.licenceOf(req.userId);
    const qualities = req.renditionQualities?.length ? req.renditionQualities : [req.quality];
    const problem = jobLicenceProblem(licence, {
      outputCount: req.outputSeconds.length * qualities.length,
      quality: bestQuality(qualities),
      activeJobs,
    });
    return {
      credits: priceRenditions(qualities, req.outputSeconds),
      ...(problem ? { licenceProblem: problem } : {}),
    };
  }

  private async licenceOf(userId: string) {
    const user = await this.account(userId);
    const activeJobs = await this.repo.runningReservedJobs(userId);
    return { licence: effectiveLicence(user.licenseType, user.licenseExpiry), activeJobs };
  }

  private async account(userId: string) {
    const user = await this.repo.account(userId);
    if (!user) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
    return user;
  }
}
