import { execFile } from 'node:child_process';
import { ffmpegPath, fileInput } from './binaries';
import { MediaProbeError } from './media-errors';

/**
 * ffprobe reads headers only, so a file cut short after a complete header (an MP4 with its moov
 * atom first, a Matroska file) still probes with its full duration. Decoding the last seconds
 * finds that: a truncated file either fails to decode its tail, reports an error, or yields no
 * frame there. Cost: a fraction of a second whatever the file's length.
 */
export async function checkTailDecodes(
  path: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const args = ['-v', 'error', '-xerror', '-protocol_whitelist', 'file', '-sseof', '-2'];
  args.push(
    '-i',
    fileInput(path),
    '-map',
    '0:v:0',
    '-f',
    'null',
    '-progress',
    'pipe:1',
    '-nostats',
    '-',
  );
  const { failed, stdout, stderr } = await new Promise<{
    failed: boolean;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    execFile(
      ffmpegPath(),
      args,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 4 * 1024 * 1024 },
      (error, out, err) =>
        resolve({ failed: Boolean(error), stdout: String(out), stderr: String(err) }),
    );
  });
  const frames = [...stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1])).pop() ?? 0;
  if (failed || frames === 0 || stderr.trim()) {
    const detail =
      stderr.trim().split('\n').slice(-3).join(' ') || 'no frame decodes at the end of the file';
    throw new MediaProbeError('CORRUPT', `the file is truncated or damaged: ${detail}`);
  }
}
