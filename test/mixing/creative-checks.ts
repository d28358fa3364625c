/** Measurements of outputs for the creative-layer tests: pixels, loudness, sound level. */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath, probe, type MediaInfo } from '@app/media';

const run = promisify(execFile);

export interface Frame {
  width: number;
  height: number;
  rgb: Buffer;
}

/** The frame shown at `seconds`, decoded to raw RGB. */
export async function frameAt(path: string, seconds: number): Promise<Frame> {
  const info = await probe(path);
  const { stdout } = await run(
    ffmpegPath(),
    ['-v', 'error', '-ss', String(seconds), '-i', path, '-frames:v', '1'].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]),
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return { width: info.width, height: info.height, rgb: stdout };
}

export function pixel(frame: Frame, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * frame.width + Math.round(x)) * 3;
  return [frame.rgb[i], frame.rgb[i + 1], frame.rgb[i + 2]];
}

/** Mean colour of a rectangle (fractions of the frame: x0, y0, x1, y1). */
export function meanColour(
  frame: Frame,
  [x0, y0, x1, y1]: [number, number, number, number],
): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.floor(y0 * frame.height); y < Math.floor(y1 * frame.height); y++) {
    for (let x = Math.floor(x0 * frame.width); x < Math.floor(x1 * frame.width); x++) {
      const p = pixel(frame, x, y);
      sum[0] += p[0];
      sum[1] += p[1];
      sum[2] += p[2];
      n++;
    }
  }
  return sum.map((s) => s / n) as [number, number, number];
}

/** How many pixels of a rectangle differ (any channel by more than `tolerance`) between frames. */
export function differingPixels(
  a: Frame,
  b: Frame,
  [x0, y0, x1, y1]: [number, number, number, number],
  tolerance = 40,
): number {
  let n = 0;
  for (let y = Math.floor(y0 * a.height); y < Math.floor(y1 * a.height); y++) {
    for (let x = Math.floor(x0 * a.width); x < Math.floor(x1 * a.width); x++) {
      const p = pixel(a, x, y);
      const q = pixel(b, x, y);
      if (p.some((v, i) => Math.abs(v - q[i]) > tolerance)) n++;
    }
  }
  return n;
}

/** Integrated loudness (LUFS) of a file's sound, by ffmpeg's ebur128 filter. */
export async function integratedLoudness(path: string): Promise<number> {
  const { stderr } = await run(ffmpegPath(), [
    '-hide_banner',
    '-nostats',
    '-i',
    path,
    '-map',
    '0:a:0',
    '-af',
    'ebur128=framelog=verbose',
    '-f',
    'null',
    '-',
  ]);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const match = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  if (!match) throw new Error(`no integrated loudness in: ${summary}`);
  return Number(match[1]);
}

/** RMS level (dBFS) of the sound between two instants, by ffmpeg's astats. */
export async function rmsBetween(
  path: string,
  from: number,
  to: number,
  /** A filter applied first, e.g. a band-pass isolating one tone. */
  prefilter?: string,
): Promise<number> {
  const { stderr } = await run(ffmpegPath(), [
    '-hide_banner',
    '-nostats',
    '-i',
    path,
    '-map',
    '0:a:0',
    '-af',
    `${prefilter ? `${prefilter},` : ''}atrim=start=${from}:end=${to},` +
      'astats=measure_perchannel=none:measure_overall=RMS_level',
    '-f',
    'null',
    '-',
  ]);
  const match = /RMS level dB:\s+(-?[\d.]+|-inf)/.exec(stderr);
  if (!match) throw new Error(`no RMS level in: ${stderr.slice(-500)}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

export interface ColourClipSpec {
  /** lavfi picture: a colour name, or two colours stacked (top half, bottom half). */
  colour: string;
  bottomColour?: string;
  width: number;
  height: number;
  seconds: number;
  fps?: number;
  /** A tone (Hz) at a linear volume, or silence when absent (the clip still has a sound track). */
  tone?: { hz: number; volume: number };
  /** No sound track at all. */
  noAudio?: boolean;
}

/** A clip of flat colour(s) (easy pixel checks), cached by spec in `dir`. */
export async function makeColourClip(dir: string, spec: ColourClipSpec): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const fps = spec.fps ?? 30;
  const name = [
    spec.colour,
    spec.bottomColour ?? '',
    `${spec.width}x${spec.height}`,
    `${spec.seconds}s`,
    `${fps}fps`,
    spec.noAudio ? 'noaudio' : spec.tone ? `${spec.tone.hz}hz${spec.tone.volume}` : 'silent',
  ].join('-');
  const path = join(dir, `${name}.mp4`);
  if (existsSync(path)) return path;
  const { width: w, height: h, seconds: d } = spec;
  const picture = spec.bottomColour
    ? `color=c=${spec.colour}:s=${w}x${h / 2}:r=${fps}:d=${d}[t];` +
      `color=c=${spec.bottomColour}:s=${w}x${h / 2}:r=${fps}:d=${d}[b];[t][b]vstack[v]`
    : `color=c=${spec.colour}:s=${w}x${h}:r=${fps}:d=${d}[v]`;
  const sound = spec.tone
    ? `sine=frequency=${spec.tone.hz}:sample_rate=48000:duration=${d},volume=${spec.tone.volume}[a]`
    : `anullsrc=r=48000:cl=mono,atrim=duration=${d}[a]`;
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.1'];
  args.push('-filter_complex', spec.noAudio ? picture : `${picture};${sound}`, '-map', '[v]');
  if (!spec.noAudio) args.push('-map', '[a]', '-c:a', 'aac');
  args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-y', path);
  await run(ffmpegPath(), args);
  return path;
}

/** A still image of one colour (a logo stand-in). */
export async function makeImage(
  dir: string,
  colour: string,
  width: number,
  height: number,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${colour}-${width}x${height}.png`);
  if (existsSync(path)) return path;
  await run(ffmpegPath(), [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `color=c=${colour}:s=${width}x${height}:d=1`,
    '-frames:v',
    '1',
    '-y',
    path,
  ]);
  return path;
}

export async function sourceOf(
  videoId: string,
  path: string,
  creative?: { caption?: string; focus?: { x: number; y: number } },
): Promise<{
  videoId: string;
  path: string;
  originalName: string;
  info: MediaInfo;
  creative?: { caption?: string; focus?: { x: number; y: number } };
}> {
  return { videoId, path, originalName: `${videoId}.mp4`, info: await probe(path), creative };
}

/** A tone as a WAV file (a music stand-in). */
export async function makeTone(
  dir: string,
  hz: number,
  seconds: number,
  volume: number,
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `tone-${hz}hz-${seconds}s-${volume}.wav`);
  if (existsSync(path)) return path;
  await run(ffmpegPath(), [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${hz}:sample_rate=44100:duration=${seconds},volume=${volume}`,
    '-y',
    path,
  ]);
  return path;
}

/** A stream's packets hashed (stream copy): equal hashes, the same coded picture. */
export async function streamHash(path: string, stream: 'v' | 'a'): Promise<string> {
  const { stdout } = await run(ffmpegPath(), [
    '-v',
    'error',
    '-i',
    path,
    '-map',
    `0:${stream}:0`,
    '-c',
    'copy',
    '-f',
    'md5',
    '-',
  ]);
  return stdout.trim();
}
