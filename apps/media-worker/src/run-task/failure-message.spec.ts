import { FfmpegFailedError, FfmpegTimeoutError, MediaProbeError } from '@app/media';
import { clientFailureMessage, JOB_FAILURE_MESSAGES } from './failure-message';

describe('the errorMessage a failed job shows its owner', () => {
  it('is a fixed category that never carries ffmpeg output or server paths', () => {
    const path = '/srv/vmp/data/storage/sources/u1/p1/secret.mp4';
    const cases: [unknown, string][] = [
      [
        new MediaProbeError('CORRUPT', `${path}: Invalid data found`),
        JOB_FAILURE_MESSAGES.sourceUnreadable,
      ],
      [new FfmpegFailedError(1, `Error opening ${path}`), JOB_FAILURE_MESSAGES.renderingFailed],
      [new Error(`ENOENT: no such file ${path}`), JOB_FAILURE_MESSAGES.renderingFailed],
    ];
    for (const [error, expected] of cases) {
      const message = clientFailureMessage(error);
      expect(message).toBe(expected);
      expect(message).not.toContain('/');
    }
  });

  it('names a time-out as such', () => {
    expect(clientFailureMessage(new FfmpegTimeoutError(60_000))).toBe(
      JOB_FAILURE_MESSAGES.timedOut,
    );
  });
});
