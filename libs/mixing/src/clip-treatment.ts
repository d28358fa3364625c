import { createHash } from 'node:crypto';
import type { AspectRatio } from '@app/contracts/enums';
import {
  DEFAULT_CAPTION_FONT,
  DEFAULT_TARGET_LUFS,
  DEFAULT_TRANSITION_SECONDS,
  DEFAULT_TRUE_PEAK_DB,
  type CaptionPosition,
  type ClipCreative,
  type CreativeSettings,
  type FillMode,
  type WatermarkSettings,
} from './creative-settings';

/**
 * Everything the creative settings change in one clip's mezzanine, resolved to plain values:
 * applied once, at normalization, and part of the mezzanine's cache name (`treatmentTag`).
 */
export interface ClipTreatment {
  fill: FillMode;
  /** crop only: where the kept window sits, 0..1 (default centre). */
  focus?: { x: number; y: number };
  fadeInSeconds: number;
  fadeOutSeconds: number;
  /**
   * Crossfade transitions: the mezzanine is written as three files, head and tail of this length
   * (in whole frames) and the body between, so a joint re-encodes only a tail and a head.
   */
  crossfadeSeconds?: number;
  loudness?: { targetLufs: number; truePeakDb: number };
  watermark?: ResolvedWatermark;
  caption?: ResolvedCaption;
}

export interface ResolvedWatermark {
  path: string;
  /** sha256 of the image file: the cache name follows the picture, not where it was stored. */
  digest: string;
  position: NonNullable<WatermarkSettings['position']>;
  x?: number;
  y?: number;
  scale: number;
  opacity: number;
  margin: number;
}

export interface ResolvedCaption {
  text: string;
  fontSize: number;
  color: string;
  box: boolean;
  position: CaptionPosition;
  fontFile: string;
}

/**
 * Platform safe zones (fractions of the frame kept free of the apps' own buttons and text):
 * 9:16 after TikTok/Reels/Shorts (top bar, right-hand buttons, caption and CTA at the bottom),
 * the others after Instagram feed posts and broadcast title-safe (16:9).
 */
export const SAFE_ZONES: Readonly<
  Record<AspectRatio, { top: number; bottom: number; side: number }>
> = {
  '9:16': { top: 0.14, bottom: 0.24, side: 0.08 },
  '4:5': { top: 0.08, bottom: 0.12, side: 0.06 },
  '1:1': { top: 0.08, bottom: 0.1, side: 0.06 },
  '16:9': { top: 0.1, bottom: 0.1, side: 0.1 },
};

/** Pure: the treatment of one clip under the project's creative settings. */
export function resolveTreatment(
  settings: CreativeSettings,
  clip: ClipCreative | undefined,
  digests: { watermark?: string } = {},
  fontFile = DEFAULT_CAPTION_FONT,
): ClipTreatment {
  const fill = settings.fill ?? 'pad';
  let fade = settings.fades?.seconds ?? 0;
  if (settings.transition?.type === 'fade') {
    // Through black: the outgoing clip fades out, the next one fades in, half the length each.
    fade = Math.max(fade, (settings.transition.seconds ?? DEFAULT_TRANSITION_SECONDS) / 2);
  }
  const treatment: ClipTreatment = { fill, fadeInSeconds: fade, fadeOutSeconds: fade };
  if (settings.transition?.type === 'crossfade') {
    treatment.crossfadeSeconds = settings.transition.seconds ?? DEFAULT_TRANSITION_SECONDS;
  }
  if (fill === 'crop') {
    treatment.focus = { x: clamp01(clip?.focus?.x ?? 0.5), y: clamp01(clip?.focus?.y ?? 0.5) };
  }
  if (settings.loudness) {
    treatment.loudness = {
      targetLufs: settings.loudness.targetLufs ?? DEFAULT_TARGET_LUFS,
      truePeakDb: settings.loudness.truePeakDb ?? DEFAULT_TRUE_PEAK_DB,
    };
  }
  const w = settings.watermark;
  if (w) {
    if (!digests.watermark) throw new RangeError('watermark digest missing');
    treatment.watermark = {
      path: w.path,
      digest: digests.watermark,
      position: w.position ?? 'bottom-right',
      ...(w.x !== undefined && w.y !== undefined ? { x: clamp01(w.x), y: clamp01(w.y) } : {}),
      scale: w.scale ?? 0.15,
      opacity: clamp01(w.opacity ?? 0.8),
      margin: w.margin ?? 0.03,
    };
  }
  const text = clip?.caption?.trim();
  if (text) {
    const style = settings.captions ?? {};
    treatment.caption = {
      text,
      fontSize: style.fontSize ?? 0.05,
      color: style.color ?? 'white',
      box: style.box ?? true,
      position: style.position ?? 'bottom',
      fontFile,
    };
  }
  return treatment;
}

/** True when the treatment leaves the clip as the engine made it before issue 17. */
export function isUntreated(t: ClipTreatment): boolean {
  return (
    t.fill === 'pad' &&
    t.fadeInSeconds === 0 &&
    t.fadeOutSeconds === 0 &&
    !t.crossfadeSeconds &&
    !t.loudness &&
    !t.watermark &&
    !t.caption
  );
}

/**
 * Pure: a stable hash of what the treatment changes in the mezzanine (16 hex digits), or null
 * for an untreated clip, whose cache name stays what it was (caches stay valid). The watermark
 * counts by its content digest, not by its temporary path.
 */
export function treatmentTag(t: ClipTreatment): string | null {
  if (isUntreated(t)) return null;
  const { watermark, ...rest } = t;
  const identity = { ...rest, watermark: watermark && { ...watermark, path: undefined } };
  return createHash('sha256').update(stableJson(identity)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
