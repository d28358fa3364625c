import { priceOutputs, QUALITIES, type Quality } from '@app/contracts';

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

/**
 * Reads and checks the fields billing prices by from a stored job snapshot. The one place to
 * swap for the shared, versioned `parseJobSnapshot` (libs/jobs) when it lands.
 */
export function readJobPlan(settings: unknown): PricedPlan {
  const s = (settings ?? {}) as Record<string, unknown>;
  if (typeof s !== 'object' || Array.isArray(s)) throw new UnreadableJobPlanError('settings');
  const quality = s.quality;
  if (typeof quality !== 'string' || !(QUALITIES as readonly string[]).includes(quality))
    throw new UnreadableJobPlanError('quality');
  const seconds = s.seconds;
  if (
    !Array.isArray(seconds) ||
    !seconds.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)
  )
    throw new UnreadableJobPlanError('seconds');
  if (!Array.isArray(s.combinations) || s.combinations.length !== seconds.length)
    throw new UnreadableJobPlanError('combinations');
  return { quality: quality as Quality, seconds: seconds as number[] };
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
