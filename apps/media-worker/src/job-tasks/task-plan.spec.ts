import { outputProfile } from '@app/mixing';
import { planTasks } from './task-plan';

const p720 = outputProfile('MEDIUM', 'MP4', '16:9');
const p1080 = outputProfile('HIGH', 'MP4', '9:16');
const seconds = new Map([
  ['a', 2],
  ['b', 3],
  ['c', 4],
]);

describe('planTasks', () => {
  it('one NORMALIZE task per clip, then ASSEMBLE batches depending on their own clips', () => {
    const tasks = planTasks({
      combinations: [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'c'],
      ],
      profiles: [p720],
      recorded: new Set(),
      seconds,
      batchSize: 2,
    });
    expect(tasks.map((t) => [t.seq, t.kind, t.deps])).toEqual([
      [0, 'NORMALIZE', []],
      [1, 'NORMALIZE', []],
      [2, 'NORMALIZE', []],
      [3, 'ASSEMBLE', [0, 1, 2]],
      [4, 'ASSEMBLE', [1, 2]],
    ]);
    expect(tasks[0].payload).toMatchObject({ videoId: 'a', weight: 2 });
    expect(tasks[3].payload).toMatchObject({
      outputs: [
        [0, 0],
        [1, 0],
      ],
    });
    expect(tasks[4].payload).toMatchObject({ outputs: [[2, 0]] });
  });

  it('puts first the outputs whose clips are normalized first', () => {
    const tasks = planTasks({
      combinations: [
        ['a', 'c'],
        ['a', 'b'],
        ['c', 'b'],
        ['a', 'a'],
      ],
      profiles: [p720],
      recorded: new Set(),
      seconds,
      batchSize: 2,
    });
    // a, c, b are normalized in that order (first use): [a,a] needs only a, [a,c] a and c.
    expect(
      tasks.map((t) => (t.kind === 'NORMALIZE' ? t.payload.videoId : t.payload.outputs)),
    ).toEqual([
      'a',
      'c',
      'b',
      [
        [3, 0],
        [0, 0],
      ],
      [
        [1, 0],
        [2, 0],
      ],
    ]);
    expect(tasks[3].deps).toEqual([0, 1]);
  });

  it('batches each rendition apart and weighs a clip by its seconds × renditions', () => {
    const tasks = planTasks({
      combinations: [['a'], ['b']],
      profiles: [p720, p1080],
      recorded: new Set(),
      seconds,
      batchSize: 9,
    });
    const assemble = tasks.filter((t) => t.kind === 'ASSEMBLE').map((t) => t.payload);
    expect(assemble.map((p) => (p as { outputs: number[][] }).outputs)).toEqual([
      [
        [0, 0],
        [1, 0],
      ],
      [
        [0, 1],
        [1, 1],
      ],
    ]);
    expect(tasks[1].payload).toMatchObject({ videoId: 'b', weight: 6 });
  });

  it('leaves out outputs already recorded, and clips only they needed', () => {
    const tasks = planTasks({
      combinations: [
        ['a', 'b'],
        ['c', 'b'],
      ],
      profiles: [p720],
      recorded: new Set(['0:0']),
      seconds,
      batchSize: 5,
    });
    expect(
      tasks.map((t) => (t.kind === 'NORMALIZE' ? t.payload.videoId : t.payload.outputs)),
    ).toEqual(['c', 'b', [[1, 0]]]);
    expect(
      planTasks({
        combinations: [['a']],
        profiles: [p720],
        recorded: new Set(['0:0']),
        seconds,
        batchSize: 1,
      }),
    ).toEqual([]);
  });
});
