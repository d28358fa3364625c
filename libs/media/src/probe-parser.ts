import { MediaProbeError } from './media-errors';
import type { MediaInfo } from './media-info';

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
}

export interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

/** Still-image demuxers: ffprobe reports a "video" stream for a photo. */
export const IMAGE_FORMAT = /(^|,)(image2|\w+_pipe|gif|webp|apng|tiff)(,|$)/;

/** Pure: ffprobe's JSON (`-show_format -show_streams`) to MediaInfo, or a typed refusal. */
export function parseProbeJson(json: ProbeJson): MediaInfo {
  const streams = json.streams ?? [];
  const formatName = json.format?.format_name ?? '';
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) {
    if (streams.length === 0 && !formatName) {
      throw new MediaProbeError('NOT_A_VIDEO', 'no streams');
    }
    throw new MediaProbeError('NO_VIDEO_STREAM', `format ${formatName || 'unknown'}`);
  }
  if (IMAGE_FORMAT.test(formatName)) {
    throw new MediaProbeError('NOT_A_VIDEO', `still image (${formatName})`);
  }
  if (!video.codec_name || !video.width || !video.height) {
    throw new MediaProbeError('CORRUPT', 'video stream without codec or size');
  }
  const durationSeconds = firstPositive(video.duration, tagDuration(video), json.format?.duration);
  if (durationSeconds === undefined) {
    throw new MediaProbeError('ZERO_DURATION', 'no positive duration');
  }
  const rotation = rotationOf(video);
  const sideways = rotation === 90 || rotation === 270;
  const audio = streams.find((s) => s.codec_type === 'audio');
  return {
    durationSeconds,
    width: sideways ? video.height : video.width,
    height: sideways ? video.width : video.height,
    rotation,
    fps: rate(video.avg_frame_rate) ?? rate(video.r_frame_rate) ?? 0,
    hasAudio: audio !== undefined,
    formatName,
    videoCodec: video.codec_name,
    audioCodec: audio?.codec_name ?? null,
    audioDurationSeconds: audio
      ? (firstPositive(audio.duration, tagDuration(audio)) ?? null)
      : null,
  };
}

/** Matroska keeps a stream's duration in a `DURATION` tag ("00:00:02.000000000"), in seconds. */
function tagDuration(stream: ProbeStream): string | undefined {
  const tag = stream.tags?.DURATION ?? stream.tags?.duration;
  const m = tag ? /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(tag) : null;
  if (!m) return undefined;
  return String(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
}

function firstPositive(...values: (string | undefined)[]): number | undefined {
  for (const v of values) {
    const n = Number(v);
    if (v !== undefined && Number.isFinite(n) && n > 0) return n;
  }
  return undefined;
}

/** "30000/1001" → 29.97; "0/0" → undefined. */
export function rate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [num, den = '1'] = value.split('/');
  const n = Number(num) / Number(den);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Clockwise rotation. The display matrix (ffprobe's side data) gives the counter-clockwise angle,
 * which is why it is negated; older files carry only a `rotate` tag, already clockwise.
 */
function rotationOf(stream: ProbeStream): MediaInfo['rotation'] {
  const side = stream.side_data_list?.find((d) => typeof d.rotation === 'number');
  const degrees = side?.rotation !== undefined ? -side.rotation : Number(stream.tags?.rotate ?? 0);
  const normalized = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return normalized as MediaInfo['rotation'];
}
