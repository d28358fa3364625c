import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  FfmpegAbortedError,
  FfmpegFailedError,
  FfmpegTimeoutError,
  MediaProbeError,
  probe,
} from '@app/media';
import {
  MixingEngine,
  namedClips,
  outputNames,
  renditionFileName,
  type MixedOutput,
  type MixingSettings,
  type MixSource,
} from '@app/mixing';
import { STORAGE, storageKeys, type CachedFile, type Storage } from '@app/storage';
import { InvalidJobSnapshotError, plannedFileCount, renditionQualities } from '@app/contracts';
import { clientFailureMessage } from './failure-message';
import { JobLifecycle } from '@app/jobs';
import { WebhookEventsPublisher } from '@app/webhooks';
import { JobEventsPublisher } from '../job-events/job-events.publisher';
import type { JobOutcome } from '../job-queue/job-outcome';
import { SettleJob } from '../settle-job/settle-job.usecase';
import { FfmpegRunnerProvider } from './ffmpeg-runner.provider';
import { JobFiles } from './job-files';
import { PosterFrames, sha256File } from './output-extras';
import { ProgressReporter } from './progress-reporter';
import { RunJobRepository, type JobToRun } from './run-job.repository';

export interface RunContext {
  signal: AbortSignal;
  deliveryCount: number;
  maxDeliver: number;
}

/** Failures that another attempt cannot fix: the job fails at once instead of retrying. */
function isPermanent(e: unknown): boolean {
  return (
    e instanceof FfmpegFailedError ||
    e instanceof MediaProbeError ||
    e instanceof FfmpegTimeoutError
  );
}

/**
 * Runs one job: claims it (PENDING → PROCESSING), renders the outputs not yet recorded (a
 * redelivered job resumes), records each output as it is complete, then records the outcome
 * and settles it (settle-job/). The caller acks only after this returns 'done'.
 */
@Injectable()
export class RunJob {
  private readonly logger = new Logger(RunJob.name);
  private readonly workDir: string;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: RunJobRepository,
    private readonly events: JobEventsPublisher,
    private readonly settle: SettleJob,
    private readonly ffmpeg: FfmpegRunnerProvider,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly files: JobFiles,
    private readonly webhookEvents: WebhookEventsPublisher,
    config: ConfigService,
  ) {
    this.workDir = path.resolve(config.getOrThrow<string>('WORK_DIR'));
  }

  async execute(jobId: string, ctx: RunContext): Promise<JobOutcome> {
    const claim = await this.lifecycle.claim(jobId);
    if (claim === 'missing') return { kind: 'done' }; // deleted with its project
    if (claim === 'final') return this.settle.execute(jobId);
    const job = await this.jobs.load(jobId).catch(async (e: unknown) => {
      if (!(e instanceof InvalidJobSnapshotError)) throw e;
      // No delivery can render (or price) an unreadable plan: it fails now, for an operator.
      this.logger.error(`job ${jobId}: ${e.message}`);
      await this.lifecycle.fail(jobId, 'the job plan is unreadable');
      return null;
    });
    if (!job) return { kind: 'done' };
    this.logger.log(`job ${job.id} ${claim} (delivery ${ctx.deliveryCount})`);
    this.publish(job, 'PROCESSING', job.progress, job.outputs.length);

    const stopped = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopped.signal]);
    const outputDir = path.join(this.workDir, 'jobs', jobId);
    try {
      await this.render(job, signal, () => stopped.abort('cancel'), outputDir);
      if ((await this.lifecycle.complete(job.id)).ok) {
        this.logger.log(`job ${job.id} completed`);
      }
      return await this.settle.execute(job.id);
    } catch (e) {
      if (ctx.signal.reason === 'shutdown') return { kind: 'handback' };
      // Cancelled meanwhile (or stopped on purpose): settle what it made.
      if (!(await this.lifecycle.isProcessing(job.id))) return this.settle.execute(job.id);
      if (e instanceof FfmpegAbortedError || signal.aborted) return this.settle.execute(job.id);
      if (!isPermanent(e) && ctx.deliveryCount < ctx.maxDeliver) {
        this.logger.warn(
          `job ${job.id} attempt ${ctx.deliveryCount} failed, will retry: ${(e as Error).message}`,
        );
        return { kind: 'retry', delayMs: 2000 * ctx.deliveryCount };
      }
      // The detail (ffmpeg's stderr, paths) is logged; the job shows its owner a category.
      this.logger.error(`job ${job.id} failed: ${(e as Error).message}`);
      await this.lifecycle.fail(job.id, clientFailureMessage(e));
      return await this.settle.execute(job.id);
    } finally {
      await rm(outputDir, { recursive: true, force: true });
      await rm(`${outputDir}.work`, { recursive: true, force: true });
    }
  }

  private async render(
    job: JobToRun,
    signal: AbortSignal,
    stop: () => void,
    outputDir: string,
  ): Promise<void> {
    const { snapshot } = job;
    const userId = job.project.userId;
    const renditions = renditionQualities(snapshot).length;
    const total = plannedFileCount(snapshot);
    // Each output is a combination in a rendition; a combination is done when all of its are.
    const doneOutputs = new Set(job.outputs.map((o) => `${o.combinationIndex}:${o.rendition}`));
    const done = new Set(
      snapshot.combinations
        .map((_, i) => i)
        .filter((i) =>
          Array.from({ length: renditions }, (_, r) => `${i}:${r}`).every((k) =>
            doneOutputs.has(k),
          ),
        ),
    );
    const reporter = new ProgressReporter(
      job.id,
      total,
      this.lifecycle,
      this.events,
      stop,
      doneOutputs.size,
    );
    // A resumed job's engine reports progress over what is left; the job's covers the whole.
    const base = (100 * doneOutputs.size) / Math.max(1, total);
    const needed = new Set(snapshot.combinations.filter((_, i) => !done.has(i)).flat());
    const held: CachedFile[] = [];
    const settings = await this.creativeSettings(job, signal, held);
    const sources = await this.sources(job, needed, signal, held).catch((e: unknown) => {
      for (const file of held.splice(0)) file.release();
      throw e;
    });
    await mkdir(outputDir, { recursive: true });
    const mezzanines = this.files.mezzanines(userId, job.projectId, `${outputDir}.work`);
    const engine = new MixingEngine({
      cacheDir: mezzanines.cacheDir,
      mezzanineStore: mezzanines.store,
      runner: this.ffmpeg.runner,
    });
    const request = {
      combinations: snapshot.combinations,
      sources,
      settings,
      orientationVideoId: snapshot.orientationVideoId,
    };
    // Names of the whole plan (not only what is left), so a resumed job names alike; with
    // several renditions each name ends in its rendition (-r0, -r1…) so they stay unique.
    const clips = namedClips(snapshot.combinations, job.project.videos, job.project.groups);
    const names = engine.profilesFor(request).map((profile, r) =>
      outputNames({
        template: snapshot.outputNameTemplate,
        projectName: job.project.name,
        jobId: job.id,
        createdAt: job.createdAt,
        aspectRatio: profile.aspectRatio,
        extension: profile.extension,
        combinations: clips,
      }).map((name) => renditionFileName(name, r, renditions)),
    );
    // One first frame per first clip: outputs that open with the same clip share it.
    const frames = new PosterFrames(this.ffmpeg.runner, path.join(`${outputDir}.work`, 'posters'));
    try {
      await engine.mix({
        ...request,
        job: { jobId: job.id, projectName: job.project.name, createdAt: job.createdAt },
        outputDir,
        skip: done,
        skipOutputs: doneOutputs,
        signal,
        onProgress: (p) => reporter.report(base + ((100 - base) * p) / 100),
        onOutput: async (output) => {
          const stored = await this.store(job, output, signal, frames);
          const recorded = await this.lifecycle.recordOutput(job.id, {
            combinationIndex: output.combinationIndex,
            rendition: output.rendition,
            filename: output.filename,
            path: stored.location,
            size: stored.size,
            durationSeconds: output.durationSeconds,
            metadata: output.metadata,
            sourceFiles: output.sourceVideoIds,
            name: names[output.rendition][output.combinationIndex],
            sha256: stored.sha256,
            ...(stored.poster ? { posterPath: stored.poster } : {}),
          });
          if (!recorded) {
            await this.storage.delete(stored.location);
            if (stored.poster) await this.storage.delete(stored.poster);
            stop();
            return;
          }
          reporter.outputRecorded();
          // output.ready now; settling the job publishes it again if this one was lost.
          await this.webhookEvents
            .publishOutputReady(job.id, output.combinationIndex, output.rendition)
            .catch((e: Error) => this.logger.warn(`output.ready not queued yet: ${e.message}`));
        },
      });
    } finally {
      for (const file of held) file.release();
      await reporter.flush();
    }
  }

  /**
   * Moves a finished output into storage with its SHA-256 and, beside it, a poster: the first
   * frame of its first part's mezzanine (a poster that fails is logged, not fatal).
   */
  private async store(
    job: JobToRun,
    output: MixedOutput,
    signal: AbortSignal,
    frames: PosterFrames,
  ) {
    const userId = job.project.userId;
    const sha256 = await sha256File(output.path);
    const posterName = output.filename.replace(/\.[a-z0-9]+$/i, '.jpg');
    const posterFile = path.join(path.dirname(output.path), posterName);
    const poster = await frames
      .of(output.partPaths[0], signal)
      .then((frame) => copyFile(frame, posterFile))
      .then(() =>
        this.storage.importFile(
          storageKeys.output(userId, job.projectId, job.id, posterName),
          posterFile,
        ),
      )
      .then((r) => r.location)
      .catch((e: Error) => {
        if (signal.aborted) throw e;
        this.logger.warn(`job ${job.id}: no poster for ${output.filename}: ${e.message}`);
        return null;
      });
    const stored = await this.storage.importFile(
      storageKeys.output(userId, job.projectId, job.id, output.filename),
      output.path,
    );
    return { ...stored, sha256, poster };
  }

  /**
   * The snapshot as the engine reads it: the watermark's and the music's asset ids resolved to
   * local files (pinned in `held` until the render ends). An asset deleted since the job was
   * created fails the job: no delivery can render it.
   */
  private async creativeSettings(
    job: JobToRun,
    signal: AbortSignal,
    held: CachedFile[],
  ): Promise<MixingSettings> {
    const { watermark, music, clips: _clips, ...rest } = job.snapshot;
    const local = async (assetId: string) => {
      const location = await this.jobs.assetPath(job.projectId, assetId);
      if (!location) {
        throw new MediaProbeError(
          'NOT_A_VIDEO',
          `the asset ${assetId} of the job no longer exists`,
        );
      }
      const file = await this.files.source(location, signal);
      held.push(file);
      return file.path;
    };
    const settings: MixingSettings = { ...rest };
    if (watermark) {
      const { assetId, ...style } = watermark;
      settings.watermark = { ...style, path: await local(assetId) };
    }
    if (music) {
      const { assetId, ...options } = music;
      settings.music = { ...options, path: await local(assetId) };
    }
    return settings;
  }

  /** Each needed source as a local file (pinned in `held` until the render ends). */
  private async sources(
    job: JobToRun,
    needed: Set<string>,
    signal: AbortSignal,
    held: CachedFile[],
  ): Promise<MixSource[]> {
    const videos = job.project.videos.filter((v) => needed.has(v.id));
    // Captions and focus points as frozen with the job (later edits do not change it).
    const creative = new Map(
      (job.snapshot.clips ?? []).map(({ videoId, ...clip }) => [videoId, clip]),
    );
    if (videos.length !== needed.size) {
      throw new MediaProbeError('NOT_A_VIDEO', 'a video of the plan no longer exists');
    }
    const settled = await Promise.allSettled(
      videos.map(async (v) => {
        const file = await this.files.source(v.path, signal);
        held.push(file);
        return {
          videoId: v.id,
          path: file.path,
          originalName: v.originalName,
          info: await probe(file.path, { signal }),
          ...(creative.has(v.id) ? { creative: creative.get(v.id) } : {}),
        };
      }),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) {
      for (const file of held.splice(0)) file.release();
      throw failed.reason;
    }
    return settled.map((r) => (r as PromiseFulfilledResult<MixSource>).value);
  }

  private publish(
    job: JobToRun,
    status: JobToRun['status'],
    progress: number,
    outputsDone: number,
  ) {
    this.events.publish({
      jobId: job.id,
      status,
      progress,
      outputsDone,
      outputsTotal: plannedFileCount(job.snapshot),
    });
  }
}
