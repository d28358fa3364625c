import 'reflect-metadata';
import { planBestQuality, planFileCount, planPrice, readJobPlan, recordedPrice } from './job-plan';

const stored = {
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality: 'HIGH',
  combinations: [['a'], ['b'], ['c']],
  seconds: [14, 31, 45],
};

describe("reading a job's plan", () => {
  it('reads the quality and the seconds of each output', () => {
    expect(readJobPlan(stored)).toEqual({ qualities: ['HIGH'], seconds: [14, 31, 45] });
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
  const at = (...indexes: number[]) =>
    indexes.map((combinationIndex) => ({ combinationIndex, rendition: 0 }));
  it('prices the recorded outputs by combination index, each once, never above the cap', () => {
    expect(recordedPrice(plan, at(1), 15)).toBe(6);
    expect(recordedPrice(plan, at(0, 0, 2), 15)).toBe(9);
    expect(recordedPrice(plan, at(0, 7, -1), 15)).toBe(3);
    expect(recordedPrice(plan, at(0, 1, 2), 10)).toBe(10);
    expect(recordedPrice(plan, at(), 15)).toBe(0);
  });
});

describe('pricing a plan of several renditions', () => {
  const plan = readJobPlan({
    ...stored,
    renditions: [
      { aspectRatio: '9:16', format: 'MP4', quality: 'LOW' },
      { aspectRatio: '1:1', format: 'MP4', quality: 'ULTRA' },
    ],
  });
  it('reads the quality of each rendition', () => {
    expect(plan.qualities).toEqual(['LOW', 'ULTRA']);
  });
  it('counts combinations × renditions and checks the best quality', () => {
    expect(planFileCount(plan)).toBe(6);
    expect(planBestQuality(plan)).toBe('ULTRA');
  });
  it('prices each output once per rendition, at its quality', () => {
    expect(planPrice(plan)).toBe(1 + 2 + 2 + (5 + 10 + 10));
  });
  it('prices recorded outputs by combination and rendition', () => {
    const recorded = [
      { combinationIndex: 0, rendition: 0 },
      { combinationIndex: 0, rendition: 1 },
      { combinationIndex: 0, rendition: 1 },
      { combinationIndex: 1, rendition: 5 },
    ];
    expect(recordedPrice(plan, recorded, 100)).toBe(1 + 5);
  });
});
