import type { JobSnapshot } from '@app/contracts';
import type { LoadedJob } from './job-repository';

/** The job's frozen plan (see JobSnapshot): what every delivery of the job renders. */
export function snapshotOf(job: LoadedJob): JobSnapshot {
  return job.settings as unknown as JobSnapshot;
}
