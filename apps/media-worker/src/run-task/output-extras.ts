import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FfmpegRunner } from '@app/media';

/** The SHA-256 (hex) of a local file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * A JPEG of the first frame of `mezzanine` (the output's first part) at `target`: one frame
 * decoded, nothing of the output itself. Leaves nothing behind when it fails.
 */
export async function makePoster(
  runner: FfmpegRunner,
  mezzanine: string,
  target: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await runner.run(
      ['-ss', '0', '-i', mezzanine, '-frames:v', '1', '-q:v', '3', '-f', 'image2', '-y', target],
      { signal },
    );
  } catch (e) {
    await rm(target, { force: true });
    throw e;
  }
}

/**
 * The first frame of each first part, taken once per job: outputs that open with the same clip
 * share one JPEG (copied beside each output). A failed frame is not retried within the job.
 */
export class PosterFrames {
  private readonly frames = new Map<string, Promise<string>>();

  constructor(
    private readonly runner: FfmpegRunner,
    private readonly dir: string,
  ) {}

  of(mezzanine: string, signal?: AbortSignal): Promise<string> {
    let frame = this.frames.get(mezzanine);
    if (!frame) {
      const target = path.join(this.dir, `${this.frames.size}.jpg`);
      frame = mkdir(this.dir, { recursive: true })
        .then(() => makePoster(this.runner, mezzanine, target, signal))
        .then(() => target);
      frame.catch(() => undefined);
      this.frames.set(mezzanine, frame);
    }
    return frame;
  }
}
