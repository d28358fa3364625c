/**
 * Waits between a delivery's attempts (ms): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 27.6 h
 * in all, then the delivery is FAILED. WEBHOOK_RETRY_SCHEDULE_MS overrides it (tests: seconds).
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];

/** Parses "5000,300000,…"; an empty string is the default schedule. */
export function parseRetrySchedule(value: string | undefined): number[] {
  if (!value?.trim()) return DEFAULT_RETRY_SCHEDULE_MS;
  const waits = value.split(',').map((s) => Number(s.trim()));
  if (!waits.length || waits.some((w) => !Number.isInteger(w) || w < 0)) {
    throw new Error('WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated whole milliseconds');
  }
  return waits;
}

/** When the attempt after `attemptsMade` failed attempts is due; null when none is left. */
export function nextAttemptAt(schedule: number[], attemptsMade: number, now: Date): Date | null {
  const wait = schedule[attemptsMade - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait);
}
