import { Injectable } from '@nestjs/common';
import {
  BillingErrorCode,
  effectiveLicence,
  jobLicenceProblem,
  priceOutputs,
  type EstimateReply,
  type EstimateRequest,
  type LicenceCheckRequest,
} from '@app/contracts';
import { PrismaService } from '@app/database';
import { LedgerError } from '../ledger/ledger-errors';

/** Licence rules and the cost model, applied to a user; spends nothing. */
@Injectable()
export class PricingService {
  constructor(private readonly prisma: PrismaService) {}

  async licenceCheck(req: LicenceCheckRequest): Promise<{ licenseType: string }> {
    const { licence, activeJobs } = await this.licenceOf(req.userId);
    const problem = jobLicenceProblem(licence, {
      outputCount: req.outputCount,
      quality: req.quality,
      activeJobs,
    });
    if (problem) throw new LedgerError(BillingErrorCode[problem.code], problem.message);
    return { licenseType: licence.type };
  }

  async estimate(req: EstimateRequest): Promise<EstimateReply> {
    const { licence, activeJobs } = await this.licenceOf(req.userId);
    const problem = jobLicenceProblem(licence, {
      outputCount: req.outputSeconds.length,
      quality: req.quality,
      activeJobs,
    });
    return {
      credits: priceOutputs(req.quality, req.outputSeconds),
      ...(problem ? { licenceProblem: problem } : {}),
    };
  }

  private async licenceOf(userId: string) {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
    const activeJobs = await this.prisma.processingJob.count({
      where: { project: { userId }, status: { in: ['PENDING', 'PROCESSING'] } },
    });
    return { licence: effectiveLicence(user.licenseType, user.licenseExpiry), activeJobs };
  }
}
