import { ffmpegPath, fileInput } from './binaries';
import { MediaProbeError } from './media-errors';
import { execSandboxed, inputWhitelist, sandboxConfig } from './sandbox';

/**
 * ffprobe reads headers only, so a file cut short after a complete header (an MP4 with its moov
 * atom first, a Matroska file) still probes with its full duration. Decoding the last seconds
 * finds that: a truncated file either fails to decode its tail, reports an error, or yields no
 * frame there. Cost: a fraction of a second whatever the file's length. Run it after
 * checkMediaLimits: the limits keep a huge frame from being decoded at all. Sandboxed like every
 * ffmpeg run (upload whitelist, `PATH`-only environment, memory ceiling, thread cap).
 */
export async function checkTailDecodes(
  path: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const config = sandboxConfig();
  const threads = String(config.threads);
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-filter_threads', threads];
  args.push(...inputWhitelist('upload'), '-threads', threads, '-sseof', '-2');
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
  const result = await execSandboxed(ffmpegPath(), args, {
    // The tail is two seconds whatever the clip's length: a fixed, short clock.
    timeoutMs: options.timeoutMs ?? 60_000,
    maxMemoryBytes: config.maxMemoryBytes,
    maxBuffer: 4 * 1024 * 1024,
  });
  const failed = result.code !== 0 || result.killed !== undefined;
  const frames = [...result.stdout.matchAll(/^frame=(\d+)$/gm)].map((m) => Number(m[1])).pop() ?? 0;
  if (failed || frames === 0 || result.stderr.trim()) {
    const detail =
      result.stderr
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ')
        // The server's paths and addresses stay out of messages that may reach a client.
        .split(fileInput(path))
        .join('input')
        .split(path)
        .join('input')
        .replace(/ @ 0x[0-9a-f]+\]/gi, ']') || 'no frame decodes at the end of the file';
    throw new MediaProbeError('CORRUPT', `the file is truncated or damaged: ${detail}`);
  }
}
