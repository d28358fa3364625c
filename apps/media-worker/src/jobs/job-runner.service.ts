import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  FfmpegAbortedError,
  FfmpegFailedError,
  FfmpegTimeoutError,
  MediaProbeError,
  probe,
} from '@app/media';
import { MixingEngine, type MixSource } from '@app/mixing';
import { STORAGE, storageKeys, type CachedFile, type Storage } from '@app/storage';
import { JobFiles } from './job-files';
import { JobEventsPublisher } from '../progress/job-events.publisher';
import { ProgressReporter } from '../progress/progress-reporter';
import { JobBilling } from '../billing/job-billing';
import { FfmpegRunnerProvider } from './ffmpeg-runner.provider';
import { snapshotOf } from './job-plan';
import { JobRepository, type LoadedJob } from './job-repository';

export type JobOutcome =
  { kind: 'done' } | { kind: 'retry'; delayMs: number } | { kind: 'handback' };

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
 * Runs one job: claims it, renders the outputs not yet recorded (a redelivered job resumes),
 * records each output as it is complete, then records the outcome and settles billing. The
 * caller acks only after this returns 'done'.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger(JobRunner.name);
  private readonly workDir: string;

  constructor(
    private readonly repo: JobRepository,
    private readonly events: JobEventsPublisher,
    private readonly billing: JobBilling,
    private readonly ffmpeg: FfmpegRunnerProvider,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly files: JobFiles,
    config: ConfigService,
  ) {
    this.workDir = path.resolve(config.getOrThrow<string>('WORK_DIR'));
  }

  async run(jobId: string, ctx: RunContext): Promise<JobOutcome> {
    const claim = await this.repo.claim(jobId);
    const job = await this.repo.load(jobId);
    if (!job) return { kind: 'done' }; // deleted with its project: nothing to do or charge
    if (claim === 'final') return this.settle(job);
    this.logger.log(`job ${job.id} ${claim} (delivery ${ctx.deliveryCount})`);
    this.publish(job, 'PROCESSING', job.progress, job.outputs.length);

    const stopped = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopped.signal]);
    const outputDir = path.join(this.workDir, 'jobs', jobId);
    try {
      await this.render(job, signal, () => stopped.abort('cancel'), outputDir);
      if (await this.repo.complete(job.id, job.projectId)) {
        this.logger.log(`job ${job.id} completed`);
      }
      return await this.settle(job);
    } catch (e) {
      if (ctx.signal.reason === 'shutdown') return { kind: 'handback' };
      if (!(await this.repo.isProcessing(job.id))) return this.settle(job); // cancelled meanwhile
      if (e instanceof FfmpegAbortedError || signal.aborted) return this.settle(job);
      if (!isPermanent(e) && ctx.deliveryCount < ctx.maxDeliver) {
        this.logger.warn(
          `job ${job.id} attempt ${ctx.deliveryCount} failed, will retry: ${(e as Error).message}`,
        );
        return { kind: 'retry', delayMs: 2000 * ctx.deliveryCount };
      }
      const message = (e as Error).message || 'rendering failed';
      this.logger.error(`job ${job.id} failed: ${message}`);
      await this.repo.fail(job.id, job.projectId, message);
      return await this.settle(job);
    } finally {
      await rm(outputDir, { recursive: true, force: true });
      await rm(`${outputDir}.work`, { recursive: true, force: true });
    }
  }

  private async render(
    job: LoadedJob,
    signal: AbortSignal,
    stop: () => void,
    outputDir: string,
  ): Promise<void> {
    const snapshot = snapshotOf(job);
    const userId = job.project.userId;
    const done = new Set(job.outputs.map((o) => o.combinationIndex));
    const reporter = new ProgressReporter(
      job.id,
      snapshot.combinations.length,
      this.repo,
      this.events,
      stop,
      done.size,
    );
    // A resumed job's engine reports progress over what is left; the job's covers the whole.
    const base = (100 * done.size) / Math.max(1, snapshot.combinations.length);
    const needed = new Set(snapshot.combinations.filter((_, i) => !done.has(i)).flat());
    const held: CachedFile[] = [];
    const sources = await this.sources(job, needed, signal, held);
    await mkdir(outputDir, { recursive: true });
    const mezzanines = this.files.mezzanines(userId, job.projectId, `${outputDir}.work`);
    const engine = new MixingEngine({
      cacheDir: mezzanines.cacheDir,
      mezzanineStore: mezzanines.store,
      runner: this.ffmpeg.runner,
    });
    try {
      await engine.mix({
        combinations: snapshot.combinations,
        sources,
        settings: snapshot,
        job: { jobId: job.id, projectName: job.project.name, createdAt: job.createdAt },
        outputDir,
        orientationVideoId: snapshot.orientationVideoId,
        skip: done,
        signal,
        onProgress: (p) => reporter.report(base + ((100 - base) * p) / 100),
        onOutput: async (output) => {
          const stored = await this.storage.importFile(
            storageKeys.output(userId, job.projectId, job.id, output.filename),
            output.path,
          );
          const recorded = await this.repo.recordOutput(job.id, {
            combinationIndex: output.combinationIndex,
            filename: output.filename,
            path: stored.location,
            size: stored.size,
            durationSeconds: output.durationSeconds,
            metadata: output.metadata,
            sourceFiles: output.sourceVideoIds,
          });
          if (!recorded) {
            await this.storage.delete(stored.location);
            stop();
            return;
          }
          reporter.outputRecorded();
        },
      });
    } finally {
      for (const file of held) file.release();
      await reporter.flush();
    }
  }

  /** Each needed source as a local file (pinned in `held` until the render ends). */
  private async sources(
    job: LoadedJob,
    needed: Set<string>,
    signal: AbortSignal,
    held: CachedFile[],
  ): Promise<MixSource[]> {
    const videos = job.project.videos.filter((v) => needed.has(v.id));
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

  /**
   * A job whose every delivery ended without an outcome (its workers were killed): it fails with
   * `reason`, keeps the outputs it recorded, and is settled: those are charged, the rest
   * refunded. Safe to call again.
   */
  async abandon(jobId: string, reason: string): Promise<JobOutcome> {
    const job = await this.repo.load(jobId);
    if (!job) return { kind: 'done' };
    if (await this.repo.fail(job.id, job.projectId, reason)) {
      this.logger.warn(`job ${job.id} failed: ${reason}`);
    }
    return this.settle(job);
  }

  /** The job reached a final state: charge what it produced, refund the rest (idempotent). */
  private async settle(job: LoadedJob): Promise<JobOutcome> {
    const fresh = await this.repo.load(job.id);
    if (!fresh) return { kind: 'done' };
    const produced = fresh.outputs.map((o) => o.combinationIndex);
    try {
      await this.billing.settle(fresh);
    } catch (e) {
      this.logger.warn(`job ${job.id}: billing settle failed, will retry: ${(e as Error).message}`);
      return { kind: 'retry', delayMs: 5000 };
    }
    this.publish(
      fresh,
      fresh.status,
      fresh.progress,
      produced.length,
      fresh.errorMessage ?? undefined,
    );
    return { kind: 'done' };
  }

  private publish(
    job: LoadedJob,
    status: LoadedJob['status'],
    progress: number,
    outputsDone: number,
    errorMessage?: string,
  ) {
    this.events.publish({
      jobId: job.id,
      status,
      progress,
      outputsDone,
      outputsTotal: snapshotOf(job).combinations.length,
      ...(errorMessage ? { errorMessage } : {}),
    });
  }
}
