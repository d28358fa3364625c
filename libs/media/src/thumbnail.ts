import { ffmpegPath, fileInput } from './binaries';
import { execSandboxed, inputWhitelist, sandboxConfig } from './sandbox';

/** Width of a clip's thumbnail in pixels (the height keeps the aspect ratio, rounded to even). */
export const THUMBNAIL_WIDTH = 320;

/**
 * Writes one JPEG frame of the video at `path` to `outPath`: the frame at min(1 s, half the clip),
 * 320 px wide. Sandboxed like every ffmpeg run (upload whitelist, memory ceiling, thread cap);
 * one frame is decoded, so the wall clock is short and fixed. Rejects when no frame was written.
 */
export async function extractThumbnail(
  path: string,
  outPath: string,
  durationSeconds: number,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const config = sandboxConfig();
  const threads = String(config.threads);
  const at = Math.max(0, Math.min(1, durationSeconds / 2));
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-filter_threads', threads];
  args.push(...inputWhitelist('upload'), '-threads', threads, '-ss', at.toFixed(3));
  args.push('-i', fileInput(path), '-map', '0:v:0', '-frames:v', '1');
  args.push('-vf', `scale=${THUMBNAIL_WIDTH}:-2`, '-q:v', '4', '-f', 'image2', '-y', outPath);
  const result = await execSandboxed(ffmpegPath(), args, {
    timeoutMs: options.timeoutMs ?? 30_000,
    maxMemoryBytes: config.maxMemoryBytes,
    maxBuffer: 1024 * 1024,
  });
  if (result.code !== 0 || result.killed !== undefined) {
    throw new Error(`thumbnail extraction failed (exit ${result.code ?? result.killed})`);
  }
}
