import {
  execSandboxed,
  FfmpegAbortedError,
  FfmpegFailedError,
  ffmpegPath,
  FfmpegTimeoutError,
  fileInput,
  sandboxArgs,
  wallClockMs,
  type FfmpegRunner,
} from '@app/media';

/** loudnorm's first-pass report (EBU R128), the values its linear second pass needs. */
export interface LoudnessMeasurement {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/** The loudness range target given to loudnorm: wide, so the second pass stays linear. */
export const LOUDNORM_LRA = 50;

/** The sound as the mezzanine carries it before loudness: 48 kHz stereo (a mono clip upmixed). */
export function soundPrep(input: number, sampleRate: number): string {
  return (
    `[${input}:a:0]aresample=${sampleRate}:async=1:first_pts=0,` +
    `aformat=sample_rates=${sampleRate}:channel_layouts=stereo`
  );
}

/** Pure: loudnorm's options for a target. */
export function loudnormTarget(targetLufs: number, truePeakDb: number): string {
  return `loudnorm=I=${targetLufs}:TP=${truePeakDb}:LRA=${LOUDNORM_LRA}`;
}

/**
 * Pure: the second, linear pass: one gain for the whole clip from the measured values, so the
 * clip's dynamics are kept (loudnorm falls back to its dynamic mode only if that gain would push
 * the true peak over the ceiling). loudnorm works at 192 kHz: resampled back after.
 */
export function loudnormSecondPass(
  m: LoudnessMeasurement,
  targetLufs: number,
  truePeakDb: number,
  sampleRate: number,
): string | null {
  // A silent track has no loudness to correct (-inf): left as it is.
  if (!Number.isFinite(m.inputI) || !Number.isFinite(m.inputTp)) return null;
  const measured = [
    `measured_I=${m.inputI}`,
    `measured_TP=${m.inputTp}`,
    `measured_LRA=${m.inputLra}`,
    `measured_thresh=${m.inputThresh}`,
    `offset=${m.targetOffset}`,
  ].join(':');
  return `${loudnormTarget(targetLufs, truePeakDb)}:${measured}:linear=true:print_format=none,aresample=${sampleRate}`;
}

/** Pure: the JSON block loudnorm prints with print_format=json, from ffmpeg's stderr. */
export function parseLoudnormReport(stderr: string): LoudnessMeasurement {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('loudnorm printed no measurement');
  const json = JSON.parse(stderr.slice(start, end + 1)) as Record<string, string>;
  const num = (key: string): number => {
    const v = json[key];
    if (v === '-inf') return -Infinity;
    if (v === 'inf') return Infinity;
    return Number(v);
  };
  return {
    inputI: num('input_i'),
    inputTp: num('input_tp'),
    inputLra: num('input_lra'),
    inputThresh: num('input_thresh'),
    targetOffset: num('target_offset'),
  };
}

/**
 * The measuring pass: decodes the clip's sound only (no picture) through loudnorm with
 * print_format=json. FfmpegRunner keeps stderr only on failure, so this runs ffmpeg through the
 * sandbox's collecting runner (same whitelists, environment, memory and thread caps), inside
 * the runner's limiter (it counts against the same bound), and reads the report.
 */
export async function measureLoudness(
  runner: FfmpegRunner,
  path: string,
  target: { targetLufs: number; truePeakDb: number },
  sampleRate: number,
  signal?: AbortSignal,
  durationSeconds?: number,
): Promise<LoudnessMeasurement> {
  const graph = `${soundPrep(0, sampleRate)},${loudnormTarget(target.targetLufs, target.truePeakDb)}:print_format=json[a]`;
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info'];
  args.push('-i', fileInput(path), '-filter_complex', graph);
  args.push('-map', '[a]', '-f', 'null', '-');
  const { sandbox } = runner;
  const result = await runner.limiter
    .run(
      () =>
        execSandboxed(ffmpegPath(), sandboxArgs(args, sandbox.threads), {
          timeoutMs: wallClockMs(durationSeconds ?? 0, sandbox),
          maxMemoryBytes: sandbox.maxMemoryBytes,
          signal,
        }),
      signal,
    )
    .catch((e: Error) => {
      throw e.name === 'AbortError' ? new FfmpegAbortedError() : e;
    });
  if (result.killed === 'timeout')
    throw new FfmpegTimeoutError(wallClockMs(durationSeconds ?? 0, sandbox));
  if (result.code !== 0) throw new FfmpegFailedError(result.code, result.stderr.slice(-4000));
  return parseLoudnormReport(result.stderr);
}
