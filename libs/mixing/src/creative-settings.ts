/**
 * The creative layer's settings as the engine reads them (issue 17). Every treatment is optional;
 * with none set the engine behaves, and names its mezzanines, exactly as before.
 *
 * Assets are local file paths here: the worker resolves the project's asset ids to files before
 * calling the engine.
 */
import type { AspectRatio, OutputFormat, Quality } from '@app/contracts/enums';

export type FillMode = 'pad' | 'blur' | 'crop';
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export type VideoCodec = 'h264' | 'hevc';
export type FpsSetting = 30 | 60 | 'source';

export interface RenditionSettings {
  aspectRatio?: AspectRatio;
  format: OutputFormat;
  quality: Quality;
  /** 30 (default); 60 only where the plan's sources have it; 'source' = min(sources' fps, 60). */
  fps?: FpsSetting;
  /** 'h264' (default) or 'hevc' (tagged hvc1 for Apple players; MP4 and MOV only). */
  codec?: VideoCodec;
}

export interface LoudnessSettings {
  /** Integrated loudness target, LUFS (default −14). */
  targetLufs?: number;
  /** True-peak ceiling, dBTP (default −1). */
  truePeakDb?: number;
}

export interface WatermarkSettings {
  /** Local image file (PNG, JPEG, WebP). */
  path: string;
  /** Corner (default bottom-right), unless x and y are given. */
  position?: Corner;
  /** 0..1: where the logo's top-left sits in the free space (0 = left/top edge, 1 = right/bottom). */
  x?: number;
  y?: number;
  /** Logo width as a fraction of the output width (default 0.15). */
  scale?: number;
  /** 0..1 (default 0.8). */
  opacity?: number;
  /** Distance from the edges at a corner, as a fraction of the output width (default 0.03). */
  margin?: number;
}

export type CaptionPosition = 'top' | 'middle' | 'bottom';

export interface CaptionStyle {
  /** Text height as a fraction of the output's shorter side (default 0.05). */
  fontSize?: number;
  /** ffmpeg colour: a name or #RRGGBB (default white). */
  color?: string;
  /** A translucent box behind the text (default true). */
  box?: boolean;
  /** Inside the platform safe zone of the output's shape (default bottom). */
  position?: CaptionPosition;
}

export interface MusicSettings {
  /** Local audio file (MP3, AAC, WAV, FLAC). */
  path: string;
  /** Linear gain of the music before ducking (default 0.3). */
  volume?: number;
  /** Lower the music while the clips sound (sidechain compression, default true). */
  duck?: boolean;
  /** Fade-out at the end of each output, seconds (default 1). */
  fadeOutSeconds?: number;
}

export type TransitionType = 'cut' | 'fade' | 'crossfade';

export interface TransitionSettings {
  type: TransitionType;
  /** Length of the transition (default 0.3 s; a fade is half out, half in). */
  seconds?: number;
}

export interface CreativeSettings {
  renditions?: RenditionSettings[];
  loudness?: LoudnessSettings;
  fill?: FillMode;
  fades?: { seconds: number };
  transition?: TransitionSettings;
  watermark?: WatermarkSettings;
  captions?: CaptionStyle;
  music?: MusicSettings;
}

/** Per-clip creative input, next to the source (from the project's video rows). */
export interface ClipCreative {
  /** Caption drawn on this clip (Unicode, right-to-left scripts shaped). */
  caption?: string;
  /** Focus point for `fill: 'crop'`, 0..1 each (default centre). */
  focus?: { x: number; y: number };
}

export const DEFAULT_TARGET_LUFS = -14;
export const DEFAULT_TRUE_PEAK_DB = -1;
export const DEFAULT_TRANSITION_SECONDS = 0.3;
/** The font drawtext uses: Debian's fonts-dejavu-core (installed by scripts/lib.sh). */
export const DEFAULT_CAPTION_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
