import 'reflect-metadata';
import { planPrice, readJobPlan, recordedPrice } from './job-plan';

const stored = {
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality: 'HIGH',
  combinations: [['a'], ['b'], ['c']],
  seconds: [14, 31, 45],
};

describe("reading a job's plan", () => {
  it('reads the quality and the seconds of each output', () => {
    expect(readJobPlan(stored)).toEqual({ quality: 'HIGH', seconds: [14, 31, 45] });
  });
  it('names the field it cannot read', () => {
    expect(() => readJobPlan(null)).toThrow('(root)');
    expect(() => readJobPlan({ ...stored, quality: 'BEST' })).toThrow('(quality)');
    expect(() => readJobPlan({ ...stored, seconds: [1, -1, 2] })).toThrow('(seconds)');
    expect(() => readJobPlan({ ...stored, seconds: [1, '2', 3] })).toThrow('(seconds)');
    expect(() => readJobPlan({ ...stored, combinations: [['a']] })).toThrow('(seconds)');
  });
});

describe('pricing a plan', () => {
  const plan = readJobPlan(stored);
  it('prices every planned output for the reservation', () => {
    expect(planPrice(plan)).toBe(3 + 6 + 6);
  });
  it('prices the recorded outputs by combination index, each once, never above the cap', () => {
    expect(recordedPrice(plan, [1], 15)).toBe(6);
    expect(recordedPrice(plan, [0, 0, 2], 15)).toBe(9);
    expect(recordedPrice(plan, [0, 7, -1], 15)).toBe(3);
    expect(recordedPrice(plan, [0, 1, 2], 10)).toBe(10);
    expect(recordedPrice(plan, [], 15)).toBe(0);
  });
});
