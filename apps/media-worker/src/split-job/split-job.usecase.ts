import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InvalidJobSnapshotError, LicenseType, plannedFileCount } from '@app/contracts';
import { MediaProbeError } from '@app/media';
import { JobLifecycle } from '@app/jobs';
import { renditionProfiles } from '@app/mixing';
import type { CachedFile } from '@app/storage';
import { JobEventsPublisher } from '../job-events/job-events.publisher';
import type { JobOutcome } from '../job-queue/job-outcome';
import { JobTasksRepository } from '../job-tasks/job-tasks.repository';
import { planTasks } from '../job-tasks/task-plan';
import { TaskDispatcher } from '../job-tasks/task-dispatcher.service';
import { clientFailureMessage } from '../run-task/failure-message';
import { isPermanent, type RunContext } from '../run-task/run-task.usecase';
import { RunTaskRepository, type JobToRun } from '../run-task/run-task.repository';
import { TaskInputs } from '../run-task/task-inputs';
import { SettleJob } from '../settle-job/settle-job.usecase';

/**
 * A job message: claims the job (PENDING → PROCESSING) and splits what it has left to make into
 * tasks (job_tasks, docs/scaling.md): one NORMALIZE task per clip, ASSEMBLE tasks of
 * TASK_ASSEMBLE_BATCH outputs, in the band of the owner's licence at the priority the job asked
 * for, then dispatches the owner's share of them to the task queue. A redelivered job message
 * finds its plan written and only dispatches again.
 */
@Injectable()
export class SplitJob {
  private readonly logger = new Logger(SplitJob.name);
  private readonly batchSize: number;

  constructor(
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: RunTaskRepository,
    private readonly tasks: JobTasksRepository,
    private readonly dispatcher: TaskDispatcher,
    private readonly inputs: TaskInputs,
    private readonly events: JobEventsPublisher,
    private readonly settle: SettleJob,
    config: ConfigService,
  ) {
    this.batchSize = config.getOrThrow<number>('TASK_ASSEMBLE_BATCH');
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
    if (!job) return this.settle.execute(jobId);
    this.logger.log(`job ${job.id} ${claim} (delivery ${ctx.deliveryCount})`);
    try {
      if (!(await this.tasks.hasPlan(job.id))) {
        const planned = await this.plan(job, ctx.signal);
        if (planned === 0) {
          // Every output was recorded before (a resumed job): nothing left but to finish.
          if ((await this.lifecycle.complete(job.id)).ok)
            this.logger.log(`job ${job.id} completed`);
          return this.settle.execute(job.id);
        }
        this.logger.log(`job ${job.id} split into ${planned} tasks`);
      }
      this.events.publish({
        jobId: job.id,
        status: 'PROCESSING',
        progress: job.progress,
        outputsDone: job.outputs.length,
        outputsTotal: plannedFileCount(job.snapshot),
      });
      await this.dispatcher.dispatch(job.project.userId);
      return { kind: 'done' };
    } catch (e) {
      if (ctx.signal.reason === 'shutdown') return { kind: 'handback' };
      if (!(await this.lifecycle.isProcessing(job.id))) return this.settle.execute(job.id);
      if (!isPermanent(e) && ctx.deliveryCount < ctx.maxDeliver) {
        this.logger.warn(`job ${job.id}: splitting failed, will retry: ${(e as Error).message}`);
        return { kind: 'retry', delayMs: 2000 * ctx.deliveryCount };
      }
      this.logger.error(`job ${job.id} failed: ${(e as Error).message}`);
      await this.lifecycle.fail(job.id, clientFailureMessage(e));
      return this.settle.execute(job.id);
    }
  }

  /**
   * Fixes the renditions' profiles once for every task (from the orientation clip's shape, and
   * the clips' frame rates when a rendition follows them: only those clips are fetched and
   * probed here), weighs the tasks by the clips' recorded lengths, and writes the tasks.
   */
  private async plan(job: JobToRun, signal: AbortSignal): Promise<number> {
    const { snapshot } = job;
    const recorded = new Set(job.outputs.map((o) => `${o.combinationIndex}:${o.rendition}`));
    const used = new Set(snapshot.combinations.flat());
    const videos = new Map(job.project.videos.map((v) => [v.id, v]));
    if ([...used].some((id) => !videos.has(id))) {
      throw new MediaProbeError('NOT_A_VIDEO', 'a video of the plan no longer exists');
    }
    const orientation =
      snapshot.orientationVideoId && videos.has(snapshot.orientationVideoId)
        ? snapshot.orientationVideoId
        : snapshot.combinations[0][0];
    const followsSources = (snapshot.renditions ?? []).some(
      (r) => r.fps === 'source' || r.fps === 60,
    );
    const probed = followsSources ? new Set([...used, orientation]) : new Set([orientation]);
    const held: CachedFile[] = [];
    try {
      const sources = await this.inputs.sources(job, probed, signal, held);
      const profiles = renditionProfiles({
        combinations: snapshot.combinations,
        sources,
        settings: this.inputs.profileSettings(job),
        orientationVideoId: snapshot.orientationVideoId,
      });
      const tasks = planTasks({
        combinations: snapshot.combinations,
        profiles,
        recorded,
        seconds: new Map([...used].map((id) => [id, Number(videos.get(id)?.duration ?? 1)])),
        batchSize: this.batchSize,
      });
      if (!tasks.length) return 0;
      const userId = job.project.userId;
      await this.tasks.insertPlan(
        {
          jobId: job.id,
          userId,
          // The owner's licence when the job was created (older snapshots: FREE).
          band: snapshot.band ?? LicenseType.FREE,
          priority: snapshot.priority ?? 0,
        },
        tasks,
      );
      return tasks.length;
    } finally {
      for (const file of held) file.release();
    }
  }
}
