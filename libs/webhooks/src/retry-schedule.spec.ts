import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptAt, parseRetrySchedule } from './retry-schedule';

describe('the retry schedule', () => {
  it('by default keeps trying for more than 24 hours, waiting longer each time', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(24 * 3600_000);
    for (let i = 1; i < DEFAULT_RETRY_SCHEDULE_MS.length; i++) {
      expect(DEFAULT_RETRY_SCHEDULE_MS[i]).toBeGreaterThanOrEqual(DEFAULT_RETRY_SCHEDULE_MS[i - 1]);
    }
    expect(DEFAULT_RETRY_SCHEDULE_MS[0]).toBe(5000);
  });

  it('reads a schedule from the environment, the default when empty, and refuses nonsense', () => {
    expect(parseRetrySchedule('100, 200,400')).toEqual([100, 200, 400]);
    expect(parseRetrySchedule('')).toBe(DEFAULT_RETRY_SCHEDULE_MS);
    expect(() => parseRetrySchedule('1,x')).toThrow(/WEBHOOK_RETRY_SCHEDULE_MS/);
  });

  it('schedules the next attempt after each failure, and none after the last wait', () => {
    const now = new Date(0);
    expect(nextAttemptAt([100, 200], 1, now)).toEqual(new Date(100));
    expect(nextAttemptAt([100, 200], 2, now)).toEqual(new Date(200));
    expect(nextAttemptAt([100, 200], 3, now)).toBeNull();
  });
});
