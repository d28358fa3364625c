import { IsInt, Matches, Max, Min } from 'class-validator';
import { LicenseType } from '../enums';

/** A job's optional priority within its licence band (POST /jobs `priority`). */
export const JOB_PRIORITY_MIN = -10;
export const JOB_PRIORITY_MAX = 10;

/**
 * The task queue's bands, drained first to last: a job's band is its owner's licence when the job
 * started. Workers take from them in a weighted round (TASK_BAND_WEIGHTS, docs/scaling.md), so a
 * higher band goes first without starving a lower one.
 */
export const TASK_BANDS = [LicenseType.ENTERPRISE, LicenseType.PREMIUM, LicenseType.FREE] as const;
export type TaskBand = (typeof TASK_BANDS)[number];

/** Within a band, a job's priority falls in one of three levels, drained strictly in this order. */
export const TASK_LEVELS = ['high', 'normal', 'low'] as const;
export type TaskLevel = (typeof TASK_LEVELS)[number];

/** Pure: the level of a job's priority (above 0 high, 0 normal, below 0 low). */
export function taskLevel(priority: number): TaskLevel {
  return priority > 0 ? 'high' : priority < 0 ? 'low' : 'normal';
}

const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * One task of a job on the task queue (message id `<jobId>.<seq>`, so a republish within the
 * stream's duplicate window is dropped, and a later one only redoes an idempotent task).
 */
export class MediaTaskMessage {
  @Matches(JOB_ID) jobId!: string;
  @IsInt() @Min(0) @Max(1_000_000) seq!: number;
}
