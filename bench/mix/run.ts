/**
 * Mixing engine benchmark (issue 6): 3 groups × 3 clips of mixed sizes and rates, 27 outputs.
 * Times, in one run and with the same ffmpeg concurrency, the engine (normalize once, copy
 * many) against the naive way (one filter_complex re-encode per output at the same profile),
 * and the engine's per-output marginal cost against a plain byte copy of the same files.
 *
 * Then (issue 17, unless BENCH_CREATIVE=0) the same comparison with every per-clip treatment on
 * (loudness, blur fill, fades, logo, a caption on every clip): the copy-many ratio next to the
 * plain one; and the marginal cost per output of crossfade transitions.
 *
 *   npx tsx bench/mix/run.ts   (BENCH_CLIP_SECONDS, BENCH_CONCURRENCY, BENCH_QUALITY, BENCH_CREATIVE)
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FfmpegRunner, fileInput, probe } from '@app/media';
import { makeClip, type ClipSpec } from '@app/media/testing';
import {
  MixingEngine,
  encoderArgs,
  measureLoudness,
  normalizeFilters,
  outputProfile,
  planCombinations,
  resolveTreatment,
  type MixingSettings,
  type MixSource,
  type OutputProfile,
  type Quality,
  type TreatedInputs,
} from '@app/mixing';

const CLIP_SECONDS = Number(process.env.BENCH_CLIP_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const QUALITY = (process.env.BENCH_QUALITY ?? 'MEDIUM') as Quality;
const OUTPUTS = 27;

export const GROUPS: Omit<ClipSpec, 'durationSeconds'>[][] = [
  [
    { width: 1920, height: 1080, fps: 30, audio: true, container: 'mp4' },
    { width: 1280, height: 720, fps: 25, audio: true, container: 'mov' },
    { width: 1080, height: 1920, fps: 30, audio: false, container: 'mp4' },
  ],
  [
    { width: 640, height: 480, fps: 24, audio: true, container: 'mkv' },
    { width: 1920, height: 1080, fps: 60, audio: true, container: 'mp4' },
    { width: 720, height: 720, fps: 30, audio: false, container: 'webm' },
  ],
  [
    { width: 1280, height: 720, fps: 30, audio: false, container: 'mp4', rotate: 90 },
    { width: 960, height: 540, fps: 25, audio: true, container: 'mkv' },
    { width: 1280, height: 720, fps: 50, audio: true, container: 'mov' },
  ],
];

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** The naive way: every output decodes, filters and encodes all of its clips again. */
export function naiveArgs(
  parts: MixSource[],
  profile: OutputProfile,
  out: string,
  treated?: (p: MixSource) => TreatedInputs,
): string[] {
  const args: string[] = [];
  const inputs: number[] = [];
  for (const p of parts) {
    inputs.push(args.filter((a) => a === '-i').length);
    args.push('-protocol_whitelist', 'file', '-i', fileInput(p.path));
    if (treated?.(p).treatment.watermark) {
      args.push('-i', fileInput(treated(p).treatment.watermark?.path as string));
    }
  }
  const chains = parts.map((p, i) =>
    normalizeFilters(
      p,
      profile,
      inputs[i],
      treated && { ...treated(p), watermarkInput: inputs[i] + 1 },
    ),
  );
  const joined = inputs.map((i) => `[v${i}][a${i}]`).join('');
  const graph = `${chains.join(';')};${joined}concat=n=${parts.length}:v=1:a=1[v][a]`;
  args.push('-filter_complex', graph, '-map', '[v]', '-map', '[a]', ...encoderArgs(profile));
  return [...args, '-movflags', '+faststart', '-f', profile.container, '-y', out];
}

/** A clip of a bench's groups: BENCH_CLIP_SECONDS long unless it says otherwise. */
export type BenchClip = Omit<ClipSpec, 'durationSeconds'> & { durationSeconds?: number };

/** The bench's 9 clips, or `groups` (generated once, cached by spec), probed, by group. */
export function benchSources(
  groups: readonly (readonly BenchClip[])[] = GROUPS,
): Promise<MixSource[][]> {
  return Promise.all(
    groups.map((clips, g) =>
      Promise.all(
        clips.map(async (spec, i) => {
          const path = await makeClip({ durationSeconds: CLIP_SECONDS, ...spec });
          const source: MixSource = {
            videoId: `g${g}c${i}`,
            path,
            originalName: `g${g}c${i}.${spec.container}`,
            info: await probe(path),
          };
          return source;
        }),
      ),
    ),
  );
}

/** The naive way for these combinations: one filter_complex re-encode per output. */
export function naiveRun(
  runner: FfmpegRunner,
  sources: MixSource[],
  combinations: string[][],
  profile: OutputProfile,
  dir: string,
): Promise<unknown> {
  mkdirSync(dir, { recursive: true });
  const bySource = new Map(sources.map((s) => [s.videoId, s]));
  return Promise.all(
    combinations.map((ids, i) =>
      runner.run(
        naiveArgs(
          ids.map((id) => bySource.get(id) as MixSource),
          profile,
          join(dir, `${i}.mp4`),
        ),
      ),
    ),
  );
}

/** The bench's plan: every combination of the groups' clips, MANUAL (shared with bench/jobs). */
export function benchPlan(groups: readonly (readonly MixSource[])[]) {
  return planCombinations({
    groups: groups.map((clips, g) => ({
      id: `g${g}`,
      order: g,
      videoIds: clips.map((c) => c.videoId),
    })),
    ungroupedVideoIds: [],
    mode: 'MANUAL',
    outputCount: OUTPUTS,
    seed: 1,
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vmp-bench-mix-'));
  try {
    const groups = await benchSources();
    const sources = groups.flat();
    const plan = benchPlan(groups);
    const runner = new FfmpegRunner({ maxConcurrent: CONCURRENCY });
    const engine = new MixingEngine({ cacheDir: join(work, 'cache'), runner });
    const request = {
      combinations: plan.combinations,
      sources,
      settings: { outputFormat: 'MP4' as const, quality: QUALITY, aspectRatio: '16:9' as const },
      job: { jobId: 'bench', projectName: 'bench' },
    };
    const profile = outputProfile(QUALITY, 'MP4', '16:9');
    console.log(
      `profile ${profile.key}, ${sources.length} clips of ${CLIP_SECONDS}s, ${OUTPUTS} outputs, ffmpeg concurrency ${CONCURRENCY}, ${cpus().length} cpus`,
    );

    const cold = await timed(() => engine.mix({ ...request, outputDir: join(work, 'engine') }));
    const warm = await timed(() =>
      engine.mix({ ...request, outputDir: join(work, 'engine-warm') }),
    );
    // The same warm run with every output through ffmpeg's concat demuxer, for comparison.
    const byFfmpeg = new MixingEngine({
      cacheDir: join(work, 'cache'),
      runner,
      joinInProcess: false,
    });
    const warmFfmpeg = await timed(() =>
      byFfmpeg.mix({ ...request, outputDir: join(work, 'engine-warm-ffmpeg') }),
    );

    const naive = await timed(() =>
      naiveRun(runner, sources, plan.combinations, profile, join(work, 'naive')),
    );

    const outputs = cold.value.outputs;
    const copyDir = join(work, 'copy');
    mkdirSync(copyDir);
    const copy = await timed(async () => {
      for (const o of outputs) copyFileSync(o.path, join(copyDir, o.filename));
    });
    const cpDir = join(work, 'cp');
    mkdirSync(cpDir);
    const cp = await timed(() =>
      Promise.all(outputs.map((o) => promisify(execFile)('cp', [o.path, join(cpDir, o.filename)]))),
    );

    const bytes = outputs.reduce((s, o) => s + statSync(o.path).size, 0);
    const ratio = naive.ms / cold.ms;
    const marginal = warm.ms / OUTPUTS;
    const row = (label: string, ms: number): string =>
      `${label.padEnd(44)} ${ms.toFixed(0).padStart(8)} ms`;
    console.log(
      row(`engine, cold cache (${cold.value.encodedClips} encodes + ${OUTPUTS} copies)`, cold.ms),
    );
    console.log(
      row(`engine, warm cache (${warm.value.encodedClips} encodes + ${OUTPUTS} copies)`, warm.ms),
    );
    console.log(row(`engine, warm cache, joined by ffmpeg concat`, warmFfmpeg.ms));
    console.log(row(`naive (${OUTPUTS} filter_complex encodes)`, naive.ms));
    console.log(`ratio naive / engine (cold): ${ratio.toFixed(2)}  (target ≥ 8, ideal 9)`);
    console.log(
      `output size: ${(bytes / OUTPUTS / 1e6).toFixed(2)} MB average, ${(bytes / 1e6).toFixed(1)} MB total`,
    );
    console.log(`per-output marginal (warm engine / ${OUTPUTS}): ${marginal.toFixed(1)} ms`);
    console.log(
      `per-output marginal joined by ffmpeg concat instead: ${(warmFfmpeg.ms / OUTPUTS).toFixed(1)} ms`,
    );
    console.log(
      `per-output byte copy, in process (copyFile): ${(copy.ms / OUTPUTS).toFixed(1)} ms → marginal is ${(marginal / (copy.ms / OUTPUTS)).toFixed(1)}×`,
    );
    console.log(
      `per-output byte copy, one cp process each, same concurrency model: ${(cp.ms / OUTPUTS).toFixed(1)} ms → marginal is ${(marginal / (cp.ms / OUTPUTS)).toFixed(1)}×`,
    );
    if (process.env.BENCH_CREATIVE !== '0') {
      await creative(work, request, sources, runner, profile, ratio);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Every per-clip treatment on: engine against naive again (the naive way gets the loudness
 * measurements for free, measured once per clip beforehand), and the crossfade's marginal cost.
 */
async function creative(
  work: string,
  request: {
    combinations: string[][];
    sources: MixSource[];
    settings: MixingSettings;
    job: { jobId: string; projectName: string };
  },
  sources: MixSource[],
  runner: FfmpegRunner,
  profile: OutputProfile,
  plainRatio: number,
): Promise<void> {
  const logo = join(work, 'logo.png');
  await runner.run(['-f', 'lavfi', '-i', 'color=c=orange:s=200x100:d=1', '-frames:v', '1', logo]);
  const settings: MixingSettings = {
    ...request.settings,
    loudness: {},
    fill: 'blur',
    fades: { seconds: 0.15 },
    watermark: { path: logo, position: 'top-right', scale: 0.12, opacity: 0.8 },
    captions: { position: 'bottom' },
  };
  const captioned = sources.map((s) => ({
    ...s,
    creative: { caption: `Spring sale: ${s.videoId} — نص عربي` },
  }));
  const treatedRequest = { ...request, sources: captioned, settings };
  const engine = new MixingEngine({ cacheDir: join(work, 'cache-creative'), runner });
  const cold = await timed(() =>
    engine.mix({ ...treatedRequest, outputDir: join(work, 'creative-engine') }),
  );

  // Naive with the same treatments: per output, every clip filtered and encoded again.
  const inputs = new Map<string, TreatedInputs>();
  for (const s of captioned) {
    const treatment = resolveTreatment(settings, s.creative, { watermark: 'bench' });
    const captionFile = join(work, `caption-${s.videoId}.txt`);
    writeFileSync(captionFile, s.creative.caption);
    const loudness = s.info.hasAudio
      ? await measureLoudness(runner, s.path, treatment.loudness!, profile.audio.sampleRate)
      : undefined;
    inputs.set(s.videoId, { treatment, captionFile, loudness });
  }
  const naiveDir = join(work, 'creative-naive');
  mkdirSync(naiveDir);
  const bySource = new Map(captioned.map((s) => [s.videoId, s]));
  const naive = await timed(() =>
    Promise.all(
      request.combinations.map((ids, i) =>
        runner.run(
          naiveArgs(
            ids.map((id) => bySource.get(id) as MixSource),
            profile,
            join(naiveDir, `${i}.mp4`),
            (p) => inputs.get(p.videoId) as TreatedInputs,
          ),
        ),
      ),
    ),
  );
  const ratio = naive.ms / cold.ms;
  const row = (label: string, ms: number): string =>
    `${label.padEnd(44)} ${ms.toFixed(0).padStart(8)} ms`;
  console.log('--- every per-clip treatment on (loudness, blur, fades, logo, caption) ---');
  console.log(row(`engine, cold cache (${cold.value.encodedClips} encodes)`, cold.ms));
  console.log(row(`naive (${OUTPUTS} filter_complex encodes)`, naive.ms));
  console.log(
    `copy-many ratio with treatments: ${ratio.toFixed(2)}  plain: ${plainRatio.toFixed(2)}  ` +
      `(${(((ratio - plainRatio) / plainRatio) * 100).toFixed(1)} %, target within 10 %)`,
  );

  // Crossfade: split mezzanines (cold), then the joints alone (mezzanines cached, joints
  // removed), then all cached; against the warm plain treated run.
  const n = OUTPUTS;
  const warm = await timed(() =>
    engine.mix({ ...treatedRequest, outputDir: join(work, 'creative-warm') }),
  );
  const xf = { ...settings, transition: { type: 'crossfade' as const, seconds: 0.5 } };
  const xfCold = await timed(() =>
    engine.mix({ ...treatedRequest, settings: xf, outputDir: join(work, 'xf-cold') }),
  );
  const dir = join(work, 'cache-creative', profile.key);
  const joints = readdirSync(dir).filter((f) => f.startsWith('xf-'));
  for (const f of joints) rmSync(join(dir, f));
  const xfJoints = await timed(() =>
    engine.mix({ ...treatedRequest, settings: xf, outputDir: join(work, 'xf-joints') }),
  );
  const xfWarm = await timed(() =>
    engine.mix({ ...treatedRequest, settings: xf, outputDir: join(work, 'xf-warm') }),
  );
  console.log('--- crossfade 0.5 s (same treatments) ---');
  console.log(row(`cold (split mezzanines + ${joints.length} joints)`, xfCold.ms));
  console.log(row(`mezzanines cached, ${joints.length} joints encoded`, xfJoints.ms));
  console.log(row(`all cached`, xfWarm.ms));
  console.log(row(`cut, warm (for comparison)`, warm.ms));
  console.log(
    `crossfade marginal per output: ${((xfJoints.ms - warm.ms) / n).toFixed(1)} ms with its joints ` +
      `encoded (${joints.length} joints for ${n} outputs), ${((xfWarm.ms - warm.ms) / n).toFixed(1)} ms ` +
      `with joints cached; cut marginal ${(warm.ms / n).toFixed(1)} ms`,
  );
}

// Run as a script; imported by bench/jobs for its engine-only and naive measurements.
if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
