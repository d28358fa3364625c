import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmpegRunner } from '../ffmpeg-runner';

export interface ClipSpec {
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  audio: boolean;
  container: 'mp4' | 'mov' | 'mkv' | 'webm';
  /**
   * Clockwise display rotation written into the container (as phones do), read back by probe()
   * as `rotation`. Only mp4 and mov carry it with ffmpeg 5.
   */
  rotate?: 90 | 180 | 270;
  /** Uncompressed yuv420p picture, no encoding (mkv only): big files made fast, for benchmarks. */
  raw?: boolean;
  /** Where to write; defaults to a shared folder under the OS temp dir. */
  dir?: string;
}

const runner = new FfmpegRunner({ maxConcurrent: 2 });
/** Bump when the generated content changes, so cached clips from older runs are not reused. */
const GENERATOR_VERSION = 1;

/**
 * A small synthetic clip from ffmpeg's lavfi sources (testsrc2 picture, a 440 Hz mono tone at
 * 44.1 kHz so consumers exercise resampling and upmixing). Clips are cached by spec: the same
 * spec returns the same file, generated once.
 */
export async function makeClip(spec: ClipSpec): Promise<string> {
  const dir = spec.dir ?? join(tmpdir(), 'vmp-test-clips');
  mkdirSync(dir, { recursive: true });
  const name = [
    `v${GENERATOR_VERSION}`,
    `${spec.width}x${spec.height}`,
    `${spec.fps}fps`,
    `${spec.durationSeconds}s`,
    spec.audio ? 'audio' : 'silent',
    spec.rotate ? `rot${spec.rotate}` : 'rot0',
    ...(spec.raw ? ['raw'] : []),
  ].join('-');
  const path = join(dir, `${name}.${spec.container}`);
  if (existsSync(path)) return path;
  if (spec.rotate && spec.container !== 'mp4' && spec.container !== 'mov') {
    throw new RangeError(`rotation metadata needs mp4 or mov, not ${spec.container}`);
  }
  if (spec.raw && spec.container !== 'mkv') {
    throw new RangeError(`raw video needs mkv, not ${spec.container}`);
  }
  const encoded = join(dir, `.${name}-${randomUUID()}.${spec.container}`);
  try {
    await runner.run(encodeArgs(spec, encoded));
    if (spec.rotate) {
      // ffmpeg 5.1's MOV muxer writes the `rotate` tag as a counter-clockwise display matrix,
      // the opposite of what its demuxer reports, hence 360 - r.
      const rotated = `${encoded}.rot.${spec.container}`;
      await runner.run(
        ['-i', encoded, '-map', '0', '-c', 'copy'].concat([
          '-metadata:s:v:0',
          `rotate=${(360 - spec.rotate) % 360}`,
          '-y',
          rotated,
        ]),
      );
      renameSync(rotated, encoded);
    }
    renameSync(encoded, path);
  } finally {
    rmSync(encoded, { force: true });
  }
  return path;
}

function encodeArgs(spec: ClipSpec, out: string): string[] {
  const { width, height, fps, durationSeconds: d } = spec;
  const args = ['-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}:duration=${d}`];
  if (spec.audio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${d}`);
  }
  if (spec.raw) {
    args.push('-c:v', 'rawvideo', '-pix_fmt', 'yuv420p');
    if (spec.audio) args.push('-c:a', 'pcm_s16le');
  } else if (spec.container === 'webm') {
    args.push('-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '500k');
    if (spec.audio) args.push('-c:a', 'libopus');
  } else {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
    if (spec.audio) args.push('-c:a', 'aac');
  }
  return [...args, '-y', out];
}
