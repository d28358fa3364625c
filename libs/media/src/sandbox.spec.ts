import { sandboxArgs } from './ffmpeg-runner';
import { probeFailure } from './probe';
import {
  ASSET_FORMATS,
  inputWhitelist,
  sandboxConfig,
  UPLOAD_FORMATS,
  wallClockMs,
} from './sandbox';

const UPLOADS = UPLOAD_FORMATS.join(',');

describe('input whitelists', () => {
  it('lets an upload be a local file in an accepted container only', () => {
    expect(inputWhitelist('upload')).toEqual([
      '-protocol_whitelist',
      'file',
      '-format_whitelist',
      UPLOADS,
    ]);
  });

  it('lets our concat lists and generators add only their own demuxer', () => {
    expect(inputWhitelist('concat-list')[3]).toBe(`concat,${UPLOADS}`);
    expect(inputWhitelist('generator')[3]).toBe(`lavfi,${UPLOADS}`);
    for (const f of ['hls', 'image2', 'concat', 'lavfi', 'tty', 'flv']) {
      expect(UPLOAD_FORMATS).not.toContain(f);
    }
  });
});

describe('sandboxArgs', () => {
  it('puts the whitelist and a decoder thread cap before each input, an encoder cap after', () => {
    const args = sandboxArgs(['-i', 'file:/a.mp4', '-c:v', 'libx264', '-y', '/o.mp4'], 3);
    expect(args).toEqual([
      '-filter_threads',
      '3',
      ...inputWhitelist('upload'),
      '-threads',
      '3',
      '-i',
      'file:/a.mp4',
      '-threads',
      '3',
      '-c:v',
      'libx264',
      '-y',
      '/o.mp4',
    ]);
  });

  it('gives an input forced to concat the concat-list policy, to lavfi the generator one', () => {
    const args = sandboxArgs(
      ['-f', 'concat', '-safe', '1', '-i', 'file:/l.txt', '-f', 'lavfi', '-i', 'sine', '-i', 'x'],
      1,
    ).join(' ');
    expect(args).toContain(`-format_whitelist concat,${UPLOADS} -threads 1 -i file:/l.txt`);
    expect(args).toContain(`-format_whitelist lavfi,${UPLOADS} -threads 1 -i sine`);
    expect(args).toContain(`-format_whitelist ${UPLOADS} -threads 1 -i x`);
  });

  it('forces one policy on every input when the run names it', () => {
    const args = sandboxArgs(['-f', 'concat', '-i', 'l.txt'], 1, 'upload').join(' ');
    expect(args).toContain(`-format_whitelist ${UPLOADS} -threads 1 -i l.txt`);
  });

  it('gives each input its own policy when the run lists them by position', () => {
    const args = sandboxArgs(['-i', 'clip.mp4', '-i', 'logo.png', '-f', 'lavfi', '-i', 's'], 1, [
      undefined,
      'asset',
    ]).join(' ');
    expect(args).toContain(`-format_whitelist ${UPLOADS} -threads 1 -i clip.mp4`);
    expect(args).toContain(`-format_whitelist ${ASSET_FORMATS.join(',')} -threads 1 -i logo.png`);
    expect(args).toContain(`-format_whitelist lavfi,${UPLOADS} -threads 1 -i s`);
  });
});

describe('wall clock', () => {
  const config = { timeoutFactor: 10, minTimeoutMs: 60_000 };

  it('is a minute for short clips and duration × factor for long ones', () => {
    expect(wallClockMs(2, config)).toBe(60_000);
    expect(wallClockMs(600, config)).toBe(6_000_000);
    expect(wallClockMs(Number.NaN, config)).toBe(60_000);
  });

  it('reads its settings from the environment, ignoring values that are not positive', () => {
    expect(
      sandboxConfig({
        FFMPEG_THREADS: '4',
        FFMPEG_MAX_MEMORY_BYTES: '1000000',
        FFMPEG_TIMEOUT_FACTOR: '0',
        FFMPEG_MIN_TIMEOUT_MS: 'soon',
      }),
    ).toMatchObject({
      threads: 4,
      maxMemoryBytes: 1_000_000,
      timeoutFactor: 10,
      minTimeoutMs: 60_000,
    });
  });
});

describe('probeFailure', () => {
  it('keeps the server path and memory addresses out of the detail', () => {
    const e = probeFailure(
      '[mov,mp4 @ 0x55aa] moov atom not found\nfile:/srv/up/x: Invalid data',
      '/srv/up/x',
    );
    expect(e.detail).toBe('[mov,mp4] moov atom not found\ninput: Invalid data');
  });

  it('names the container ffmpeg refused', () => {
    const e = probeFailure(
      "[hls @ 0x55da7e21c340] Format not on whitelist 'mov,mp4'\nfile:x: Invalid argument",
    );
    expect(e.reason).toBe('UNSUPPORTED_CONTAINER');
    expect(e.formatName).toBe('hls');
  });

  it('calls a refused still-image demuxer a still image, and damage corrupt', () => {
    expect(probeFailure("[gif @ 0x1] Format not on whitelist 'mov'").reason).toBe('NOT_A_VIDEO');
    expect(probeFailure("[tty @ 0x1] Format not on whitelist 'mov'").reason).toBe('NOT_A_VIDEO');
    expect(probeFailure("[wav @ 0x1] Format not on whitelist 'mov'").reason).toBe(
      'NO_VIDEO_STREAM',
    );
    expect(probeFailure('[mov,mp4 @ 0x1] moov atom not found').reason).toBe('CORRUPT');
    expect(probeFailure('x: Invalid data found when processing input').reason).toBe('NOT_A_VIDEO');
  });
});
