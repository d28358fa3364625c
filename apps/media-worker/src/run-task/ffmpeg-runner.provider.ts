import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FfmpegRunner } from '@app/media';
import { ffmpegSeconds } from '@app/observability';

/** One ffmpeg runner per worker process: FFMPEG_MAX_PROCESSES bounds its ffmpeg processes. */
@Injectable()
export class FfmpegRunnerProvider {
  readonly runner: FfmpegRunner;

  constructor(config: ConfigService) {
    this.runner = new FfmpegRunner({
      maxConcurrent: config.getOrThrow<number>('FFMPEG_MAX_PROCESSES'),
      defaultTimeoutMs: config.getOrThrow<number>('FFMPEG_TIMEOUT_MS'),
      ffmpegPath: config.getOrThrow<string>('FFMPEG_PATH'),
      onRunEnd: (seconds, outcome) => ffmpegSeconds.inc({ outcome }, seconds),
    });
  }
}
