import fc from 'fast-check';
import { ProgressTracker } from './progress-tracker';

describe('progress tracker', () => {
  it('weights tasks by their work', () => {
    const seen: number[] = [];
    const t = new ProgressTracker((p) => seen.push(p));
    t.addTask('encode', 9);
    t.addTask('copy', 1);
    t.update('encode', 0.5);
    expect(t.percent).toBe(45);
    t.complete('encode');
    expect(t.percent).toBe(90);
    t.complete('copy');
    expect(t.percent).toBe(99);
    t.finish();
    expect(seen).toEqual([45, 90, 99, 100]);
  });

  it('never decreases and stays within 0–100 whatever ffmpeg reports', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 3 }), fc.double({ min: -2, max: 3, noNaN: false })),
        ),
        (updates) => {
          const seen: number[] = [];
          const t = new ProgressTracker((p) => seen.push(p));
          for (let i = 0; i < 4; i += 1) t.addTask(`t${i}`, i + 1);
          for (const [task, fraction] of updates) t.update(`t${task}`, fraction);
          t.finish();
          for (let i = 1; i < seen.length; i += 1) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
          expect(seen.every((p) => p >= 0 && p <= 100)).toBe(true);
          expect(seen.at(-1)).toBe(100);
        },
      ),
    );
  });

  it('ignores updates for unknown tasks (cached mezzanines carry no work)', () => {
    const t = new ProgressTracker();
    t.addTask('a', 1);
    t.update('cached', 1);
    expect(t.percent).toBe(0);
  });
});
