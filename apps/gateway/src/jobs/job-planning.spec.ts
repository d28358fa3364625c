import 'reflect-metadata';
import { parseJobSnapshot, plannedFileCount } from '@app/contracts';
import { planJob, type ProjectMixSettings } from './job-planning';

const project = {
  groups: [
    { id: 'g1', order: 0 },
    { id: 'g2', order: 1 },
  ],
  videos: [
    { id: 'a', groupId: 'g1', durationSeconds: 3 },
    { id: 'b', groupId: 'g2', durationSeconds: 4 },
    { id: 'loose', groupId: null, durationSeconds: 2 },
  ],
};

const settings: ProjectMixSettings = {
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality: 'LOW',
  outputCount: 1,
};

describe('planning a job of the creative layer', () => {
  it('freezes the creative settings and the captions of the plan’s clips into the snapshot', () => {
    const planned = planJob(
      project,
      {
        ...settings,
        renditions: [
          { aspectRatio: '9:16', format: 'MP4', quality: 'LOW' },
          { aspectRatio: '1:1', format: 'MP4', quality: 'MEDIUM' },
        ],
        watermark: { assetId: 'logo', position: 'top-right' },
        music: { assetId: 'track' },
        fill: 'blur',
        loudness: {},
      },
      7,
      [
        { videoId: 'a', caption: 'Hello' },
        { videoId: 'loose', caption: 'not in the plan' },
      ],
    );
    if (!planned.ok) throw new Error('not mixable');
    const snapshot = parseJobSnapshot(JSON.parse(JSON.stringify(planned.snapshot)));
    expect(snapshot).toMatchObject({
      fill: 'blur',
      loudness: {},
      watermark: { assetId: 'logo', position: 'top-right' },
      music: { assetId: 'track' },
      clips: [{ videoId: 'a', caption: 'Hello' }],
    });
    expect(plannedFileCount(snapshot)).toBe(2);
  });

  it('writes none of them for a project without any (the snapshot of before)', () => {
    const planned = planJob(project, settings, 7, []);
    if (!planned.ok) throw new Error('not mixable');
    expect(Object.keys(planned.snapshot).sort()).toEqual(
      [
        'combinations',
        'mixingMode',
        'orientationVideoId',
        'outputFormat',
        'quality',
        'seconds',
        'version',
      ].sort(),
    );
  });
});
