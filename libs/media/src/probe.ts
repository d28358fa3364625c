import { execFile } from 'node:child_process';
import { fileInput, ffprobePath } from './binaries';
import { MediaProbeError } from './media-errors';
import type { MediaInfo } from './media-info';
import { parseProbeJson, type ProbeJson } from './probe-parser';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** ffprobe reads headers only; 30 s covers a slow disk without letting a bad file hang a job. */
  timeoutMs?: number;
}

/** ffprobe messages that mean "a media container, but damaged" rather than "not media at all". */
const DAMAGE = /moov atom not found|truncat|corrupt|invalid nal|error while decoding|EBML/i;

/** Reads a local file's streams with ffprobe (argument array, `file` protocol only). */
export async function probe(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const args = ['-v', 'error', '-protocol_whitelist', 'file', '-print_format', 'json'];
  args.push('-show_format', '-show_streams', fileInput(path));
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      ffprobePath(),
      args,
      { signal: options.signal, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => {
        if (!error) return resolve(out);
        if (error.name === 'AbortError') return reject(error);
        const detail = String(err || error.message).trim();
        reject(new MediaProbeError(DAMAGE.test(detail) ? 'CORRUPT' : 'NOT_A_VIDEO', detail));
      },
    );
  });
  let json: ProbeJson;
  try {
    json = JSON.parse(stdout) as ProbeJson;
  } catch {
    throw new MediaProbeError('CORRUPT', 'ffprobe printed unreadable output');
  }
  return parseProbeJson(json);
}
