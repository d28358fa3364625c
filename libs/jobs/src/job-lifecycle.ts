import { Injectable } from '@nestjs/common';
import {
  JobStatus,
  parseJobSnapshot,
  plannedFileCount,
  ProjectStatus,
  type JobSnapshot,
} from '@app/contracts';
import { PrismaService, type Prisma, type ProcessingJob } from '@app/database';
import {
  canTransition,
  leavesProjectAsBefore,
  projectStatusAfter,
  statusesBefore,
} from './job-transitions';

export interface NewJob {
  projectId: string;
  seed: number;
  snapshot: JobSnapshot;
  creditsReserved: number;
  idempotencyKey: string | null;
  requestHash: string;
  /** The client's `metadata` object, echoed in the job's webhook events. */
  clientMetadata?: Record<string, unknown> | null;
}

export interface RecordedOutput {
  combinationIndex: number;
  filename: string;
  path: string;
  size: number;
  durationSeconds: number;
  metadata: Record<string, string>;
  sourceFiles: string[];
  /** The file name from the job's outputNameTemplate, its SHA-256 (hex), its poster. */
  name?: string;
  sha256?: string;
  posterPath?: string;
  /** The job's rendition this output is in (default 0). */
  rendition?: number;
}

/** A status change made (`from`: the status it left), or refused (`current`: null if no job). */
export type TransitionResult =
  { ok: true; from: JobStatus } | { ok: false; current: JobStatus | null };

/** claimed: PENDING → PROCESSING now; resumed: a redelivery of a PROCESSING job. */
export type ClaimResult = 'claimed' | 'resumed' | 'final' | 'missing';

/** What settling a job's credits needs. */
export interface JobForBilling {
  userId: string;
  snapshot: JobSnapshot;
  /** Combination indexes of the outputs recorded (those are charged, the rest refunded). */
  outputsRecorded: number[];
  creditsReserved: number;
  status: JobStatus;
  progress: number;
  errorMessage: string | null;
}

/** The project was deleted while its job was being created. */
export class JobProjectGoneError extends Error {
  constructor(readonly projectId: string) {
    super('project not found');
    this.name = 'JobProjectGoneError';
  }
}

/**
 * The one place that writes a job's lifecycle: processing_jobs, output_files, and the project
 * status that follows each change (docs/jobs.md). Every status change is a conditional UPDATE
 * allowed by JOB_TRANSITIONS, made with the project's status in one transaction, so a job
 * cancelled by the gateway, or finished by another delivery, is never moved back.
 */
@Injectable()
export class JobLifecycle {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A PENDING job, and its project PROCESSING. Several jobs of one project may be active at a
   * time (issue 17: several renditions or plans); billing's reservation enforces the user's
   * licence limit of jobs at a time.
   */
  async create(job: NewJob): Promise<ProcessingJob> {
    return this.prisma.$transaction(async (tx) => {
      // The project's row lock orders this start against a delete of the project (which
      // takes the same lock): a job is never created for a project being deleted.
      const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM projects WHERE id = ${job.projectId} FOR UPDATE`;
      if (!locked.length) throw new JobProjectGoneError(job.projectId);
      const created = await tx.processingJob.create({
        data: {
          projectId: job.projectId,
          seed: job.seed,
          outputCount: plannedFileCount(job.snapshot),
          settings: job.snapshot as unknown as Prisma.InputJsonValue,
          creditsReserved: job.creditsReserved,
          idempotencyKey: job.idempotencyKey,
          requestHash: job.requestHash,
          ...(job.clientMetadata
            ? { clientMetadata: job.clientMetadata as Prisma.InputJsonObject }
            : {}),
        },
      });
      await tx.project.update({
        where: { id: job.projectId },
        data: { status: projectStatusAfter(null, JobStatus.PENDING, ProjectStatus.DRAFT) },
      });
      return created;
    });
  }

  /**
   * Removes a PENDING job that never existed for the client (its reservation was refused) and
   * puts the project back as it was. False when the job had already moved on.
   */
  discard(jobId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const job = await this.lock(tx, jobId);
      if (job?.status !== JobStatus.PENDING) return false;
      await tx.processingJob.delete({ where: { id: jobId } });
      await tx.project.update({
        where: { id: job.projectId },
        data: { status: await this.statusBefore(tx, job.projectId, jobId) },
      });
      return true;
    });
  }

  /** PENDING → PROCESSING; a PROCESSING job is a redelivery to resume. */
  async claim(jobId: string): Promise<ClaimResult> {
    const result = await this.transition(jobId, JobStatus.PROCESSING);
    if (result.ok) return 'claimed';
    if (result.current === null) return 'missing';
    return result.current === JobStatus.PROCESSING ? 'resumed' : 'final';
  }

  /** Records a finished output once; false when the job is no longer PROCESSING (cancelled). */
  recordOutput(jobId: string, output: RecordedOutput): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const job = await this.lock(tx, jobId);
      if (job?.status !== JobStatus.PROCESSING) return false;
      await tx.outputFile.upsert({
        where: {
          jobId_combinationIndex_rendition: {
            jobId,
            combinationIndex: output.combinationIndex,
            rendition: output.rendition ?? 0,
          },
        },
        create: {
          jobId,
          combinationIndex: output.combinationIndex,
          rendition: output.rendition ?? 0,
          filename: output.filename,
          path: output.path,
          size: BigInt(output.size),
          duration: output.durationSeconds,
          metadata: output.metadata,
          sourceFiles: output.sourceFiles,
          name: output.name ?? null,
          sha256: output.sha256 ?? null,
          posterPath: output.posterPath ?? null,
        },
        update: {},
      });
      return true;
    });
  }

  /** Progress only grows, and stays below 100 until COMPLETED; false once not PROCESSING. */
  async recordProgress(jobId: string, progress: number): Promise<boolean> {
    const value = Math.max(0, Math.min(99, Math.floor(progress)));
    await this.prisma.processingJob.updateMany({
      where: { id: jobId, status: JobStatus.PROCESSING, progress: { lt: value } },
      data: { progress: value },
    });
    return this.isProcessing(jobId);
  }

  async isProcessing(jobId: string): Promise<boolean> {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: { status: true },
    });
    return job?.status === JobStatus.PROCESSING;
  }

  complete(jobId: string): Promise<TransitionResult> {
    return this.transition(jobId, JobStatus.COMPLETED);
  }

  fail(jobId: string, errorMessage: string): Promise<TransitionResult> {
    return this.transition(jobId, JobStatus.FAILED, errorMessage);
  }

  /** PENDING or PROCESSING → CANCELLED; the project goes back to its status before the job. */
  cancel(jobId: string): Promise<TransitionResult> {
    return this.transition(jobId, JobStatus.CANCELLED);
  }

  /** No delivery of the job reached an outcome (its workers died): it fails with `reason`. */
  abandon(jobId: string, reason: string): Promise<TransitionResult> {
    return this.fail(jobId, reason);
  }

  /** The job as billing prices it; null when it no longer exists. */
  async readJobForBilling(jobId: string): Promise<JobForBilling | null> {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: {
        status: true,
        progress: true,
        errorMessage: true,
        creditsReserved: true,
        settings: true,
        project: { select: { userId: true } },
        outputs: { select: { combinationIndex: true }, orderBy: { combinationIndex: 'asc' } },
      },
    });
    if (!job) return null;
    return {
      userId: job.project.userId,
      snapshot: parseJobSnapshot(job.settings),
      outputsRecorded: job.outputs.map((o) => o.combinationIndex),
      creditsReserved: job.creditsReserved,
      status: job.status,
      progress: job.progress,
      errorMessage: job.errorMessage,
    };
  }

  private transition(
    jobId: string,
    to: JobStatus,
    errorMessage?: string,
  ): Promise<TransitionResult> {
    return this.prisma.$transaction(async (tx) => {
      const job = await this.lock(tx, jobId);
      if (!job) return { ok: false, current: null };
      if (!canTransition(job.status, to)) return { ok: false, current: job.status };
      const now = new Date();
      const { count } = await tx.processingJob.updateMany({
        where: { id: jobId, status: { in: statusesBefore(to) } },
        data: {
          status: to,
          ...(to === JobStatus.PROCESSING ? { startedAt: now } : { completedAt: now }),
          ...(to === JobStatus.COMPLETED ? { progress: 100 } : {}),
          ...(errorMessage !== undefined ? { errorMessage: errorMessage.slice(0, 2000) } : {}),
        },
      });
      if (!count) return { ok: false, current: job.status };
      const before = leavesProjectAsBefore(job.status, to)
        ? await this.statusBefore(tx, job.projectId, jobId)
        : ProjectStatus.DRAFT;
      await tx.project.update({
        where: { id: job.projectId },
        data: { status: projectStatusAfter(job.status, to, before) },
      });
      return { ok: true, from: job.status };
    });
  }

  /** The job's row, locked until the transaction ends. */
  private async lock(tx: Prisma.TransactionClient, jobId: string) {
    const [job] = await tx.$queryRaw<{ status: JobStatus; projectId: string }[]>`
      SELECT status::text AS status, project_id AS "projectId"
      FROM processing_jobs WHERE id = ${jobId} FOR UPDATE`;
    return job;
  }

  /** The project's status before this job: its latest earlier COMPLETED or FAILED job's, else DRAFT. */
  private async statusBefore(
    tx: Prisma.TransactionClient,
    projectId: string,
    jobId: string,
  ): Promise<ProjectStatus> {
    const previous = await tx.processingJob.findFirst({
      where: {
        projectId,
        id: { not: jobId },
        status: { in: [JobStatus.COMPLETED, JobStatus.FAILED] },
      },
      orderBy: { createdAt: 'desc' },
      select: { status: true },
    });
    return previous?.status === JobStatus.COMPLETED
      ? ProjectStatus.COMPLETED
      : previous?.status === JobStatus.FAILED
        ? ProjectStatus.FAILED
        : ProjectStatus.DRAFT;
  }
}
