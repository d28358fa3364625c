import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { FfmpegAbortedError, fileInput, type FfmpegRunner } from '@app/media';
import { Mp4IndexCache, UnsupportedMediaError, writeJoined, type Brand } from './mp4-concat';
import { metadataForContainer } from './output-metadata';
import type { OutputProfile } from './output-profiles';

/** What concat's safe mode accepts: relative paths of plain names (no `..`, no dot-files). */
const SAFE_ENTRY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

/**
 * Pure: an ffconcat list of paths relative to the list's own folder. The concat demuxer's safe
 * mode (`-safe 1`) refuses absolute paths, so lists live next to the files they name.
 */
export function concatList(listDir: string, parts: readonly string[]): string {
  const lines = ['ffconcat version 1.0'];
  for (const part of parts) {
    const entry = relative(listDir, part).split(sep).join('/');
    if (!SAFE_ENTRY.test(entry)) throw new RangeError(`not a safe concat entry: ${entry}`);
    lines.push(`file '${entry}'`);
  }
  return `${lines.join('\n')}\n`;
}

/** Pure: input options reading one concat list (file protocol only, safe mode). */
function concatInput(listPath: string): string[] {
  return ['-protocol_whitelist', 'file', '-f', 'concat', '-safe', '1', '-i', fileInput(listPath)];
}

/** Pure: output options writing input `input` by stream copy into `out`, with metadata. */
function copyOutput(
  input: number,
  profile: OutputProfile,
  metadata: Record<string, string>,
  out: string,
): string[] {
  const args = ['-map', `${input}:v:0`, '-map', `${input}:a:0`, '-c', 'copy'];
  args.push('-map_metadata', '-1');
  if (profile.container === 'avi') {
    // AVI stores H.264 as Annex B start codes, not the length-prefixed form of MOV/MP4.
    args.push('-bsf:v', 'h264_mp4toannexb');
    // One tick per frame: by default ffmpeg gives a copied AVI stream a 1/(2·fps) time base and
    // the muxer then writes an empty chunk between every two frames.
    args.push('-time_base:v', `1/${profile.fps}`);
  } else {
    // use_metadata_tags: write arbitrary keys (mdta), not only the iTunes ones.
    args.push('-movflags', `${profile.faststart ? '+faststart' : ''}+use_metadata_tags`);
  }
  for (const [key, value] of Object.entries(metadataForContainer(profile.container, metadata))) {
    args.push('-metadata', `${key}=${value}`);
  }
  return [...args, '-f', profile.container, '-y', out];
}

/** Pure: ffmpeg arguments joining the listed mezzanines by stream copy, with metadata. */
export function buildAssembleArgs(
  listPath: string,
  profile: OutputProfile,
  metadata: Record<string, string>,
  out: string,
): string[] {
  return buildBatchAssembleArgs(profile, [{ listPath, metadata, out }]);
}

/**
 * Pure: one ffmpeg process writing several outputs, each from its own concat list. Starting
 * ffmpeg costs more than a stream copy of a few megabytes (about 50 ms for Debian's build, which
 * loads every codec library), so outputs are assembled in batches.
 */
export function buildBatchAssembleArgs(
  profile: OutputProfile,
  outputs: readonly { listPath: string; metadata: Record<string, string>; out: string }[],
): string[] {
  const inputs = outputs.flatMap((o) => concatInput(o.listPath));
  return [...inputs, ...outputs.flatMap((o, i) => copyOutput(i, profile, o.metadata, o.out))];
}

export interface AssembleRequest {
  parts: readonly string[];
  metadata: Record<string, string>;
  outputPath: string;
  /** The output's length, when known: the ffmpeg run's wall clock is derived from it. */
  durationSeconds?: number;
}

export interface AssembleOptions {
  profile: OutputProfile;
  signal?: AbortSignal;
  /** Seconds written so far of the batch's outputs (ffmpeg reports the furthest). */
  onProgress?: (outTimeSeconds: number) => void;
  /** Parsed mezzanine indexes, shared by the batches of one run (each mezzanine is read once). */
  indexes?: Mp4IndexCache;
  /** false: every output through ffmpeg's concat demuxer (for comparison; default true). */
  joinInProcess?: boolean;
}

/**
 * Writes a batch of outputs, each under a temporary name in its folder, renamed into place once
 * complete; on failure or abort nothing partial is left. MP4 and MOV outputs are joined in
 * process by copying the mezzanines' media data (mp4-concat/); AVI outputs, and any whose parts
 * can't be joined that way, go through one ffmpeg run with the concat demuxer.
 */
export async function assemble(
  runner: FfmpegRunner,
  requests: readonly AssembleRequest[],
  options: AssembleOptions,
): Promise<void> {
  const { profile, signal } = options;
  const inProcess = profile.container !== 'avi' && options.joinInProcess !== false;
  const indexes = options.indexes ?? new Mp4IndexCache();
  const byFfmpeg: AssembleRequest[] = [];
  for (const request of requests) {
    const joined =
      inProcess && (await joinInProcess(request, profile.container as Brand, indexes, signal));
    if (!joined) byFfmpeg.push(request);
  }
  if (byFfmpeg.length > 0) await assembleByFfmpeg(runner, byFfmpeg, options);
}

/**
 * Joins one output by copy; false, with nothing left behind, when its parts can't be joined
 * that way (UnsupportedMediaError) and ffmpeg has to do it.
 */
async function joinInProcess(
  request: AssembleRequest,
  brand: Brand,
  indexes: Mp4IndexCache,
  signal?: AbortSignal,
): Promise<boolean> {
  const out = partialPath(request.outputPath);
  try {
    const parts = await Promise.all(request.parts.map((p) => indexes.get(p)));
    await writeJoined(parts, out, brand, request.metadata, signal);
    renameSync(out, request.outputPath);
    return true;
  } catch (error) {
    if (signal?.aborted) throw new FfmpegAbortedError();
    if (error instanceof UnsupportedMediaError) return false;
    throw error;
  } finally {
    rmSync(out, { force: true });
  }
}

function partialPath(outputPath: string): string {
  return join(dirname(outputPath), `.${basename(outputPath)}.partial`);
}

/**
 * Writes a batch of outputs in one ffmpeg run: list files beside the mezzanines (all of one
 * profile sit in one cache folder), each output under a temporary name in its folder.
 */
async function assembleByFfmpeg(
  runner: FfmpegRunner,
  requests: readonly AssembleRequest[],
  options: AssembleOptions,
): Promise<void> {
  const temp: string[] = [];
  try {
    const outputs = requests.map((request) => {
      const listDir = dirname(request.parts[0]);
      const listPath = join(listDir, `.concat-${randomUUID()}.txt`);
      const out = partialPath(request.outputPath);
      temp.push(listPath, out);
      writeFileSync(listPath, concatList(listDir, request.parts));
      return { listPath, metadata: request.metadata, out };
    });
    const args = buildBatchAssembleArgs(options.profile, outputs);
    const seconds = requests.reduce((sum, r) => sum + (r.durationSeconds ?? 0), 0);
    await runner.run(args, {
      signal: options.signal,
      onProgress: options.onProgress,
      durationSeconds: seconds > 0 ? seconds : undefined,
    });
    outputs.forEach((o, i) => renameSync(o.out, requests[i].outputPath));
  } finally {
    for (const path of temp) rmSync(path, { force: true });
  }
}
