import { jobEventId } from './job-events.stream';

describe('jobEventId', () => {
  it('grows as a job moves forward: status, then progress, then outputs done', () => {
    const states = [
      { status: 'PENDING', progress: 0, outputsDone: 0 },
      { status: 'PROCESSING', progress: 0, outputsDone: 0 },
      { status: 'PROCESSING', progress: 10, outputsDone: 0 },
      { status: 'PROCESSING', progress: 10, outputsDone: 1 },
      { status: 'PROCESSING', progress: 99, outputsDone: 3 },
      { status: 'COMPLETED', progress: 100, outputsDone: 4 },
    ];
    const ids = states.map(jobEventId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every(Number.isSafeInteger)).toBe(true);
  });
});
