import { FfmpegFailedError, FfmpegTimeoutError, MediaProbeError } from '@app/media';

/** The categories a client may read in a failed job's errorMessage. */
export const JOB_FAILURE_MESSAGES = {
  sourceUnreadable: 'a source clip could not be decoded',
  timedOut: 'rendering took too long',
  renderingFailed: 'rendering failed',
} as const;

/**
 * What a failed job tells its owner: a fixed category, never ffmpeg's stderr (which names
 * storage paths and server internals). The detail stays in the worker's log.
 */
export function clientFailureMessage(e: unknown): string {
  if (e instanceof MediaProbeError) return JOB_FAILURE_MESSAGES.sourceUnreadable;
  if (e instanceof FfmpegTimeoutError) return JOB_FAILURE_MESSAGES.timedOut;
  if (e instanceof FfmpegFailedError) return JOB_FAILURE_MESSAGES.renderingFailed;
  return JOB_FAILURE_MESSAGES.renderingFailed;
}
