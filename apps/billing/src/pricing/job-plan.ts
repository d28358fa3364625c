import {
  InvalidJobSnapshotError,
  parseJobSnapshot,
  priceOutputs,
  type Quality,
} from '@app/contracts';

/** What billing needs of a job's frozen plan (processing_jobs.settings, the JobSnapshot). */
export interface PricedPlan {
  quality: Quality;
  /** Planned seconds of each output, by combination index. */
  seconds: number[];
}

/** The job's stored plan lacks or garbles a field billing prices by. */
export class UnreadableJobPlanError extends Error {
  constructor(readonly field: string) {
    super(`the job's plan is unreadable (${field})`);
    this.name = 'UnreadableJobPlanError';
  }
}

/** Reads the fields billing prices by from a stored job snapshot, through the shared parser. */
export function readJobPlan(settings: unknown): PricedPlan {
  try {
    const { quality, seconds } = parseJobSnapshot(settings);
    return { quality, seconds };
  } catch (e) {
    if (e instanceof InvalidJobSnapshotError) {
      throw new UnreadableJobPlanError(e.fields.map((f) => f.field).join(', ') || e.reason);
    }
    throw e;
  }
}

/** Pure: the price of every planned output (the reservation). */
export const planPrice = (plan: PricedPlan): number => priceOutputs(plan.quality, plan.seconds);

/**
 * Pure: the price of the outputs recorded, by their combination indexes (each index counted
 * once; an index outside the plan costs nothing), never more than `cap`.
 */
export function recordedPrice(plan: PricedPlan, indexes: readonly number[], cap: number): number {
  const known = [...new Set(indexes)].filter((i) => i >= 0 && i < plan.seconds.length);
  return Math.min(
    cap,
    priceOutputs(
      plan.quality,
      known.map((i) => plan.seconds[i]),
    ),
  );
}
