import { fileInput, ffprobePath } from './binaries';
import type { ProbeJson } from './probe-parser';
import { execSandboxed, inputWhitelist, sandboxConfig } from './sandbox';

/** A brand asset as ffprobe reads it (issue 17): a still image or a sound track. */
export type AssetInfo =
  | { kind: 'image'; format: 'png' | 'jpeg' | 'webp'; width: number; height: number }
  | { kind: 'audio'; format: 'mp3' | 'aac' | 'wav' | 'flac'; durationSeconds: number };

/**
 * Why a file is not an asset: UNSUPPORTED (another type, including a container outside the
 * asset whitelist), VIDEO (moving pictures: upload it as a video), CORRUPT (unreadable).
 */
export class AssetProbeError extends Error {
  constructor(
    readonly reason: 'UNSUPPORTED' | 'VIDEO' | 'CORRUPT',
    message: string,
  ) {
    super(message);
    this.name = 'AssetProbeError';
  }
}

const IMAGE_CODECS: Record<string, 'png' | 'jpeg' | 'webp'> = {
  png: 'png',
  mjpeg: 'jpeg',
  webp: 'webp',
};

function audioFormat(formatName: string, codec: string): 'mp3' | 'aac' | 'wav' | 'flac' | null {
  if (codec === 'mp3') return 'mp3';
  if (codec === 'aac') return 'aac';
  if (codec === 'flac') return 'flac';
  if (codec.startsWith('pcm_') && formatName === 'wav') return 'wav';
  return null;
}

/** Pure: ffprobe's JSON of a would-be asset to what it is, or a typed refusal. */
export function parseAssetProbe(json: ProbeJson): AssetInfo {
  const streams = json.streams ?? [];
  const formatName = json.format?.format_name ?? '';
  const pictures = streams.filter((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const sounds = streams.filter((s) => s.codec_type === 'audio');
  const image =
    pictures.length === 1 && !sounds.length
      ? IMAGE_CODECS[pictures[0].codec_name ?? '']
      : undefined;
  if (image && /(^|,)(image2|png_pipe|jpeg_pipe|webp_pipe)(,|$)/.test(formatName)) {
    const { width, height } = pictures[0];
    if (!width || !height) throw new AssetProbeError('CORRUPT', 'an image without a size');
    return { kind: 'image', format: image, width, height };
  }
  if (pictures.length) {
    throw new AssetProbeError('VIDEO', `a video (${formatName}), not an image or a sound`);
  }
  if (sounds.length) {
    const format = audioFormat(formatName, sounds[0].codec_name ?? '');
    if (!format) {
      throw new AssetProbeError(
        'UNSUPPORTED',
        `sound coded as ${sounds[0].codec_name ?? 'unknown'}`,
      );
    }
    const durationSeconds = Number(sounds[0].duration ?? json.format?.duration);
    if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) {
      throw new AssetProbeError('CORRUPT', 'a sound without a duration');
    }
    return { kind: 'audio', format, durationSeconds };
  }
  throw new AssetProbeError('UNSUPPORTED', 'neither an image nor a sound');
}

/**
 * Reads a would-be asset with ffprobe in the sandbox under the `asset` input policy: only the
 * image and sound demuxers (plus MP4/MOV for M4A) open; anything else is refused unread.
 */
export async function probeAsset(
  path: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<AssetInfo> {
  const config = sandboxConfig();
  const args = ['-v', 'error', ...inputWhitelist('asset')];
  args.push('-threads', String(config.threads), '-print_format', 'json');
  args.push('-show_format', '-show_streams', fileInput(path));
  const result = await execSandboxed(ffprobePath(), args, {
    timeoutMs: options.timeoutMs ?? 15_000,
    maxMemoryBytes: config.probeMaxMemoryBytes,
    signal: options.signal,
  });
  if (result.killed === 'timeout') {
    throw new AssetProbeError('CORRUPT', 'ffprobe did not finish reading the headers in time');
  }
  if (result.code !== 0) {
    const refused = /Format not on whitelist|Invalid data found/i.test(result.stderr);
    throw new AssetProbeError(
      refused ? 'UNSUPPORTED' : 'CORRUPT',
      refused ? 'not a PNG, JPEG, WebP, MP3, AAC, WAV or FLAC file' : 'the file could not be read',
    );
  }
  try {
    return parseAssetProbe(JSON.parse(result.stdout) as ProbeJson);
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new AssetProbeError('CORRUPT', 'ffprobe printed unreadable output');
    throw e;
  }
}
