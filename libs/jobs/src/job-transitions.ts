import { JobStatus, ProjectStatus } from '@app/contracts';

/**
 * Every status change a job may make (API.md "Job states"). Pure: the lifecycle asks it before
 * each conditional UPDATE. PENDING → FAILED is the compensation for a job that could not be
 * queued, or whose every delivery died with its worker before it was claimed.
 */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  PENDING: [JobStatus.PROCESSING, JobStatus.CANCELLED, JobStatus.FAILED],
  PROCESSING: [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

/** A status change the table refuses, e.g. COMPLETED → PROCESSING. */
export class IllegalJobTransitionError extends Error {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`a ${from} job cannot become ${to}`);
    this.name = 'IllegalJobTransitionError';
  }
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to)) throw new IllegalJobTransitionError(from, to);
}

/** The statuses a job may be in to become `to` (the WHERE of the conditional UPDATE). */
export function statusesBefore(to: JobStatus): JobStatus[] {
  return (Object.keys(JOB_TRANSITIONS) as JobStatus[]).filter((from) => canTransition(from, to));
}

/**
 * The project's status once its latest job went `from` → `to`: the project follows its latest
 * job, and a job that is cancelled, or fails without ever starting (it could not be queued),
 * leaves it as it was before the job (`before`: the outcome of the project's latest earlier
 * COMPLETED or FAILED job, else DRAFT). `from` is null for a job being created.
 */
export function projectStatusAfter(
  from: JobStatus | null,
  to: JobStatus,
  before: ProjectStatus,
): ProjectStatus {
  if (leavesProjectAsBefore(from, to)) return before;
  switch (to) {
    case JobStatus.COMPLETED:
      return ProjectStatus.COMPLETED;
    case JobStatus.FAILED:
      return ProjectStatus.FAILED;
    default:
      return ProjectStatus.PROCESSING;
  }
}

/** Whether `from` → `to` puts the project back to its status before the job. */
export function leavesProjectAsBefore(from: JobStatus | null, to: JobStatus): boolean {
  return to === JobStatus.CANCELLED || (from === JobStatus.PENDING && to === JobStatus.FAILED);
}
