import { buildAssembleArgs, concatList } from './assembler';
import { buildNormalizeArgs, mezzanineFrames, mezzanineName } from './normalizer';
import { outputProfile } from './output-profiles';

const info = {
  durationSeconds: 1.3,
  width: 320,
  height: 180,
  rotation: 0 as const,
  fps: 24,
  hasAudio: false,
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  videoCodec: 'h264',
  audioCodec: null,
};

describe('concat list', () => {
  it('names parts relative to the list folder, as safe mode requires', () => {
    expect(concatList('/cache/p', ['/cache/p/a.mov', '/cache/p/b.mov'])).toBe(
      "ffconcat version 1.0\nfile 'a.mov'\nfile 'b.mov'\n",
    );
  });

  it('refuses a part outside the list folder or with quoting characters', () => {
    expect(() => concatList('/cache/p', ['/cache/other/a.mov'])).toThrow(RangeError);
    expect(() => concatList('/cache/p', ["/cache/p/it's.mov"])).toThrow(RangeError);
  });
});

describe('ffmpeg arguments', () => {
  it('assembles MP4 by stream copy with faststart, the file protocol only and safe concat', () => {
    const args = buildAssembleArgs(
      '/c/l.txt',
      outputProfile('LOW', 'MP4', '16:9'),
      { jobId: 'j' },
      '/o/x',
    );
    expect(args.join(' ')).toContain('-protocol_whitelist file -f concat -safe 1 -i file:/c/l.txt');
    expect(args.join(' ')).toContain('-c copy');
    expect(args.join(' ')).toContain('-movflags +faststart+use_metadata_tags');
    expect(args.slice(-4)).toEqual(['-f', 'mp4', '-y', '/o/x']);
    expect(args).toContain('jobId=j');
  });

  it('converts H.264 to Annex B for AVI', () => {
    const args = buildAssembleArgs('/c/l.txt', outputProfile('LOW', 'AVI', '16:9'), {}, '/o/x');
    expect(args).toContain('h264_mp4toannexb');
    expect(args).not.toContain('-movflags');
  });

  it('normalizes to whole frames with silence of the same length when the clip has none', () => {
    const profile = outputProfile('LOW', 'MP4', '16:9');
    expect(mezzanineFrames(info, 30)).toBe(39);
    const graph = buildNormalizeArgs({ videoId: 'v', path: '/s/v.mp4', info }, profile, '/o.mov');
    const filter = graph[graph.indexOf('-filter_complex') + 1];
    expect(filter).toContain('trim=end_frame=39');
    expect(filter).toContain('anullsrc=r=48000:cl=stereo,atrim=end_sample=62400');
    expect(filter).toContain('force_original_aspect_ratio=decrease');
    expect(graph).toContain('file:/s/v.mp4');
  });

  it('names mezzanines by id, hashing ids that are not safe file names', () => {
    expect(mezzanineName('ckv1abc', 'mp4')).toBe('ckv1abc.mp4');
    expect(mezzanineName('../etc/passwd', 'mov')).toMatch(/^[0-9a-f]{64}\.mov$/);
  });
});
