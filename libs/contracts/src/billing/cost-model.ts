import type { JobSnapshot } from '../media/job-snapshot';

type Quality = JobSnapshot['quality'];

/** Credits for each started block of this many output seconds. */
export const SECONDS_PER_BLOCK = 30;

/** Credits per block, by quality: encoding cost grows with resolution and bitrate. */
export const CREDITS_PER_BLOCK: Readonly<Record<Quality, number>> = {
  LOW: 1,
  MEDIUM: 2,
  HIGH: 3,
  ULTRA: 5,
};

/**
 * Pure: the credits one output costs: ceil(seconds / 30) blocks, at least one, times the
 * quality's rate. A 14 s HIGH output costs 3; a 45 s ULTRA output costs 10.
 */
export function creditsForOutput(quality: Quality, seconds: number): number {
  const blocks = Math.max(1, Math.ceil(Math.max(0, seconds) / SECONDS_PER_BLOCK - 1e-9));
  return blocks * CREDITS_PER_BLOCK[quality];
}

/** Pure: the credits of several outputs (a job's reservation, or what it produced). */
export function priceOutputs(quality: Quality, seconds: readonly number[]): number {
  return seconds.reduce((sum, s) => sum + creditsForOutput(quality, s), 0);
}

/**
 * Pure: the credits of a plan rendered in several renditions: every output once per rendition,
 * each priced at its rendition's quality (one rendition: priceOutputs).
 */
export function priceRenditions(qualities: readonly Quality[], seconds: readonly number[]): number {
  return qualities.reduce((sum, q) => sum + priceOutputs(q, seconds), 0);
}
