import { makeClip, type ClipSpec } from '@app/media/testing';

/** Small generated clips for end-to-end tests (cached by spec under the OS temp folder). */
export const clip = (over: Partial<ClipSpec> = {}) =>
  makeClip({
    width: 320,
    height: 180,
    fps: 25,
    durationSeconds: 1,
    audio: true,
    container: 'mp4',
    ...over,
  });
