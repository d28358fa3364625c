import type { Schemas } from '../api/client';

/**
 * The creative settings as the form edits them: every number as the text typed (so a bad value
 * reaches the API and comes back as its message by the field), every choice with '' for "the
 * API's default". `fromSettings` and `toSettings` convert from and to the API's settings.
 */
type Settings = Schemas['ProjectSettingsDto'];
type Rendition = Schemas['RenditionDto'];

export const MAX_RENDITIONS = 4;
export const ASPECTS = ['16:9', '9:16', '1:1', '4:5'] as const;
export const FORMATS = ['MP4', 'MOV', 'AVI'] as const;
export const QUALITIES = ['LOW', 'MEDIUM', 'HIGH', 'ULTRA'] as const;
export const FPS = ['30', '60', 'source'] as const;
export const CORNERS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export const FILLS = ['pad', 'blur', 'crop'] as const;
export const TRANSITIONS = ['cut', 'fade', 'crossfade'] as const;
export const CAPTION_POSITIONS = ['top', 'middle', 'bottom'] as const;

export interface RenditionDraft {
  aspectRatio: '' | (typeof ASPECTS)[number];
  format: Rendition['format'];
  quality: Rendition['quality'];
  fps: '' | (typeof FPS)[number];
  codec: '' | 'h264' | 'hevc';
}

export interface CreativeDraft {
  renditions: RenditionDraft[];
  loudness: { on: boolean; targetLufs: string; truePeakDb: string };
  fill: '' | (typeof FILLS)[number];
  fades: string;
  transition: { type: '' | (typeof TRANSITIONS)[number]; seconds: string };
  watermark: {
    assetId: string;
    position: '' | (typeof CORNERS)[number];
    x: string;
    y: string;
    scale: string;
    opacity: string;
    margin: string;
  };
  captions: {
    position: '' | (typeof CAPTION_POSITIONS)[number];
    fontSize: string;
    color: string;
    box: boolean;
  };
  music: { assetId: string; volume: string; duck: boolean; fadeOutSeconds: string };
}

const text = (n: number | undefined | null) => (n == null ? '' : String(n));

/** A number as typed: '' is "not set"; anything else is sent as is (NaN becomes the API's 400). */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** Drops the keys whose value is undefined (the API's defaults apply). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function fromSettings(s: Settings): CreativeDraft {
  return {
    renditions: (s.renditions ?? []).map((r) => ({
      aspectRatio: r.aspectRatio ?? '',
      format: r.format,
      quality: r.quality,
      fps: r.fps === undefined ? '' : (String(r.fps) as RenditionDraft['fps']),
      codec: r.codec ?? '',
    })),
    loudness: {
      on: !!s.loudness,
      targetLufs: text(s.loudness?.targetLufs),
      truePeakDb: text(s.loudness?.truePeakDb),
    },
    fill: s.fill ?? '',
    fades: text(s.fades?.seconds),
    transition: { type: s.transition?.type ?? '', seconds: text(s.transition?.seconds) },
    watermark: {
      assetId: s.watermark?.assetId ?? '',
      position: s.watermark?.position ?? '',
      x: text(s.watermark?.x),
      y: text(s.watermark?.y),
      scale: text(s.watermark?.scale),
      opacity: text(s.watermark?.opacity),
      margin: text(s.watermark?.margin),
    },
    captions: {
      position: s.captions?.position ?? '',
      fontSize: text(s.captions?.fontSize),
      color: s.captions?.color ?? '',
      box: s.captions?.box ?? true,
    },
    music: {
      assetId: s.music?.assetId ?? '',
      volume: text(s.music?.volume),
      duck: s.music?.duck ?? true,
      fadeOutSeconds: text(s.music?.fadeOutSeconds),
    },
  };
}

/** The creative part of the settings to send: only what is set (absent: the API's defaults). */
export function toSettings(d: CreativeDraft): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (d.renditions.length)
    out.renditions = d.renditions.map((r) =>
      defined({
        aspectRatio: r.aspectRatio || undefined,
        format: r.format,
        quality: r.quality,
        fps: r.fps === '' ? undefined : r.fps === 'source' ? 'source' : (Number(r.fps) as 30 | 60),
        codec: r.codec || undefined,
      }),
    );
  if (d.loudness.on)
    out.loudness = defined({
      targetLufs: num(d.loudness.targetLufs),
      truePeakDb: num(d.loudness.truePeakDb),
    });
  if (d.fill) out.fill = d.fill;
  if (d.fades.trim() !== '') out.fades = { seconds: num(d.fades) as number };
  if (d.transition.type)
    out.transition = defined({ type: d.transition.type, seconds: num(d.transition.seconds) });
  if (d.watermark.assetId)
    out.watermark = defined({
      assetId: d.watermark.assetId,
      position: d.watermark.position || undefined,
      x: num(d.watermark.x),
      y: num(d.watermark.y),
      scale: num(d.watermark.scale),
      opacity: num(d.watermark.opacity),
      margin: num(d.watermark.margin),
    });
  const captions = defined({
    position: d.captions.position || undefined,
    fontSize: num(d.captions.fontSize),
    color: d.captions.color.trim() || undefined,
    box: d.captions.box ? undefined : false,
  });
  if (Object.keys(captions).length) out.captions = captions;
  if (d.music.assetId)
    out.music = defined({
      assetId: d.music.assetId,
      volume: num(d.music.volume),
      duck: d.music.duck ? undefined : false,
      fadeOutSeconds: num(d.music.fadeOutSeconds),
    });
  return out;
}

/** A rendition as one short line, e.g. "9:16 MP4 HIGH 60 fps HEVC". */
export function describeRendition(
  r: {
    aspectRatio?: string;
    format: string;
    quality: string;
    fps?: number | string;
    codec?: string;
  },
  defaultAspect = 'project shape',
): string {
  return [
    r.aspectRatio || defaultAspect,
    r.format,
    r.quality,
    r.fps && String(r.fps) !== '30' ? `${r.fps} fps` : '',
    r.codec === 'hevc' ? 'HEVC' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
