import { ASPECT_RATIOS, OUTPUT_FORMATS, QUALITIES } from './mixing-settings';
import { aspectRatioFor, frameSize, outputProfile } from './output-profiles';

describe('output profiles', () => {
  it.each([
    ['LOW', '16:9', 854, 480],
    ['MEDIUM', '16:9', 1280, 720],
    ['HIGH', '9:16', 1080, 1920],
    ['ULTRA', '16:9', 3840, 2160],
    ['HIGH', '1:1', 1080, 1080],
    ['MEDIUM', '4:5', 720, 900],
  ] as const)('%s %s is %i×%i', (quality, aspect, width, height) => {
    expect(outputProfile(quality, 'MP4', aspect)).toMatchObject({ width, height });
  });

  it('gives every combination even dimensions, 48 kHz stereo and a path-safe key', () => {
    for (const q of QUALITIES)
      for (const f of OUTPUT_FORMATS)
        for (const a of ASPECT_RATIOS) {
          const p = outputProfile(q, f, a);
          expect(p.width % 2).toBe(0);
          expect(p.height % 2).toBe(0);
          expect(p.audio).toMatchObject({ sampleRate: 48000, channels: 2 });
          expect(p.key).toMatch(/^[a-z0-9_-][a-z0-9_.-]*$/);
        }
  });

  it('shares mezzanines between MP4 and MOV but not AVI', () => {
    expect(outputProfile('HIGH', 'MP4', '16:9').key).toBe(outputProfile('HIGH', 'MOV', '16:9').key);
    expect(outputProfile('HIGH', 'AVI', '16:9').key).not.toBe(
      outputProfile('HIGH', 'MP4', '16:9').key,
    );
    expect(outputProfile('HIGH', 'MP4', '16:9').key).not.toBe(
      outputProfile('HIGH', 'MP4', '9:16').key,
    );
  });

  it('puts AVI in H.264 without B-frames and PCM audio, without faststart', () => {
    const avi = outputProfile('MEDIUM', 'AVI', '16:9');
    expect(avi.video.bFrames).toBe(0);
    expect(avi.audio.codec).toBe('pcm_s16le');
    expect(avi.faststart).toBe(false);
    expect(outputProfile('MEDIUM', 'MOV', '16:9')).toMatchObject({
      faststart: true,
      extension: 'mov',
    });
  });

  it('raises quality monotonically', () => {
    const rates = QUALITIES.map((q) => outputProfile(q, 'MP4', '16:9'));
    for (let i = 1; i < rates.length; i += 1) {
      expect(rates[i].height).toBeGreaterThan(rates[i - 1].height);
      expect(rates[i].video.crf).toBeLessThan(rates[i - 1].video.crf);
    }
  });

  it.each([
    [1920, 1080, '16:9'],
    [640, 480, '16:9'],
    [1080, 1920, '9:16'],
    [1080, 1350, '4:5'],
    [500, 510, '1:1'],
  ] as const)('takes %i×%i as %s by default', (w, h, aspect) => {
    expect(aspectRatioFor(w, h)).toBe(aspect);
  });

  it('keeps frame sizes even for odd ratios', () => {
    expect(frameSize(480, '16:9')).toEqual({ width: 854, height: 480 });
  });
});
