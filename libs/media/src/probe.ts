import { fileInput, ffprobePath } from './binaries';
import { MediaProbeError } from './media-errors';
import type { MediaInfo } from './media-info';
import { IMAGE_FORMAT, parseProbeJson, type ProbeJson } from './probe-parser';
import { execSandboxed, inputWhitelist, sandboxConfig, type InputPolicy } from './sandbox';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** ffprobe reads headers (and a frame or two): 15 s covers a slow disk, not a hostile file. */
  timeoutMs?: number;
  /** What the file may be; default `upload` (the containers the product accepts). */
  inputs?: InputPolicy;
}

/** ffprobe messages that mean "a media container, but damaged" rather than "not media at all". */
const DAMAGE = /moov atom not found|truncat|corrupt|invalid nal|error while decoding|EBML/i;
/** ffmpeg logs the refusal in the context of the demuxer it detected: `[hls @ 0x…] Format not…`. */
const NOT_WHITELISTED = /\[([\w,-]+)\] Format not on whitelist/i;

/** Demuxers of text (and subtitles): not a video at all, like the parser's verdict on them. */
const TEXT_FORMAT =
  /^(tty|srt|ass|webvtt|subviewer1?|microdvd|mpl2|sami|realtext|stl|pjs|jacosub|vplayer|aqtitle|lrc|scc|mpsub)$/;
/** Demuxers that only ever carry sound: "no video stream", as when ffprobe reads them. */
const AUDIO_FORMAT =
  /^(wav|w64|mp3|aac|ac3|eac3|flac|aiff|caf|amr|amrnb|amrwb|au|wv|ape|dts|truehd|mlp|tak|voc|s16le|s16be|u8)$/;

/**
 * Pure: ffprobe's failure output to a typed refusal. A container outside the whitelist is named
 * (UNSUPPORTED_CONTAINER, `formatName` set) unless it is one of still images or text (NOT_A_VIDEO)
 * or of sound only (NO_VIDEO_STREAM), as the parser would have said.
 */
export function probeFailure(stderr: string, path?: string): MediaProbeError {
  let detail = stderr.trim() || 'ffprobe failed';
  // The server's paths and addresses stay out of messages that may reach a client.
  if (path) detail = detail.split(fileInput(path)).join('input').split(path).join('input');
  detail = detail.replace(/ @ 0x[0-9a-f]+\]/gi, ']');
  const refused = NOT_WHITELISTED.exec(detail);
  if (refused) {
    const format = refused[1];
    if (IMAGE_FORMAT.test(format)) {
      return new MediaProbeError('NOT_A_VIDEO', `still image (${format})`);
    }
    if (TEXT_FORMAT.test(format)) return new MediaProbeError('NOT_A_VIDEO', `text (${format})`);
    if (AUDIO_FORMAT.test(format)) {
      return new MediaProbeError('NO_VIDEO_STREAM', `format ${format}`);
    }
    return new MediaProbeError('UNSUPPORTED_CONTAINER', `container ${format}`, format);
  }
  return new MediaProbeError(DAMAGE.test(detail) ? 'CORRUPT' : 'NOT_A_VIDEO', detail);
}

/**
 * Reads a local file's streams with ffprobe in the sandbox (sandbox.ts): `file` protocol only,
 * the accepted containers only (a playlist is refused before it is parsed, so none of the files
 * it names is opened), `PATH`-only environment, address-space ceiling, thread cap.
 */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const config = sandboxConfig();
  const args = ['-v', 'error', ...inputWhitelist(options.inputs ?? 'upload')];
  args.push('-threads', String(config.threads), '-print_format', 'json');
  args.push('-show_format', '-show_streams', fileInput(path));
  const result = await execSandboxed(ffprobePath(), args, {
    timeoutMs: options.timeoutMs ?? 15_000,
    maxMemoryBytes: config.probeMaxMemoryBytes,
    signal: options.signal,
  });
  if (result.killed === 'timeout') {
    throw new MediaProbeError('CORRUPT', 'ffprobe did not finish reading the headers in time');
  }
  if (result.code !== 0)
    throw probeFailure(result.stderr || `ffprobe exited with ${result.code}`, path);
  let json: ProbeJson;
  try {
    json = JSON.parse(result.stdout) as ProbeJson;
  } catch {
    throw new MediaProbeError('CORRUPT', 'ffprobe printed unreadable output');
  }
  return parseProbeJson(json);
}
