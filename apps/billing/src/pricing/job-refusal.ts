import {
  BillingErrorCode,
  effectiveLicence,
  jobLicenceProblem,
  type LicenceProblem,
  type LicenceType,
  type Quality,
} from '@app/contracts';
import { LedgerError } from '../ledger/ledger-errors';

/** Pure: the licence problem as billing's typed error; the jobs-at-a-time limit is a 409. */
export function licenceError(problem: LicenceProblem): LedgerError {
  if (problem.code === 'CONCURRENCY_LIMIT') {
    return new LedgerError(BillingErrorCode.CONFLICT, problem.message, {
      reason: 'CONCURRENCY_LIMIT',
    });
  }
  return new LedgerError(BillingErrorCode[problem.code], problem.message);
}

/**
 * Pure: why this user may not start a job of `outputCount` outputs at `quality` now, or null:
 * the licence (expired counts as FREE) and its jobs at a time, against the user's `running`
 * jobs (holding a reservation, PENDING or PROCESSING, this one excluded).
 */
export function jobRefusal(
  account: { licenseType: LicenceType; licenseExpiry: Date | null },
  outputCount: number,
  quality: Quality,
  { running, now = new Date() }: { running: number; now?: Date },
): LedgerError | null {
  const problem = jobLicenceProblem(
    effectiveLicence(account.licenseType, account.licenseExpiry, now),
    {
      outputCount,
      quality,
      activeJobs: running,
    },
  );
  return problem ? licenceError(problem) : null;
}
