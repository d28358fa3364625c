import { setMaxListeners } from 'node:events';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FfmpegRunner, MediaInfo } from '@app/media';
import { assemble } from './assembler';
import { Mp4IndexCache } from './mp4-concat';
import type { MixingSettings } from './mixing-settings';
import { MezzanineCache, type EnsuredMezzanine, type MezzanineStore } from './normalizer';
import { buildOutputMetadata } from './output-metadata';
import { aspectRatioFor, outputProfile, type OutputProfile } from './output-profiles';
import { COPY_COST_PER_ENCODE_SECOND, ProgressTracker } from './progress-tracker';

export interface MixSource {
  videoId: string;
  path: string;
  originalName: string;
  info: MediaInfo;
}

export interface MixJob {
  jobId: string;
  projectName: string;
  /** Written as the createdAt metadata field; defaults to when mix() was called. */
  createdAt?: Date;
}

export interface MixRequest {
  /** The plan: ordered video ids per output; the array index is the combination index. */
  combinations: readonly (readonly string[])[];
  sources: readonly MixSource[];
  settings: MixingSettings;
  job: MixJob;
  outputDir: string;
  /** Whose shape sets the default aspect ratio (the first group's first clip); else the plan's first clip. */
  orientationVideoId?: string;
  /** Combination indexes already recorded (a resumed job): neither normalized for nor assembled. */
  skip?: ReadonlySet<number>;
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
  /** Called once per finished output, as it finishes; a rejection fails the whole run. */
  onOutput?: (output: MixedOutput) => Promise<void> | void;
}

export interface MixedOutput {
  combinationIndex: number;
  path: string;
  filename: string;
  sizeBytes: number;
  durationSeconds: number;
  metadata: Record<string, string>;
  sourceVideoIds: string[];
  /** The mezzanines joined into it, in play order (still on disk while onOutput runs). */
  partPaths: string[];
}

export interface MixResult {
  profile: OutputProfile;
  outputs: MixedOutput[];
  /** Mezzanines this run encoded; the others came from the cache. */
  encodedClips: number;
  reusedClips: number;
}

export interface MixingEngineOptions {
  /** Where mezzanines are kept between jobs (one folder per profile key). */
  cacheDir: string;
  runner: FfmpegRunner;
  /** A store shared with other workers, behind the local cache (remote storage drivers). */
  mezzanineStore?: MezzanineStore;
  /** Outputs written per ffmpeg process (in plan order); see docs/mixing.md. */
  assembleBatchSize?: number;
  /** false: join MP4/MOV outputs with ffmpeg's concat demuxer too (default: in process). */
  joinInProcess?: boolean;
}

/** Amortizes ffmpeg's ~50 ms start over several outputs; small enough to report outputs early. */
const DEFAULT_ASSEMBLE_BATCH = 9;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + size));
  return out;
}

/** Normalize each distinct clip once per profile, then stream-copy each output from them. */
export class MixingEngine {
  readonly cache: MezzanineCache;

  constructor(private readonly options: MixingEngineOptions) {
    this.cache = new MezzanineCache(options.cacheDir, options.runner, options.mezzanineStore);
  }

  profileFor(
    request: Pick<MixRequest, 'settings' | 'sources' | 'combinations' | 'orientationVideoId'>,
  ) {
    const { settings } = request;
    const orientationId = request.orientationVideoId ?? request.combinations[0]?.[0];
    const shape = request.sources.find((s) => s.videoId === orientationId)?.info;
    const aspect =
      settings.aspectRatio ?? (shape ? aspectRatioFor(shape.width, shape.height) : '16:9');
    return outputProfile(settings.quality, settings.outputFormat, aspect);
  }

  async mix(request: MixRequest): Promise<MixResult> {
    const profile = this.profileFor(request);
    const sources = new Map(request.sources.map((s) => [s.videoId, s]));
    const todo = request.combinations
      .map((ids, index) => ({ ids: [...ids], index }))
      .filter(({ index }) => !request.skip?.has(index));
    for (const id of new Set(todo.flatMap((c) => c.ids))) {
      if (!sources.has(id)) throw new RangeError(`combination names unknown video ${id}`);
    }
    mkdirSync(request.outputDir, { recursive: true });
    const progress = new ProgressTracker(request.onProgress);
    const context = { ...request, startedAt: new Date(), indexes: new Mp4IndexCache() };
    const run = new AbortController();
    // Every queued and running ffmpeg of this job listens to this one signal.
    setMaxListeners(0, run.signal);
    const cancel = (): void => run.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    if (request.signal?.aborted) run.abort();
    const clips = this.startNormalizing(todo, sources, profile, progress, run.signal);
    try {
      const batches = chunk(todo, this.options.assembleBatchSize ?? DEFAULT_ASSEMBLE_BATCH);
      const done = await settleAll(
        batches.map((b) =>
          this.assembleBatch(b, clips, sources, profile, context, progress, run.signal),
        ),
        run,
      );
      const outputs = done.flat();
      const ensured = await Promise.all(clips.values());
      progress.finish();
      const encodedClips = ensured.filter((m) => m.encoded).length;
      return { profile, outputs, encodedClips, reusedClips: ensured.length - encodedClips };
    } catch (error) {
      // An output failing early must not leave encodes running (or their partial files behind).
      run.abort();
      await Promise.allSettled(clips.values());
      throw error;
    } finally {
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  private startNormalizing(
    todo: { ids: string[] }[],
    sources: Map<string, MixSource>,
    profile: OutputProfile,
    progress: ProgressTracker,
    signal: AbortSignal,
  ): Map<string, Promise<EnsuredMezzanine>> {
    const clips = new Map<string, Promise<EnsuredMezzanine>>();
    for (const id of new Set(todo.flatMap((c) => c.ids))) {
      const source = sources.get(id) as MixSource;
      const seconds = source.info.durationSeconds;
      const task = `normalize:${id}`;
      if (!this.cache.has(id, profile)) progress.addTask(task, seconds);
      const ensured = this.cache.ensure(source, profile, {
        signal,
        onProgress: (t) => progress.update(task, t / seconds),
      });
      ensured.then(() => progress.complete(task)).catch(() => undefined);
      clips.set(id, ensured);
    }
    for (const [index, c] of todo.entries()) {
      const seconds = c.ids.reduce(
        (s, id) => s + (sources.get(id) as MixSource).info.durationSeconds,
        0,
      );
      progress.addTask(`assemble:${index}`, seconds * COPY_COST_PER_ENCODE_SECOND);
    }
    return clips;
  }

  private async assembleBatch(
    batch: { ids: string[]; index: number }[],
    clips: Map<string, Promise<EnsuredMezzanine>>,
    sources: Map<string, MixSource>,
    profile: OutputProfile,
    request: MixRequest & { startedAt: Date; indexes: Mp4IndexCache },
    progress: ProgressTracker,
    signal: AbortSignal,
  ): Promise<MixedOutput[]> {
    const planned = await Promise.all(
      batch.map(async (combination) => {
        const parts = await Promise.all(
          combination.ids.map((id) => clips.get(id) as Promise<EnsuredMezzanine>),
        );
        const filename = `output-${String(combination.index).padStart(4, '0')}.${profile.extension}`;
        const metadata = buildOutputMetadata(request.settings.metadata, {
          jobId: request.job.jobId,
          projectName: request.job.projectName,
          combinationIndex: combination.index,
          sources: combination.ids.map((id) => sources.get(id) as MixSource),
          createdAt: request.job.createdAt ?? request.startedAt,
        });
        return {
          combination,
          parts: parts.map((p) => p.path),
          durationSeconds: parts.reduce((s, p) => s + p.durationSeconds, 0),
          metadata,
          filename,
          outputPath: join(request.outputDir, filename),
        };
      }),
    );
    const longest = Math.max(...planned.map((p) => p.durationSeconds));
    const tasks = batch.map((c) => `assemble:${c.index}`);
    await assemble(this.options.runner, planned, {
      profile,
      signal,
      indexes: request.indexes,
      joinInProcess: this.options.joinInProcess,
      onProgress: (t) => tasks.forEach((task) => progress.update(task, t / longest)),
    });
    const outputs: MixedOutput[] = [];
    for (const [i, p] of planned.entries()) {
      progress.complete(tasks[i]);
      const output: MixedOutput = {
        combinationIndex: p.combination.index,
        path: p.outputPath,
        filename: p.filename,
        sizeBytes: statSync(p.outputPath).size,
        durationSeconds: p.durationSeconds,
        metadata: p.metadata,
        sourceVideoIds: p.combination.ids,
        partPaths: p.parts,
      };
      await request.onOutput?.(output);
      outputs.push(output);
    }
    return outputs;
  }
}

/**
 * Like Promise.all, but on the first failure aborts the siblings and waits for all of them to
 * stop (so their partial files are gone) before rethrowing that first failure.
 */
async function settleAll<T>(tasks: Promise<T>[], run: AbortController): Promise<T[]> {
  let first: unknown;
  const guarded = tasks.map((t) =>
    t.catch((error: unknown) => {
      first ??= error;
      run.abort();
      throw error;
    }),
  );
  const settled = await Promise.allSettled(guarded);
  if (first !== undefined) throw first;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
