import { musicFilters } from './music';
import { pieceFrames, piecePaths } from './normalizer';
import { outputProfile } from './output-profiles';

describe('rendition profiles', () => {
  it('keep the key of a 30 fps H.264 profile as it was (caches stay valid)', () => {
    expect(outputProfile('HIGH', 'MP4', '16:9').key).toBe('v2-high-1920x1080-30-aac');
    expect(outputProfile('HIGH', 'MP4', '16:9', { fps: 30, codec: 'h264' }).key).toBe(
      'v2-high-1920x1080-30-aac',
    );
  });

  it('give 60 fps a GOP of 2 s and a level for twice the macroblock rate', () => {
    const p = outputProfile('HIGH', 'MP4', '16:9', { fps: 60 });
    expect(p.key).toBe('v2-high-1920x1080-60-aac');
    expect([p.fps, p.video.gop, p.video.level]).toEqual([60, 120, '4.2']);
  });

  it('put HEVC in its own key, with x265, and refuse it for AVI', () => {
    const p = outputProfile('LOW', 'MOV', '1:1', { codec: 'hevc' });
    expect(p.key).toBe('v2-low-480x480-30-aac-hevc');
    expect([p.video.codec, p.video.profile]).toEqual(['libx265', 'main']);
    expect(() => outputProfile('LOW', 'AVI', '1:1', { codec: 'hevc' })).toThrow(RangeError);
  });
});

describe('crossfade pieces', () => {
  it('split a mezzanine into head, body and tail of the transition length', () => {
    expect(pieceFrames(60, 0.5, 30)).toEqual({ headFrames: 15, bodyFrames: 30, tailFrames: 15 });
    // A clip too short for the transition keeps one body frame.
    expect(pieceFrames(9, 0.5, 30)).toEqual({ headFrames: 4, bodyFrames: 1, tailFrames: 4 });
    expect(piecePaths('/c/k/v--tabc.mp4')).toEqual({
      head: '/c/k/v--tabc.head.mp4',
      body: '/c/k/v--tabc.body.mp4',
      tail: '/c/k/v--tabc.tail.mp4',
    });
  });
});

describe('music graph', () => {
  const profile = outputProfile('LOW', 'MP4', '16:9');
  it('ducks the music by the clips’ sound unless told not to, and fades it out', () => {
    const ducked = musicFilters({ path: '/m.wav' }, profile, 10);
    expect(ducked).toContain('sidechaincompress');
    expect(ducked).toContain('atrim=end_sample=480000');
    expect(ducked).toContain('afade=t=out:st=9.000000:d=1');
    expect(musicFilters({ path: '/m.wav', duck: false }, profile, 10)).not.toContain(
      'sidechaincompress',
    );
  });
});
