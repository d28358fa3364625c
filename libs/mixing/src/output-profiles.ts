import type { VideoCodec } from './creative-settings';
import type { AspectRatio, OutputFormat, Quality } from './mixing-settings';

export interface VideoEncoding {
  /** libx264 (H.264, default) or libx265 (HEVC, tagged `hvc1` so Apple players take it). */
  codec: 'libx264' | 'libx265';
  profile: 'high' | 'main';
  level: string;
  preset: 'veryfast' | 'fast' | 'medium';
  crf: number;
  maxrateKbps: number;
  bufsizeKbps: number;
  /** Frames per GOP; every GOP is closed and fixed-length (no scene-cut keyframes). */
  gop: number;
  /** null keeps x264's default (3); AVI gets 0 because AVI has no presentation timestamps. */
  bFrames: number | null;
  pixFmt: 'yuv420p';
}

export interface AudioEncoding {
  codec: 'aac' | 'pcm_s16le';
  sampleRate: 48000;
  channels: 2;
  /** null for PCM, whose rate is fixed by the format (1536 kb/s at 48 kHz stereo). */
  bitrateKbps: number | null;
}

export interface OutputProfile {
  /** Identity of the mezzanines this profile needs; MP4 and MOV share it. Safe in file paths. */
  key: string;
  format: OutputFormat;
  quality: Quality;
  aspectRatio: AspectRatio;
  width: number;
  height: number;
  fps: number;
  video: VideoEncoding;
  audio: AudioEncoding;
  container: 'mp4' | 'mov' | 'avi';
  extension: 'mp4' | 'mov' | 'avi';
  /** moov atom moved before the media data, so playback starts before the download ends. */
  faststart: boolean;
  /**
   * Container of the mezzanines: MP4 for AAC profiles (ISO sample descriptions, which MP4 and
   * MOV outputs both take as they are, so outputs are joined by copy, see mp4-concat/), MOV for
   * the PCM of AVI profiles.
   */
  mezzanineContainer: 'mp4' | 'mov';
}

interface QualityRow {
  shortSide: number;
  fps: number;
  level: string;
  /** H.264 level at 60 fps (twice the macroblock rate). */
  level60: string;
  preset: VideoEncoding['preset'];
  crf: number;
  maxrateKbps: number;
  audioKbps: number;
}

/** The table in docs/mixing.md; change both together. */
export const QUALITY_TABLE: Readonly<Record<Quality, QualityRow>> = {
  LOW: {
    shortSide: 480,
    fps: 30,
    level: '4.0',
    level60: '4.0',
    preset: 'veryfast',
    crf: 28,
    maxrateKbps: 1500,
    audioKbps: 96,
  },
  MEDIUM: {
    shortSide: 720,
    fps: 30,
    level: '4.0',
    level60: '4.0',
    preset: 'fast',
    crf: 23,
    maxrateKbps: 4000,
    audioKbps: 128,
  },
  HIGH: {
    shortSide: 1080,
    fps: 30,
    level: '4.1',
    level60: '4.2',
    preset: 'medium',
    crf: 20,
    maxrateKbps: 8000,
    audioKbps: 192,
  },
  ULTRA: {
    shortSide: 2160,
    fps: 30,
    level: '5.1',
    level60: '5.2',
    preset: 'medium',
    crf: 18,
    maxrateKbps: 35000,
    audioKbps: 256,
  },
};

/** Bump when mezzanine encoding changes, so caches built by older code are not reused. */
const MEZZANINE_VERSION = 2;
const GOP_SECONDS = 2;

/** Frame size for a quality's short side: 16:9 480 → 854×480, 4:5 1080 → 1080×1350. */
export function frameSize(
  shortSide: number,
  aspect: AspectRatio,
): { width: number; height: number } {
  const long = (num: number, den: number): number => even((shortSide * num) / den);
  switch (aspect) {
    case '16:9':
      return { width: long(16, 9), height: shortSide };
    case '9:16':
      return { width: shortSide, height: long(16, 9) };
    case '1:1':
      return { width: shortSide, height: shortSide };
    case '4:5':
      return { width: shortSide, height: long(5, 4) };
  }
}

function even(n: number): number {
  return Math.round(n / 2) * 2;
}

export interface ProfileOptions {
  /** Frames per second (default the quality's 30); the engine resolves `60`/`'source'`. */
  fps?: number;
  codec?: VideoCodec;
}

/** Pure: the full encoding profile of quality × format × aspect ratio (× fps × codec). */
export function outputProfile(
  quality: Quality,
  format: OutputFormat,
  aspectRatio: AspectRatio,
  options: ProfileOptions = {},
): OutputProfile {
  const row = QUALITY_TABLE[quality];
  const { width, height } = frameSize(row.shortSide, aspectRatio);
  const avi = format === 'AVI';
  const fps = options.fps ?? row.fps;
  const hevc = options.codec === 'hevc';
  if (hevc && avi) throw new RangeError('HEVC is written to MP4 and MOV only, not AVI');
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) throw new RangeError(`unsupported fps ${fps}`);
  const video: VideoEncoding = {
    codec: hevc ? 'libx265' : 'libx264',
    profile: hevc ? 'main' : 'high',
    level: fps > 30 ? row.level60 : row.level,
    preset: row.preset,
    crf: row.crf,
    maxrateKbps: row.maxrateKbps,
    bufsizeKbps: row.maxrateKbps * 2,
    gop: fps * GOP_SECONDS,
    bFrames: avi ? 0 : null,
    pixFmt: 'yuv420p',
  };
  const audio: AudioEncoding = avi
    ? { codec: 'pcm_s16le', sampleRate: 48000, channels: 2, bitrateKbps: null }
    : { codec: 'aac', sampleRate: 48000, channels: 2, bitrateKbps: row.audioKbps };
  const flavour = avi ? 'b0-pcm' : 'aac';
  const key = `v${MEZZANINE_VERSION}-${quality.toLowerCase()}-${width}x${height}-${fps}-${flavour}${hevc ? '-hevc' : ''}`;
  const extension = format.toLowerCase() as OutputProfile['extension'];
  return {
    key,
    format,
    quality,
    aspectRatio,
    width,
    height,
    fps,
    video,
    audio,
    container: extension,
    extension,
    faststart: !avi,
    mezzanineContainer: avi ? 'mov' : 'mp4',
  };
}

/**
 * Default orientation from a clip's displayed size (after rotation): landscape → 16:9, about
 * square (within 5%) → 1:1, tall portrait (≥ 3:2) → 9:16, other portrait → 4:5.
 */
export function aspectRatioFor(width: number, height: number): AspectRatio {
  if (width > height * 1.05) return '16:9';
  if (height > width * 1.05) return height / width >= 1.5 ? '9:16' : '4:5';
  return '1:1';
}
