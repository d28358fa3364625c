import { Inject, Injectable, Logger } from '@nestjs/common';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { ConfigService } from '@nestjs/config';
import {
  FfmpegAbortedError,
  FfmpegFailedError,
  FfmpegTimeoutError,
  MediaProbeError,
} from '@app/media';
import {
  MixingEngine,
  namedClips,
  outputNames,
  renditionFileName,
  type MixedOutput,
  type MixRequest,
} from '@app/mixing';
import { STORAGE, storageKeys, type CachedFile, type Storage } from '@app/storage';
import { plannedFileCount } from '@app/contracts';
import { JobLifecycle } from '@app/jobs';
import { WebhookEventsPublisher } from '@app/webhooks';
import { JobEventsPublisher } from '../job-events/job-events.publisher';
import type { JobOutcome } from '../job-queue/job-outcome';
import { JobTasksRepository, type StoredTask } from '../job-tasks/job-tasks.repository';
import type { AssemblePayload, NormalizePayload } from '../job-tasks/task-plan';
import { TaskDispatcher } from '../job-tasks/task-dispatcher.service';
import { WorkerIdentity } from '../job-queue/worker-identity';
import { SettleJob } from '../settle-job/settle-job.usecase';
import { clientFailureMessage } from './failure-message';
import { FfmpegRunnerProvider } from './ffmpeg-runner.provider';
import { JobFiles } from './job-files';
import { PosterFrames, sha256File } from './output-extras';
import { RunTaskRepository, type JobToRun } from './run-task.repository';
import { TaskInputs } from './task-inputs';

export interface RunContext {
  signal: AbortSignal;
  deliveryCount: number;
  maxDeliver: number;
}

/** Failures that another attempt cannot fix: the job fails at once instead of retrying. */
export function isPermanent(e: unknown): boolean {
  return (
    e instanceof FfmpegFailedError ||
    e instanceof MediaProbeError ||
    e instanceof FfmpegTimeoutError
  );
}

/**
 * Runs one task of a job (split-job/ made them): NORMALIZE makes one clip's mezzanines and
 * shares them through the mezzanine store; ASSEMBLE joins a batch of outputs from mezzanines and
 * records each output once. Then the task is DONE (once, whichever worker ran it), the user's
 * next tasks are dispatched, and the last task completes and settles the job. A task of a job
 * that is no longer PROCESSING (cancelled, failed) is dropped; a redelivered task redoes only
 * itself (outputs already recorded are kept).
 */
@Injectable()
export class RunTask {
  private readonly logger = new Logger(RunTask.name);
  private readonly workDir: string;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: RunTaskRepository,
    private readonly tasks: JobTasksRepository,
    private readonly dispatcher: TaskDispatcher,
    private readonly events: JobEventsPublisher,
    private readonly settle: SettleJob,
    private readonly ffmpeg: FfmpegRunnerProvider,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly files: JobFiles,
    private readonly inputs: TaskInputs,
    private readonly posters: PosterFrames,
    private readonly webhookEvents: WebhookEventsPublisher,
    private readonly worker: WorkerIdentity,
    config: ConfigService,
  ) {
    this.workDir = path.resolve(config.getOrThrow<string>('WORK_DIR'));
  }

  async execute(jobId: string, seq: number, ctx: RunContext): Promise<JobOutcome> {
    const task = await this.tasks.find(jobId, seq);
    if (!task) return { kind: 'done' }; // deleted with its job
    const job = await this.jobs.load(jobId);
    if (!job) return { kind: 'done' };
    // Cancelled or failed meanwhile: nothing to do but make sure it is settled (idempotent).
    if (job.status !== 'PROCESSING') return this.settle.execute(jobId);
    // A redelivery of a task already recorded: only what follows it is left.
    if (task.status === 'DONE') return this.afterTask(job);
    await this.tasks.started(jobId, seq);
    this.logger.log(`task ${jobId}.${seq} (${task.kind.toLowerCase()}) started`);

    const stopped = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopped.signal]);
    setMaxListeners(0, signal);
    const dir = path.join(this.workDir, 'tasks', `${jobId}.${seq}.${randomUUID()}`);
    try {
      await mkdir(dir, { recursive: true });
      if (task.kind === 'NORMALIZE') await this.normalize(job, task, signal, dir);
      else await this.assemble(job, task, signal, () => stopped.abort('cancel'), dir);
      if (signal.aborted) throw new FfmpegAbortedError();
      await this.tasks.done(jobId, seq, this.worker.id);
      this.logger.log(`task ${jobId}.${seq} (${task.kind.toLowerCase()}) done`);
      return await this.afterTask(job);
    } catch (e) {
      if (ctx.signal.reason === 'shutdown') return { kind: 'handback' };
      // Cancelled meanwhile (or stopped on purpose): settle what it made.
      if (!(await this.lifecycle.isProcessing(jobId))) return this.settle.execute(jobId);
      if (e instanceof FfmpegAbortedError || signal.aborted) return this.settle.execute(jobId);
      if (!isPermanent(e) && ctx.deliveryCount < ctx.maxDeliver) {
        this.logger.warn(
          `task ${jobId}.${seq} attempt ${ctx.deliveryCount} failed, will retry: ${(e as Error).message}`,
        );
        return { kind: 'retry', delayMs: 2000 * ctx.deliveryCount };
      }
      // The detail (ffmpeg's stderr, paths) is logged; the job shows its owner a category.
      this.logger.error(`job ${jobId} failed in task ${seq}: ${(e as Error).message}`);
      await this.lifecycle.fail(jobId, clientFailureMessage(e));
      return await this.settle.execute(jobId);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * After a task is DONE: the user's next tasks go to the queue, the job's progress follows the
   * share of its work done, and the last task completes and settles the job.
   */
  private async afterTask(job: JobToRun): Promise<JobOutcome> {
    await this.dispatcher.dispatch(job.project.userId);
    const { remaining, doneShare } = await this.tasks.progress(job.id);
    if (remaining === 0) {
      if ((await this.lifecycle.complete(job.id)).ok) this.logger.log(`job ${job.id} completed`);
      return this.settle.execute(job.id);
    }
    const progress = Math.floor(100 * doneShare);
    if (!(await this.lifecycle.recordProgress(job.id, progress))) {
      return this.settle.execute(job.id);
    }
    this.events.publish({
      jobId: job.id,
      status: 'PROCESSING',
      progress: Math.min(99, progress),
      outputsDone: await this.jobs.outputsRecorded(job.id),
      outputsTotal: plannedFileCount(job.snapshot),
    });
    return { kind: 'done' };
  }

  private engine(job: JobToRun, dir: string): MixingEngine {
    const mezzanines = this.files.mezzanines(job.project.userId, job.projectId, dir);
    return new MixingEngine({
      cacheDir: mezzanines.cacheDir,
      mezzanineStore: mezzanines.store,
      runner: this.ffmpeg.runner,
    });
  }

  /** One clip's mezzanines in every rendition, shared for the ASSEMBLE tasks. */
  private async normalize(
    job: JobToRun,
    task: StoredTask,
    signal: AbortSignal,
    dir: string,
  ): Promise<void> {
    const { videoId, profiles } = task.payload as NormalizePayload;
    const held: CachedFile[] = [];
    try {
      const settings = await this.inputs.settings(job, signal, held);
      const sources = await this.inputs.sources(job, [videoId], signal, held);
      await this.engine(job, dir).prepare(
        {
          combinations: job.snapshot.combinations,
          sources,
          settings,
          profiles,
          orientationVideoId: job.snapshot.orientationVideoId,
          signal,
        },
        [videoId],
      );
    } finally {
      for (const file of held) file.release();
    }
  }

  /** A batch of outputs joined from the mezzanines, each stored and recorded as it finishes. */
  private async assemble(
    job: JobToRun,
    task: StoredTask,
    signal: AbortSignal,
    stop: () => void,
    dir: string,
  ): Promise<void> {
    const { outputs, profiles } = task.payload as AssemblePayload;
    const { snapshot } = job;
    const only = new Set(outputs.map(([i, r]) => `${i}:${r}`));
    const clips = new Set(outputs.flatMap(([i]) => snapshot.combinations[i]));
    const held: CachedFile[] = [];
    try {
      const settings = await this.inputs.settings(job, signal, held);
      const sources = await this.inputs.sources(job, clips, signal, held);
      const request: Omit<MixRequest, 'outputDir' | 'job'> = {
        combinations: snapshot.combinations,
        sources,
        settings,
        profiles,
        orientationVideoId: snapshot.orientationVideoId,
        only,
        // A redelivered batch keeps the outputs it had recorded.
        skipOutputs: new Set(job.outputs.map((o) => `${o.combinationIndex}:${o.rendition}`)),
      };
      const names = this.names(job, profiles);
      const outputDir = path.join(dir, 'out');
      await this.engine(job, dir).mix({
        ...request,
        job: { jobId: job.id, projectName: job.project.name, createdAt: job.createdAt },
        outputDir,
        signal,
        onOutput: async (output) => {
          const stored = await this.store(job, output, signal);
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
          // output.ready now; settling the job publishes it again if this one was lost.
          await this.webhookEvents
            .publishOutputReady(job.id, output.combinationIndex, output.rendition)
            .catch((e: Error) => this.logger.warn(`output.ready not queued yet: ${e.message}`));
        },
      });
    } finally {
      for (const file of held) file.release();
    }
  }

  /**
   * Names of the whole plan (not only this batch), so every task names alike; with several
   * renditions each name ends in its rendition (-r0, -r1…) so they stay unique.
   */
  private names(job: JobToRun, profiles: AssemblePayload['profiles']): string[][] {
    const { snapshot } = job;
    const clips = namedClips(snapshot.combinations, job.project.videos, job.project.groups);
    return profiles.map((profile, r) =>
      outputNames({
        template: snapshot.outputNameTemplate,
        projectName: job.project.name,
        jobId: job.id,
        createdAt: job.createdAt,
        aspectRatio: profile.aspectRatio,
        extension: profile.extension,
        combinations: clips,
      }).map((name) => renditionFileName(name, r, profiles.length)),
    );
  }

  /**
   * Moves a finished output into storage with its SHA-256 and, beside it, a poster: the first
   * frame of its first part's mezzanine (a poster that fails is logged, not fatal).
   */
  private async store(job: JobToRun, output: MixedOutput, signal: AbortSignal) {
    const userId = job.project.userId;
    const sha256 = await sha256File(output.path);
    const posterName = output.filename.replace(/\.[a-z0-9]+$/i, '.jpg');
    const posterFile = path.join(path.dirname(output.path), posterName);
    const poster = await this.posters
      .of(job.id, output.partPaths[0])
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
}
