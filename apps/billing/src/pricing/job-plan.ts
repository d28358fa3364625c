import {
  InvalidJobSnapshotError,
  bestQuality,
  parseJobSnapshot,
  priceOutputs,
  priceRenditions,
  renditionQualities,
  type Quality,
} from '@app/contracts';

/** What billing needs of a job's frozen plan (processing_jobs.settings, the JobSnapshot). */
export interface PricedPlan {
  /** The quality of each rendition (one when the job renders one). */
  qualities: Quality[];
  /** Planned seconds of each output, by combination index. */
  seconds: number[];
}

/** A recorded output: its combination index and its rendition (0 with one rendition). */
export interface RecordedFile {
  combinationIndex: number;
  rendition: number;
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
    const snapshot = parseJobSnapshot(settings);
    return { qualities: renditionQualities(snapshot), seconds: snapshot.seconds };
  } catch (e) {
    if (e instanceof InvalidJobSnapshotError) {
      throw new UnreadableJobPlanError(e.fields.map((f) => f.field).join(', ') || e.reason);
    }
    throw e;
  }
}

/** Pure: the files the plan makes (combinations × renditions): what the licence counts. */
export const planFileCount = (plan: PricedPlan): number =>
  plan.seconds.length * plan.qualities.length;

/** Pure: the best quality of the plan's renditions: what the licence checks. */
export const planBestQuality = (plan: PricedPlan): Quality => bestQuality(plan.qualities);

/** Pure: the price of every planned output in every rendition (the reservation). */
export const planPrice = (plan: PricedPlan): number =>
  priceRenditions(plan.qualities, plan.seconds);

/**
 * Pure: the price of the outputs recorded, each (combination, rendition) counted once at its
 * rendition's quality (an output outside the plan costs nothing), never more than `cap`.
 */
export function recordedPrice(
  plan: PricedPlan,
  outputs: readonly RecordedFile[],
  cap: number,
): number {
  const seen = new Set<string>();
  let total = 0;
  for (const { combinationIndex: i, rendition: r } of outputs) {
    const key = `${i}:${r}`;
    if (seen.has(key) || i < 0 || i >= plan.seconds.length) continue;
    if (r < 0 || r >= plan.qualities.length) continue;
    seen.add(key);
    total += priceOutputs(plan.qualities[r], [plan.seconds[i]]);
  }
  return Math.min(cap, total);
}
