import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FfmpegRunner } from '@app/media';
import { FfmpegRunnerProvider } from './ffmpeg-runner.provider';

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

/** Poster frames kept per worker (a JPEG each, a few tens of KB). */
const FRAMES_KEPT = 500;

/**
 * The first frame of each output's first part, taken once per job and clip on this worker:
 * outputs (of any of the job's ASSEMBLE tasks here) that open with the same clip share one JPEG,
 * copied beside each output. Frames live under WORK_DIR/posters (emptied at start), the oldest
 * dropped past FRAMES_KEPT. A failed frame is forgotten, so a later output may try again.
 */
@Injectable()
export class PosterFrames implements OnModuleInit {
  private readonly frames = new Map<string, Promise<string>>();
  private readonly dir: string;
  private next = 0;

  constructor(
    private readonly ffmpeg: FfmpegRunnerProvider,
    config: ConfigService,
  ) {
    this.dir = path.join(path.resolve(config.getOrThrow<string>('WORK_DIR')), 'posters');
  }

  async onModuleInit(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /**
   * The frame of `mezzanine` for the job: keyed by the mezzanine's profile folder and name,
   * which are the same in every task (its folder may be a task's own).
   */
  of(jobId: string, mezzanine: string): Promise<string> {
    const key = `${jobId}/${path.basename(path.dirname(mezzanine))}/${path.basename(mezzanine)}`;
    let frame = this.frames.get(key);
    if (!frame) {
      const target = path.join(this.dir, `${this.next++}.jpg`);
      // No task's signal: the frame is shared, and one decoded frame takes a moment.
      frame = mkdir(this.dir, { recursive: true })
        .then(() => makePoster(this.ffmpeg.runner, mezzanine, target))
        .then(() => target);
      frame.catch(() => this.frames.delete(key));
      this.frames.set(key, frame);
      if (this.frames.size > FRAMES_KEPT) {
        const [oldest, file] = this.frames.entries().next().value as [string, Promise<string>];
        this.frames.delete(oldest);
        void file.then((f) => rm(f, { force: true })).catch(() => undefined);
      }
    }
    return frame;
  }
}
