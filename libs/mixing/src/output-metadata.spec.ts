import { buildOutputMetadata, metadataForContainer, type OutputContext } from './output-metadata';

const context: OutputContext = {
  jobId: 'job1',
  projectName: 'Spring',
  combinationIndex: 4,
  sources: [
    { videoId: 'a', originalName: 'intro, final.mp4' },
    { videoId: 'b', originalName: 'outro.mov' },
  ],
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
};

describe('output metadata', () => {
  it('writes static pairs only when dynamic fields are off', () => {
    expect(buildOutputMetadata({ static: { campaign: 'demo' } }, context)).toEqual({
      campaign: 'demo',
    });
  });

  it('adds every dynamic field with includeDynamic', () => {
    expect(
      buildOutputMetadata({ static: { campaign: 'demo' }, includeDynamic: true }, context),
    ).toEqual({
      campaign: 'demo',
      sourceNames: '["intro, final.mp4","outro.mov"]',
      sourceIds: '["a","b"]',
      combinationIndex: '4',
      jobId: 'job1',
      projectName: 'Spring',
      createdAt: '2026-01-02T03:04:05.000Z',
    });
  });

  it('limits dynamic fields to `fields` when given', () => {
    expect(
      buildOutputMetadata({ includeDynamic: true, fields: ['jobId', 'nope'] }, context),
    ).toEqual({ jobId: 'job1' });
  });

  it('drops keys ffmpeg would misread and lets service facts win over static pairs', () => {
    const metadata = buildOutputMetadata(
      {
        static: { 'a=b': 'x', 'with space': 'y', jobId: 'forged' },
        includeDynamic: true,
        fields: ['jobId'],
      },
      context,
    );
    expect(metadata).toEqual({ jobId: 'job1' });
  });

  it('folds everything into the comment for AVI, which keeps only RIFF INFO tags', () => {
    const avi = metadataForContainer('avi', { title: 'T', jobId: 'job1' });
    expect(avi.title).toBe('T');
    expect(JSON.parse(avi.comment)).toEqual({ title: 'T', jobId: 'job1' });
    expect(metadataForContainer('mp4', { jobId: 'job1' })).toEqual({ jobId: 'job1' });
  });
});
