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
const NOT_WHITELISTED = /\[([\w,-]+) @ 0x[0-9a-f]+\] Format not on whitelist/i;

/**
 * Pure: ffprobe's failure output to a typed refusal. A container outside the whitelist is named
 * (UNSUPPORTED_CONTAINER, `formatName` set) or, for a still image, NOT_A_VIDEO, like the parser.
 */
export function probeFailure(stderr: string): MediaProbeError {
  const detail = stderr.trim() || 'ffprobe failed';
  const refused = NOT_WHITELISTED.exec(detail);
  if (refused) {
    const format = refused[1];
    if (IMAGE_FORMAT.test(format))
      return new MediaProbeError('NOT_A_VIDEO', `still image (${format})`);
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
  if (result.code !== 0) throw probeFailure(result.stderr || `ffprobe exited with ${result.code}`);
  let json: ProbeJson;
  try {
    json = JSON.parse(result.stdout) as ProbeJson;
  } catch {
    throw new MediaProbeError('CORRUPT', 'ffprobe printed unreadable output');
  }
  return parseProbeJson(json);
}
