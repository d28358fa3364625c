/** Why ffprobe could not accept a file as a usable video. */
export type MediaProbeFailure =
  | 'NOT_A_VIDEO'
  | 'CORRUPT'
  | 'NO_VIDEO_STREAM'
  | 'ZERO_DURATION'
  /** A real container, outside the accepted ones (`formatName` says which): a 415. */
  | 'UNSUPPORTED_CONTAINER';

export class MediaProbeError extends Error {
  override readonly name = 'MediaProbeError';
  constructor(
    readonly reason: MediaProbeFailure,
    readonly detail: string,
    /** The demuxer ffmpeg detected, for UNSUPPORTED_CONTAINER. */
    readonly formatName?: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** ffmpeg exited with a non-zero status (or a signal we did not send). */
export class FfmpegFailedError extends Error {
  override readonly name = 'FfmpegFailedError';
  constructor(
    readonly exitCode: number | null,
    readonly stderrTail: string,
  ) {
    super(`ffmpeg failed (exit ${exitCode ?? 'signal'}): ${stderrTail.trim() || 'no output'}`);
  }
}

/** ffmpeg was killed because the caller's AbortSignal fired. */
export class FfmpegAbortedError extends Error {
  override readonly name = 'FfmpegAbortedError';
  constructor() {
    super('ffmpeg run aborted');
  }
}

/** ffmpeg was killed because it ran past its time limit. */
export class FfmpegTimeoutError extends Error {
  override readonly name = 'FfmpegTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`ffmpeg run exceeded ${timeoutMs} ms`);
  }
}
