import { creditsForOutput, priceOutputs } from './cost-model';

describe('cost model', () => {
  it('charges a started 30-second block at the quality rate', () => {
    expect(creditsForOutput('LOW', 1)).toBe(1);
    expect(creditsForOutput('HIGH', 14)).toBe(3);
    expect(creditsForOutput('HIGH', 30)).toBe(3);
    expect(creditsForOutput('HIGH', 30.5)).toBe(6);
    expect(creditsForOutput('ULTRA', 45)).toBe(10);
  });
  it('charges at least one block, even for nothing', () => {
    expect(creditsForOutput('MEDIUM', 0)).toBe(2);
  });
  it('adds the outputs of a job', () => {
    expect(priceOutputs('MEDIUM', [10, 40, 5])).toBe(2 + 4 + 2);
    expect(priceOutputs('LOW', [])).toBe(0);
  });
});
