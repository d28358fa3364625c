import { InvalidJobSnapshotError, parseJobSnapshot, toJobSnapshot } from './job-snapshot';

const plan = {
  mixingMode: 'AUTO' as const,
  outputFormat: 'MP4' as const,
  quality: 'MEDIUM' as const,
  combinations: [
    ['a', 'c'],
    ['b', 'c'],
  ],
  seconds: [4, 5],
};

function refusal(json: unknown): InvalidJobSnapshotError {
  try {
    parseJobSnapshot(json);
  } catch (e) {
    if (e instanceof InvalidJobSnapshotError) return e;
    throw e;
  }
  throw new Error('the snapshot was accepted');
}

describe('parseJobSnapshot', () => {
  it('reads back what toJobSnapshot wrote, as version 1', () => {
    const written = JSON.parse(
      JSON.stringify(toJobSnapshot({ ...plan, aspectRatio: '9:16', metadata: { fields: ['x'] } })),
    );
    expect(parseJobSnapshot(written)).toMatchObject({
      version: 1,
      ...plan,
      aspectRatio: '9:16',
      metadata: { fields: ['x'] },
    });
  });

  it('keeps the frozen outputNameTemplate; a version 1 snapshot without one still reads', () => {
    const written = JSON.parse(
      JSON.stringify(toJobSnapshot({ ...plan, outputNameTemplate: '{project}-{index}' })),
    );
    expect(parseJobSnapshot(written).outputNameTemplate).toBe('{project}-{index}');
    expect(parseJobSnapshot({ version: 1, ...plan }).outputNameTemplate).toBeUndefined();
    expect(refusal({ ...plan, outputNameTemplate: 7 }).fields[0].field).toBe('outputNameTemplate');
  });

  it('reads a snapshot written before versioning as version 1', () => {
    expect(parseJobSnapshot(plan).version).toBe(1);
  });

  it('refuses an unknown version with a typed error', () => {
    const e = refusal({ ...plan, version: 2 });
    expect(e.reason).toBe('unknown-version');
    expect(e.fields[0].field).toBe('version');
  });

  it.each([
    ['not an object', [], '(root)'],
    ['null', null, '(root)'],
    ['an unknown quality', { ...plan, quality: 'SUPER' }, 'quality'],
    ['no combinations', { ...plan, combinations: [], seconds: [] }, 'combinations'],
    [
      'a combination that is not a list of ids',
      { ...plan, combinations: [['a'], [1]] },
      'combinations',
    ],
    ['negative seconds', { ...plan, seconds: [4, -1] }, 'seconds'],
    ['seconds that do not match the combinations', { ...plan, seconds: [4] }, 'seconds'],
    ['an unknown property', { ...plan, extra: true }, 'extra'],
  ])('refuses a snapshot with %s', (_, json, field) => {
    const e = refusal(json);
    expect(e.reason).toBe('malformed');
    expect(e.fields.map((f) => f.field)).toContain(field);
  });
});
