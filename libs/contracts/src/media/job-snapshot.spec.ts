import {
  InvalidJobSnapshotError,
  parseJobSnapshot,
  plannedFileCount,
  renditionQualities,
  toJobSnapshot,
} from './job-snapshot';

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
    ['no renditions', { ...plan, renditions: [] }, 'renditions'],
    [
      'a rendition of an unknown codec',
      { ...plan, renditions: [{ format: 'MP4', quality: 'LOW', codec: 'vp9' }] },
      'renditions.0.codec',
    ],
    ['a watermark without its asset', { ...plan, watermark: { scale: 0.2 } }, 'watermark.assetId'],
    ['an unknown fill', { ...plan, fill: 'stretch' }, 'fill'],
  ])('refuses a snapshot with %s', (_, json, field) => {
    const e = refusal(json);
    expect(e.reason).toBe('malformed');
    expect(e.fields.map((f) => f.field)).toContain(field);
  });
});

describe('the creative layer in a snapshot (issue 17)', () => {
  const creative = {
    ...plan,
    version: 1,
    renditions: [
      { aspectRatio: '9:16', format: 'MP4', quality: 'LOW' },
      { aspectRatio: '1:1', format: 'MOV', quality: 'HIGH', fps: 60, codec: 'hevc' },
    ],
    loudness: { targetLufs: -14 },
    fill: 'blur',
    fades: { seconds: 0.15 },
    transition: { type: 'crossfade', seconds: 0.3 },
    watermark: { assetId: 'logo', position: 'top-right', scale: 0.2, opacity: 0.8 },
    captions: { fontSize: 0.05, color: '#FFFFFF', box: true, position: 'bottom' },
    music: { assetId: 'track', volume: 0.3, duck: true },
    clips: [{ videoId: 'a', caption: 'Hello', focus: { x: 0.5, y: 0.2 } }],
  };

  it('reads every creative field back as written', () => {
    expect({ ...parseJobSnapshot(creative) }).toEqual(creative);
  });

  it('counts one file per combination and rendition, each at its quality', () => {
    const snapshot = parseJobSnapshot(creative);
    expect(renditionQualities(snapshot)).toEqual(['LOW', 'HIGH']);
    expect(plannedFileCount(snapshot)).toBe(4);
  });

  it('reads an older snapshot without any as one rendition of its own quality', () => {
    const snapshot = parseJobSnapshot(plan);
    expect(snapshot.renditions).toBeUndefined();
    expect(renditionQualities(snapshot)).toEqual(['MEDIUM']);
    expect(plannedFileCount(snapshot)).toBe(2);
  });
});
