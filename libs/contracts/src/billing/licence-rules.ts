import type { LicenseType } from '../enums';
import type { JobSnapshot } from '../media/job-snapshot';

export type LicenceType = LicenseType;
type Quality = JobSnapshot['quality'];

export interface LicenceLimits {
  maxOutputsPerJob: number;
  bestQuality: Quality;
  maxUploadBytes: number;
  maxConcurrentJobs: number;
}

const MiB = 1024 * 1024;

/** The licence table (docs/billing.md). An expired licence counts as FREE. */
export const LICENCES: Readonly<Record<LicenceType, LicenceLimits>> = {
  FREE: {
    maxOutputsPerJob: 10,
    bestQuality: 'MEDIUM',
    maxUploadBytes: 200 * MiB,
    maxConcurrentJobs: 1,
  },
  PREMIUM: {
    maxOutputsPerJob: 100,
    bestQuality: 'HIGH',
    maxUploadBytes: 2048 * MiB,
    maxConcurrentJobs: 3,
  },
  ENTERPRISE: {
    maxOutputsPerJob: 1000,
    bestQuality: 'ULTRA',
    maxUploadBytes: 2048 * MiB,
    maxConcurrentJobs: 10,
  },
};

const QUALITY_RANK: Readonly<Record<Quality, number>> = { LOW: 0, MEDIUM: 1, HIGH: 2, ULTRA: 3 };

/** Pure: the best of several qualities (a job's renditions are checked by their best). */
export function bestQuality(qualities: readonly Quality[]): Quality {
  return qualities.reduce((best, q) => (QUALITY_RANK[q] > QUALITY_RANK[best] ? q : best));
}

export interface EffectiveLicence {
  type: LicenceType;
  limits: LicenceLimits;
  /** The licence held, when it has expired and FREE limits apply instead. */
  expired?: LicenceType;
}

/** Pure: the licence that applies now. */
export function effectiveLicence(
  type: LicenceType,
  expiry: Date | null,
  now = new Date(),
): EffectiveLicence {
  if (type !== 'FREE' && expiry && expiry.getTime() <= now.getTime()) {
    return { type: 'FREE', limits: LICENCES.FREE, expired: type };
  }
  return { type, limits: LICENCES[type] };
}

export interface LicenceProblem {
  /** CONCURRENCY_LIMIT: the licence's jobs at a time are running (a 409, not a 403). */
  code: 'LICENCE_LIMIT' | 'LICENCE_EXPIRED' | 'CONCURRENCY_LIMIT';
  message: string;
}

/**
 * Pure: why this licence may not run such a job, or null. `activeJobs`: the user's other jobs
 * that hold a reservation and are PENDING or PROCESSING.
 */
export function jobLicenceProblem(
  licence: EffectiveLicence,
  job: { outputCount: number; quality: Quality; activeJobs: number },
): LicenceProblem | null {
  const { limits } = licence;
  const code = licence.expired ? 'LICENCE_EXPIRED' : 'LICENCE_LIMIT';
  const prefix = licence.expired
    ? `your ${licence.expired} licence has expired, so FREE limits apply: `
    : '';
  if (job.outputCount > limits.maxOutputsPerJob) {
    return {
      code,
      message: `${prefix}at most ${limits.maxOutputsPerJob} outputs per job (${job.outputCount} asked)`,
    };
  }
  if (QUALITY_RANK[job.quality] > QUALITY_RANK[limits.bestQuality]) {
    return {
      code,
      message: `${prefix}the best quality allowed is ${limits.bestQuality} (${job.quality} asked)`,
    };
  }
  if (job.activeJobs >= limits.maxConcurrentJobs) {
    const max = limits.maxConcurrentJobs;
    return {
      code: 'CONCURRENCY_LIMIT',
      message:
        `${prefix}the ${licence.type} licence runs ${max} job${max === 1 ? '' : 's'} at a time; ` +
        `${job.activeJobs} ${job.activeJobs === 1 ? 'is' : 'are'} running`,
    };
  }
  return null;
}
