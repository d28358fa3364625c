import fc from 'fast-check';
import {
  AUTO_SEQUENCE_LENGTH,
  countCombinations,
  evenWalk,
  planCombinations,
  type PlanInput,
} from './combination-planner';
import { mixabilityProblem } from './mixability';
import { MIXING_MODES } from './mixing-settings';

function makeProject(sizes: number[], extra: Partial<PlanInput> = {}): PlanInput {
  return {
    groups: sizes.map((n, g) => ({
      id: `g${g}`,
      order: g,
      videoIds: Array.from({ length: n }, (_, i) => `g${g}v${i}`),
    })),
    ungroupedVideoIds: [],
    mode: 'MANUAL',
    outputCount: 1,
    seed: 1,
    ...extra,
  };
}

const key = (c: string[]): string => c.join('|');
const sizesArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });
const modeArb = fc.constantFrom(...MIXING_MODES);

describe('combination planner', () => {
  it('gives min(outputCount, available) distinct combinations, one clip per group in group order', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 1, max: 200 }),
        modeArb,
        fc.integer(),
        (sizes, n, mode, seed) => {
          const input = makeProject(sizes, { outputCount: n, mode, seed });
          const plan = planCombinations(input);
          const available = sizes.reduce((a, b) => a * b, 1);
          expect(plan.available).toBe(available);
          expect(plan.combinations).toHaveLength(Math.min(n, available));
          expect(new Set(plan.combinations.map(key)).size).toBe(plan.combinations.length);
          for (const c of plan.combinations) {
            expect(c.map((id) => id.split('v')[0])).toEqual(sizes.map((_, g) => `g${g}`));
          }
        },
      ),
    );
  });

  it('MANUAL uses every clip of a group as evenly as possible (max - min ≤ 1)', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 1, max: 200 }), (sizes, n) => {
        const plan = planCombinations(makeProject(sizes, { outputCount: n }));
        sizes.forEach((size, g) => {
          const uses = new Array<number>(size).fill(0);
          for (const c of plan.combinations) uses[Number(c[g].split('v')[1])] += 1;
          expect(Math.max(...uses) - Math.min(...uses)).toBeLessThanOrEqual(1);
        });
      }),
    );
  });

  it('is deterministic for a seed and independent of the order rows arrive in', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.integer({ min: 1, max: 50 }),
        modeArb,
        fc.integer(),
        (sizes, n, mode, seed) => {
          const input = makeProject(sizes, { outputCount: n, mode, seed });
          const shuffled: PlanInput = {
            ...input,
            groups: [...input.groups]
              .reverse()
              .map((g) => ({ ...g, videoIds: [...g.videoIds].reverse() })),
          };
          expect(planCombinations(shuffled)).toEqual(planCombinations(input));
        },
      ),
    );
  });

  it('AUTO with no groups makes ordered sequences of min(3, n) distinct clips', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer(),
        (n, count, seed) => {
          const videos = Array.from({ length: n }, (_, i) => `v${i}`);
          const input: PlanInput = {
            groups: [],
            ungroupedVideoIds: videos,
            mode: 'AUTO',
            outputCount: count,
            seed,
          };
          const k = Math.min(AUTO_SEQUENCE_LENGTH, n);
          let available = 1;
          for (let i = 0; i < k; i += 1) available *= n - i;
          const plan = planCombinations(input);
          expect(plan.available).toBe(available);
          expect(plan.combinations).toHaveLength(Math.min(count, available));
          expect(new Set(plan.combinations.map(key)).size).toBe(plan.combinations.length);
          for (const c of plan.combinations) expect(new Set(c).size).toBe(k);
        },
      ),
    );
  });

  it('draws different AUTO plans for different seeds', () => {
    const a = planCombinations(makeProject([5, 5, 5], { mode: 'AUTO', outputCount: 10, seed: 1 }));
    const b = planCombinations(makeProject([5, 5, 5], { mode: 'AUTO', outputCount: 10, seed: 2 }));
    expect(a.combinations).not.toEqual(b.combinations);
  });

  it('counts 100 groups of 10 clips without overflowing and still plans quickly', () => {
    const input = makeProject(new Array<number>(100).fill(10), { outputCount: 1000 });
    expect(countCombinations(input)).toBe(10n ** 100n);
    const plan = planCombinations(input);
    expect(plan.available).toBe(Number.MAX_SAFE_INTEGER);
    expect(new Set(plan.combinations.map(key)).size).toBe(1000);
    const auto = planCombinations({ ...input, mode: 'AUTO' });
    expect(new Set(auto.combinations.map(key)).size).toBe(1000);
  });

  it('skips empty groups and ignores ungrouped clips when groups exist', () => {
    const input = makeProject([2, 0, 2], { ungroupedVideoIds: ['loose'], outputCount: 4 });
    const plan = planCombinations(input);
    expect(plan.available).toBe(4);
    expect(plan.combinations.flat()).not.toContain('loose');
  });

  it('walks 3 groups × 3 clips diagonally: the first 3 outputs use 9 different clips', () => {
    expect(evenWalk([3, 3, 3], 3)).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(evenWalk([3, 3, 3], 27)).toHaveLength(27);
  });
});

describe('mixability', () => {
  it('refuses a project with no videos', () => {
    const input: PlanInput = {
      groups: [],
      ungroupedVideoIds: [],
      mode: 'AUTO',
      outputCount: 1,
      seed: 0,
    };
    expect(mixabilityProblem(input)?.reason).toBe('NO_VIDEOS');
  });

  it('refuses an empty group and names it', () => {
    expect(mixabilityProblem(makeProject([2, 0]))).toMatchObject({
      reason: 'EMPTY_GROUP',
      groupId: 'g1',
    });
  });

  it('refuses MANUAL without groups', () => {
    const input: PlanInput = {
      groups: [],
      ungroupedVideoIds: ['a'],
      mode: 'MANUAL',
      outputCount: 1,
      seed: 0,
    };
    expect(mixabilityProblem(input)?.reason).toBe('NO_GROUPS');
  });

  it('refuses more outputs than distinct combinations, saying how many exist', () => {
    expect(mixabilityProblem(makeProject([2, 3], { outputCount: 7 }))).toMatchObject({
      reason: 'TOO_MANY_OUTPUTS',
      available: 6,
    });
    expect(mixabilityProblem(makeProject([2, 3], { outputCount: 6 }))).toBeNull();
  });

  it('refuses a zero or fractional outputCount', () => {
    expect(mixabilityProblem(makeProject([2], { outputCount: 0 }))?.reason).toBe(
      'INVALID_OUTPUT_COUNT',
    );
    expect(mixabilityProblem(makeProject([2], { outputCount: 1.5 }))?.reason).toBe(
      'INVALID_OUTPUT_COUNT',
    );
  });
});
