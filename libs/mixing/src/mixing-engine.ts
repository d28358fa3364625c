import { setMaxListeners } from 'node:events';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FfmpegRunner, MediaInfo } from '@app/media';
import { assemble } from './assembler';
import { resolveTreatment, type ClipTreatment } from './clip-treatment';
import type {
  ClipCreative,
  FpsSetting,
  MusicSettings,
  RenditionSettings,
} from './creative-settings';
import { buildMusicArgs } from './music';
import { Mp4IndexCache } from './mp4-concat';
import type { MixingSettings } from './mixing-settings';
import {
  MezzanineCache,
  type EnsuredMezzanine,
  type MezzaninePieces,
  type MezzanineStore,
} from './normalizer';
import { buildOutputMetadata } from './output-metadata';
import { aspectRatioFor, outputProfile, type OutputProfile } from './output-profiles';
import { COPY_COST_PER_ENCODE_SECOND, ProgressTracker } from './progress-tracker';

export interface MixSource {
  videoId: string;
  path: string;
  originalName: string;
  info: MediaInfo;
  /** The clip's caption and crop focus (issue 17), when it has any. */
  creative?: ClipCreative;
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
  /** Single outputs already recorded, as `${combinationIndex}:${rendition}` (several renditions). */
  skipOutputs?: ReadonlySet<string>;
  /** When set, only these outputs (`${combinationIndex}:${rendition}`) are made: a fleet task's batch. */
  only?: ReadonlySet<string>;
  /**
   * The renditions' profiles as the job's planner fixed them (fleet tasks): a task that sees only
   * some of the sources still renders the shape and frame rate the whole plan implies.
   */
  profiles?: readonly OutputProfile[];
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
  /** Called once per finished output, as it finishes; a rejection fails the whole run. */
  onOutput?: (output: MixedOutput) => Promise<void> | void;
}

export interface MixedOutput {
  combinationIndex: number;
  /** Index into `settings.renditions` (0 when there is one rendition). */
  rendition: number;
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
  /** The first rendition's profile. */
  profile: OutputProfile;
  /** Every rendition's profile, by rendition index. */
  profiles: OutputProfile[];
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
  /** The caption font (default: DejaVu Sans from fonts-dejavu-core). */
  captionFont?: string;
}

/** Amortizes ffmpeg's ~50 ms start over several outputs; small enough to report outputs early. */
const DEFAULT_ASSEMBLE_BATCH = 9;

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + size));
  return out;
}

/** sha256 of a file's content (assets count by what they are, not where they lie). */
function fileDigest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Normalize each distinct clip once per profile, then stream-copy each output from them. */
export class MixingEngine {
  readonly cache: MezzanineCache;

  constructor(private readonly options: MixingEngineOptions) {
    this.cache = new MezzanineCache(options.cacheDir, options.runner, options.mezzanineStore);
  }

  /** The first rendition's profile (the only one unless `settings.renditions` lists several). */
  profileFor(
    request: Pick<MixRequest, 'settings' | 'sources' | 'combinations' | 'orientationVideoId'>,
  ): OutputProfile {
    return this.profilesFor(request)[0];
  }

  /** One profile per rendition, in order; without `settings.renditions`, the one of today. */
  profilesFor(request: ProfileRequest): OutputProfile[] {
    return renditionProfiles(request);
  }

  async mix(request: MixRequest): Promise<MixResult> {
    const profiles = this.profilesFor(request);
    const several = profiles.length > 1;
    const sources = new Map(request.sources.map((s) => [s.videoId, s]));
    const todo: Planned[] = profiles.flatMap((profile, rendition) =>
      request.combinations
        .map((ids, index) => ({ ids: [...ids], index, rendition, profile }))
        .filter(
          ({ index }) =>
            !request.skip?.has(index) &&
            !request.skipOutputs?.has(`${index}:${rendition}`) &&
            (!request.only || request.only.has(`${index}:${rendition}`)),
        ),
    );
    for (const id of new Set(todo.flatMap((c) => c.ids))) {
      if (!sources.has(id)) throw new RangeError(`combination names unknown video ${id}`);
    }
    mkdirSync(request.outputDir, { recursive: true });
    const progress = new ProgressTracker(request.onProgress);
    const context = { ...request, startedAt: new Date(), indexes: new Mp4IndexCache(), several };
    const run = new AbortController();
    // Every queued and running ffmpeg of this job listens to this one signal.
    setMaxListeners(0, run.signal);
    const cancel = (): void => run.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    if (request.signal?.aborted) run.abort();
    const treatments = this.treatmentsFor(request, sources);
    const clips = this.startNormalizing(todo, sources, treatments, progress, run.signal);
    try {
      const size = this.options.assembleBatchSize ?? DEFAULT_ASSEMBLE_BATCH;
      // A batch is one rendition's outputs (one profile per ffmpeg run).
      const batches = profiles.flatMap((_, r) =>
        chunk(
          todo.filter((c) => c.rendition === r),
          size,
        ),
      );
      const done = await settleAll(
        batches.map((b) => this.assembleBatch(b, clips, sources, context, progress, run.signal)),
        run,
      );
      const outputs = done.flat();
      const ensured = await Promise.all(clips.values());
      progress.finish();
      const encodedClips = ensured.filter((m) => m.encoded).length;
      return {
        profile: profiles[0],
        profiles,
        outputs,
        encodedClips,
        reusedClips: ensured.length - encodedClips,
      };
    } catch (error) {
      // An output failing early must not leave encodes running (or their partial files behind).
      run.abort();
      await Promise.allSettled(clips.values());
      throw error;
    } finally {
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  /**
   * A fleet task's first half: the mezzanines of `videoIds` in every rendition's profile, made
   * (and shared through the mezzanine store) or found; nothing is assembled.
   */
  async prepare(
    request: Omit<MixRequest, 'outputDir' | 'job' | 'onOutput'>,
    videoIds: readonly string[],
  ): Promise<{ encodedClips: number; reusedClips: number }> {
    const profiles = this.profilesFor(request);
    const sources = new Map(request.sources.map((s) => [s.videoId, s]));
    for (const id of videoIds) {
      if (!sources.has(id)) throw new RangeError(`prepare names unknown video ${id}`);
    }
    const progress = new ProgressTracker(request.onProgress);
    const run = new AbortController();
    setMaxListeners(0, run.signal);
    const cancel = (): void => run.abort();
    request.signal?.addEventListener('abort', cancel, { once: true });
    if (request.signal?.aborted) run.abort();
    // One planned "output" per clip and profile: startNormalizing makes each mezzanine once.
    const todo: Planned[] = profiles.flatMap((profile, rendition) =>
      videoIds.map((id) => ({ ids: [id], index: -1, rendition, profile })),
    );
    const treatments = this.treatmentsFor(request, sources);
    const clips = this.startNormalizing(todo, sources, treatments, progress, run.signal);
    try {
      const ensured = await settleAll([...clips.values()], run);
      progress.finish();
      const encodedClips = ensured.filter((m) => m.encoded).length;
      return { encodedClips, reusedClips: ensured.length - encodedClips };
    } finally {
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  /** Each clip's treatment, resolved once per run (the logo file is hashed once). */
  private treatmentsFor(
    request: Pick<MixRequest, 'settings'>,
    sources: Map<string, MixSource>,
  ): Map<string, ClipTreatment> {
    const { watermark } = request.settings;
    const digests = watermark ? { watermark: fileDigest(watermark.path) } : {};
    const out = new Map<string, ClipTreatment>();
    for (const [id, source] of sources) {
      out.set(
        id,
        resolveTreatment(request.settings, source.creative, digests, this.options.captionFont),
      );
    }
    return out;
  }

  private startNormalizing(
    todo: Planned[],
    sources: Map<string, MixSource>,
    treatments: Map<string, ClipTreatment>,
    progress: ProgressTracker,
    signal: AbortSignal,
  ): Map<string, Promise<EnsuredMezzanine>> {
    const clips = new Map<string, Promise<EnsuredMezzanine>>();
    for (const c of todo) {
      for (const id of c.ids) {
        const key = clipKey(c.rendition, id);
        if (clips.has(key)) continue;
        const source = sources.get(id) as MixSource;
        const seconds = source.info.durationSeconds;
        const task = `normalize:${key}`;
        const treatment = treatments.get(id);
        if (!this.cache.has(id, c.profile, treatment)) progress.addTask(task, seconds);
        const ensured = this.cache.ensure(source, c.profile, {
          signal,
          treatment,
          onProgress: (t) => progress.update(task, t / seconds),
        });
        ensured.then(() => progress.complete(task)).catch(() => undefined);
        clips.set(key, ensured);
      }
    }
    for (const c of todo) {
      const seconds = c.ids.reduce(
        (s, id) => s + (sources.get(id) as MixSource).info.durationSeconds,
        0,
      );
      progress.addTask(outputTask(c), seconds * COPY_COST_PER_ENCODE_SECOND);
    }
    return clips;
  }

  private async assembleBatch(
    batch: Planned[],
    clips: Map<string, Promise<EnsuredMezzanine>>,
    sources: Map<string, MixSource>,
    request: MixRequest & { startedAt: Date; indexes: Mp4IndexCache; several: boolean },
    progress: ProgressTracker,
    signal: AbortSignal,
  ): Promise<MixedOutput[]> {
    const { profile } = batch[0];
    const { music } = request.settings;
    const planned = await Promise.all(
      batch.map(async (combination) => {
        const parts = await Promise.all(
          combination.ids.map(
            (id) => clips.get(clipKey(combination.rendition, id)) as Promise<EnsuredMezzanine>,
          ),
        );
        const suffix = request.several ? `-r${combination.rendition}` : '';
        const filename = `output-${String(combination.index).padStart(4, '0')}${suffix}.${profile.extension}`;
        const metadata = buildOutputMetadata(request.settings.metadata, {
          jobId: request.job.jobId,
          projectName: request.job.projectName,
          combinationIndex: combination.index,
          sources: combination.ids.map((id) => sources.get(id) as MixSource),
          createdAt: request.job.createdAt ?? request.startedAt,
        });
        const finalPath = join(request.outputDir, filename);
        const joined = await this.crossfaded(parts, profile, signal);
        return {
          combination,
          parts: joined?.files ?? parts.map((p) => p.path),
          durationSeconds:
            joined?.durationSeconds ?? parts.reduce((s, p) => s + p.durationSeconds, 0),
          metadata,
          filename,
          finalPath,
          // With music, the copy-joined output is an intermediate the music step reads.
          outputPath: music
            ? join(request.outputDir, `.${filename}.joined.${profile.extension}`)
            : finalPath,
        };
      }),
    );
    const longest = Math.max(...planned.map((p) => p.durationSeconds));
    const tasks = batch.map(outputTask);
    try {
      await assemble(this.options.runner, planned, {
        profile,
        signal,
        indexes: request.indexes,
        joinInProcess: this.options.joinInProcess,
        onProgress: (t) => tasks.forEach((task) => progress.update(task, t / longest)),
      });
      if (music) {
        // Every mux settles (and removes its partial file) before the batch does.
        const muxed = await Promise.allSettled(
          planned.map((p) => this.addMusic(p.outputPath, p.finalPath, music, profile, p, signal)),
        );
        const failed = muxed.find((m): m is PromiseRejectedResult => m.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } finally {
      if (music) for (const p of planned) rmSync(p.outputPath, { force: true });
    }
    const outputs: MixedOutput[] = [];
    for (const [i, p] of planned.entries()) {
      progress.complete(tasks[i]);
      const output: MixedOutput = {
        combinationIndex: p.combination.index,
        rendition: p.combination.rendition,
        path: p.finalPath,
        filename: p.filename,
        sizeBytes: statSync(p.finalPath).size,
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

  /**
   * Crossfade mode: the files an output is joined from, by copy: the first clip's head, then per
   * clip its body followed by the (cached) joint re-encoding its tail with the next one's head,
   * and the last clip's tail. null when the mezzanines are whole (no crossfade).
   */
  private async crossfaded(
    parts: readonly EnsuredMezzanine[],
    profile: OutputProfile,
    signal: AbortSignal,
  ): Promise<{ files: string[]; durationSeconds: number } | null> {
    const pieces = parts.map((p) => p.pieces);
    if (!pieces.every((p): p is MezzaninePieces => p !== undefined)) return null;
    const joints = await Promise.all(
      pieces.slice(1).map((next, i) => this.cache.ensureJoint(pieces[i], next, profile, signal)),
    );
    const files = [pieces[0].head];
    let frames = pieces[0].headFrames;
    pieces.forEach((p, i) => {
      files.push(p.body);
      frames += p.bodyFrames;
      const joint = joints[i];
      if (joint) {
        files.push(joint.path);
        frames += joint.frames;
      }
    });
    const last = pieces[pieces.length - 1];
    files.push(last.tail);
    frames += last.tailFrames;
    return { files, durationSeconds: frames / profile.fps };
  }

  /** The music step: the joined output's picture copied, its sound mixed with the music. */
  private async addMusic(
    joined: string,
    finalPath: string,
    music: MusicSettings,
    profile: OutputProfile,
    output: { durationSeconds: number; metadata: Record<string, string> },
    signal: AbortSignal,
  ): Promise<void> {
    const partial = join(dirname(finalPath), `.${basename(finalPath)}.partial`);
    try {
      const args = buildMusicArgs(
        joined,
        music,
        profile,
        output.durationSeconds,
        output.metadata,
        partial,
      );
      // Input 0 is our own joined output, input 1 the project's music asset.
      await this.options.runner.run(args, {
        signal,
        durationSeconds: output.durationSeconds,
        inputs: [undefined, 'asset'],
      });
      renameSync(partial, finalPath);
    } finally {
      rmSync(partial, { force: true });
    }
  }
}

/** What fixes a job's rendition profiles. */
export type ProfileRequest = Pick<
  MixRequest,
  'settings' | 'sources' | 'combinations' | 'orientationVideoId' | 'profiles'
>;

/**
 * Pure: one profile per rendition, in order (without `settings.renditions`, the one of today):
 * the shape from the orientation clip, the frame rate from the plan's sources. A request that
 * carries `profiles` (a fleet task) gets them back as they are.
 */
export function renditionProfiles(request: ProfileRequest): OutputProfile[] {
  if (request.profiles?.length) return [...request.profiles];
  const { settings } = request;
  const orientationId = request.orientationVideoId ?? request.combinations[0]?.[0];
  const shape = request.sources.find((s) => s.videoId === orientationId)?.info;
  const defaultAspect = shape ? aspectRatioFor(shape.width, shape.height) : '16:9';
  const renditions: RenditionSettings[] = settings.renditions?.length
    ? settings.renditions
    : [
        {
          aspectRatio: settings.aspectRatio,
          format: settings.outputFormat,
          quality: settings.quality,
        },
      ];
  const used = new Set(request.combinations.flat());
  const sourceFps = Math.max(
    0,
    ...request.sources.filter((s) => used.has(s.videoId)).map((s) => s.info.fps),
  );
  return renditions.map((r) =>
    outputProfile(r.quality, r.format, r.aspectRatio ?? settings.aspectRatio ?? defaultAspect, {
      fps: renditionFps(r.fps, sourceFps),
      codec: r.codec,
    }),
  );
}

/** One output to write: a combination in one rendition. */
interface Planned {
  ids: string[];
  index: number;
  rendition: number;
  profile: OutputProfile;
}

function clipKey(rendition: number, videoId: string): string {
  return `${rendition}:${videoId}`;
}

function outputTask(c: Planned): string {
  return `assemble:${c.index}:${c.rendition}`;
}

/**
 * Pure: a rendition's frame rate. 30 by default; 60 only when the plan's sources have it (one at
 * 50 fps or more), else 30; 'source' follows the fastest source, capped at 60.
 */
export function renditionFps(fps: FpsSetting | undefined, sourceFps: number): number {
  if (fps === 'source') return Math.min(60, Math.max(1, Math.round(sourceFps) || 30));
  if (fps === 60) return sourceFps >= 50 ? 60 : 30;
  return 30;
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
