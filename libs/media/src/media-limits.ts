import type { LicenseType } from '@app/contracts/enums';
import type { MediaInfo } from './media-info';

/**
 * What an upload may be, read from its probe before anything is stored or decoded
 * (docs/security.md, "Hostile media"). Frame size is bounded by its pixel count (memory and work
 * per frame) and by its longest side (so a portrait 2160×3840 passes where 3840×2160 does).
 */
export interface MediaLimits {
  /** width × height of a frame. */
  maxPixels: number;
  /** The longer of width and height. */
  maxDimension: number;
  maxFps: number;
  maxDurationSeconds: number;
  /** How much longer than the picture the sound may last (a 2-second clip with an hour of audio). */
  maxAudioOverhangSeconds: number;
}

export type MediaLimitName = keyof MediaLimits | 'minDurationSeconds';

/** The licences of `LicenseType` (@app/contracts); a table per licence. */
export type MediaLicence = LicenseType;

const HD = 1920 * 1080;
const UHD = 3840 * 2160;
const DCI_4K = 4096 * 2160;

/** Defaults per licence; each value can be overridden by `MEDIA_LIMIT_<LICENCE>_<NAME>`. */
export const DEFAULT_MEDIA_LIMITS: Readonly<Record<MediaLicence, Readonly<MediaLimits>>> = {
  FREE: {
    maxPixels: HD,
    maxDimension: 1920,
    maxFps: 60,
    maxDurationSeconds: 10 * 60,
    maxAudioOverhangSeconds: 5,
  },
  PREMIUM: {
    maxPixels: UHD,
    maxDimension: 3840,
    maxFps: 60,
    maxDurationSeconds: 60 * 60,
    maxAudioOverhangSeconds: 5,
  },
  ENTERPRISE: {
    maxPixels: DCI_4K,
    maxDimension: 4096,
    maxFps: 120,
    maxDurationSeconds: 3 * 60 * 60,
    maxAudioOverhangSeconds: 5,
  },
};

/** Pure: "maxDurationSeconds" → "MAX_DURATION_SECONDS". */
function envName(licence: MediaLicence, limit: keyof MediaLimits): string {
  return `MEDIA_LIMIT_${licence}_${limit.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * The limits of a licence: the defaults, each overridable by the environment, e.g.
 * `MEDIA_LIMIT_FREE_MAX_DURATION_SECONDS=1200`. A value that is not a positive number is ignored.
 */
export function mediaLimitsFor(
  licence: MediaLicence,
  env: NodeJS.ProcessEnv = process.env,
): MediaLimits {
  const limits = { ...DEFAULT_MEDIA_LIMITS[licence] };
  for (const key of Object.keys(limits) as (keyof MediaLimits)[]) {
    const raw = env[envName(licence, key)];
    const n = Number(raw);
    if (raw !== undefined && raw !== '' && Number.isFinite(n) && n > 0) limits[key] = n;
  }
  return limits;
}

/** An upload over one of its licence's limits: which limit, the file's value and the maximum. */
export class MediaLimitError extends Error {
  override readonly name = 'MediaLimitError';
  constructor(
    readonly limit: MediaLimitName,
    readonly value: number,
    readonly max: number,
    message: string,
  ) {
    super(message);
  }

  toJSON(): { limit: MediaLimitName; value: number; max: number; message: string } {
    return { limit: this.limit, value: this.value, max: this.max, message: this.message };
  }
}

function seconds(s: number): string {
  if (s >= 3600) return `${+(s / 3600).toFixed(2)} h`;
  if (s >= 60) return `${+(s / 60).toFixed(1)} min`;
  return `${+s.toFixed(2)} s`;
}

const COMMON_FRAMES: readonly [number, number][] = [
  [7680, 4320],
  [4096, 2160],
  [3840, 2160],
  [2560, 1440],
  [1920, 1080],
  [1280, 720],
  [854, 480],
  [640, 360],
];

/** For messages: the largest common frame within the limits ("3840×2160"), else the pixel count. */
function largestFrame(pixels: number, side: number): string {
  const frame = COMMON_FRAMES.find(([w, h]) => w * h <= pixels && w <= side);
  return frame ? `${frame[0]}×${frame[1]}` : `${pixels} pixels`;
}

/**
 * Pure: the first limit `info` breaks, as a MediaLimitError, or null when it is within all of
 * them. Checked in this order: positive duration, frame size (pixels, then longest side), frame
 * rate, duration, audio overhang.
 */
export function checkMediaLimits(info: MediaInfo, limits: MediaLimits): MediaLimitError | null {
  const { width, height, fps, durationSeconds } = info;
  if (!(durationSeconds > 0)) {
    return new MediaLimitError(
      'minDurationSeconds',
      durationSeconds,
      0,
      'the video has no duration',
    );
  }
  const pixels = width * height;
  if (pixels > limits.maxPixels) {
    return new MediaLimitError(
      'maxPixels',
      pixels,
      limits.maxPixels,
      `the video is ${width}×${height}; the largest accepted frame is ` +
        largestFrame(limits.maxPixels, limits.maxDimension),
    );
  }
  const side = Math.max(width, height);
  if (side > limits.maxDimension) {
    return new MediaLimitError(
      'maxDimension',
      side,
      limits.maxDimension,
      `the video is ${width}×${height}; a side may be at most ${limits.maxDimension} pixels`,
    );
  }
  if (fps > limits.maxFps) {
    return new MediaLimitError(
      'maxFps',
      fps,
      limits.maxFps,
      `the video runs at ${+fps.toFixed(3)} frames per second; at most ${limits.maxFps} are accepted`,
    );
  }
  if (durationSeconds > limits.maxDurationSeconds) {
    return new MediaLimitError(
      'maxDurationSeconds',
      durationSeconds,
      limits.maxDurationSeconds,
      `the video lasts ${seconds(durationSeconds)}; at most ${seconds(limits.maxDurationSeconds)} are accepted`,
    );
  }
  const audio = info.audioDurationSeconds ?? 0;
  if (audio - durationSeconds > limits.maxAudioOverhangSeconds) {
    return new MediaLimitError(
      'maxAudioOverhangSeconds',
      audio - durationSeconds,
      limits.maxAudioOverhangSeconds,
      `the sound lasts ${seconds(audio)} but the picture ${seconds(durationSeconds)}; ` +
        `the sound may outlast it by at most ${seconds(limits.maxAudioOverhangSeconds)}`,
    );
  }
  return null;
}

/** checkMediaLimits that throws the MediaLimitError instead of returning it. */
export function assertMediaLimits(info: MediaInfo, limits: MediaLimits): void {
  const error = checkMediaLimits(info, limits);
  if (error) throw error;
}
