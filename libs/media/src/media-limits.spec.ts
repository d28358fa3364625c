import fc from 'fast-check';
import type { MediaInfo } from './media-info';
import {
  checkMediaLimits,
  DEFAULT_MEDIA_LIMITS,
  MediaLimitError,
  mediaLimitsFor,
  type MediaLicence,
} from './media-limits';

const PREMIUM = DEFAULT_MEDIA_LIMITS.PREMIUM;

function info(over: Partial<MediaInfo> = {}): MediaInfo {
  return {
    durationSeconds: 10,
    width: 1920,
    height: 1080,
    rotation: 0,
    fps: 30,
    hasAudio: true,
    formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
    videoCodec: 'h264',
    audioCodec: 'aac',
    audioDurationSeconds: 10,
    ...over,
  };
}

describe('checkMediaLimits', () => {
  it('accepts a clip within every limit', () => {
    expect(checkMediaLimits(info(), PREMIUM)).toBeNull();
    expect(checkMediaLimits(info({ width: 3840, height: 2160 }), PREMIUM)).toBeNull();
    // Portrait UHD: the same pixels, the same longest side.
    expect(checkMediaLimits(info({ width: 2160, height: 3840 }), PREMIUM)).toBeNull();
  });

  it('names the limit, the value and the maximum of a 16000×16000 frame', () => {
    const e = checkMediaLimits(info({ width: 16000, height: 16000 }), PREMIUM);
    expect(e).toBeInstanceOf(MediaLimitError);
    expect(e?.toJSON()).toEqual({
      limit: 'maxPixels',
      value: 256_000_000,
      max: 8_294_400,
      message: 'the video is 16000×16000; the largest accepted frame is 3840×2160',
    });
  });

  it.each([
    ['a frame too wide for its pixel count', { width: 8000, height: 100 }, 'maxDimension', 8000],
    ['a frame rate over the maximum', { fps: 240 }, 'maxFps', 240],
    [
      'a 10-hour clip',
      { durationSeconds: 36_000, audioDurationSeconds: null },
      'maxDurationSeconds',
      36_000,
    ],
    [
      'an hour of sound under 2 s of picture',
      { durationSeconds: 2, audioDurationSeconds: 3600 },
      'maxAudioOverhangSeconds',
      3598,
    ],
    ['a zero duration', { durationSeconds: 0 }, 'minDurationSeconds', 0],
    ['a duration that is not a number', { durationSeconds: NaN }, 'minDurationSeconds', NaN],
  ] as const)('refuses %s', (_name, over, limit, value) => {
    const e = checkMediaLimits(info(over), PREMIUM);
    expect(e?.limit).toBe(limit);
    expect(e?.value).toBe(value);
    expect(e?.message).toBeTruthy();
  });

  it('reports the first limit broken, in a fixed order', () => {
    const e = checkMediaLimits(
      info({ width: 16000, height: 16000, fps: 1000, durationSeconds: 36_000 }),
      PREMIUM,
    );
    expect(e?.limit).toBe('maxPixels');
  });

  it('refuses exactly the clips over a limit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 40_000, noNaN: true }),
        fc.double({ min: 0, max: 40_000, noNaN: true }),
        (width, height, fps, durationSeconds, audio) => {
          const clip = info({ width, height, fps, durationSeconds, audioDurationSeconds: audio });
          const over =
            width * height > PREMIUM.maxPixels ||
            Math.max(width, height) > PREMIUM.maxDimension ||
            fps > PREMIUM.maxFps ||
            durationSeconds > PREMIUM.maxDurationSeconds ||
            audio - durationSeconds > PREMIUM.maxAudioOverhangSeconds;
          const e = checkMediaLimits(clip, PREMIUM);
          expect(e !== null).toBe(over);
          if (e) expect(e.value).toBeGreaterThan(e.max);
        },
      ),
    );
  });
});

describe('mediaLimitsFor', () => {
  it('gives each licence at least what the one below it has', () => {
    const order: MediaLicence[] = ['FREE', 'PREMIUM', 'ENTERPRISE'];
    for (let i = 1; i < order.length; i++) {
      const lower = mediaLimitsFor(order[i - 1], {});
      const higher = mediaLimitsFor(order[i], {});
      for (const key of Object.keys(lower) as (keyof typeof lower)[]) {
        expect(higher[key]).toBeGreaterThanOrEqual(lower[key]);
      }
    }
  });

  it('takes a positive override per licence from the environment and ignores bad ones', () => {
    const env = {
      MEDIA_LIMIT_FREE_MAX_DURATION_SECONDS: '1200',
      MEDIA_LIMIT_FREE_MAX_FPS: 'fast',
      MEDIA_LIMIT_FREE_MAX_PIXELS: '-1',
      MEDIA_LIMIT_PREMIUM_MAX_AUDIO_OVERHANG_SECONDS: '0.5',
    };
    expect(mediaLimitsFor('FREE', env)).toEqual({
      ...DEFAULT_MEDIA_LIMITS.FREE,
      maxDurationSeconds: 1200,
    });
    expect(mediaLimitsFor('PREMIUM', env).maxAudioOverhangSeconds).toBe(0.5);
    expect(mediaLimitsFor('ENTERPRISE', env)).toEqual(DEFAULT_MEDIA_LIMITS.ENTERPRISE);
  });
});
