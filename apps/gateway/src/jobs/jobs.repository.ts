import { Injectable } from '@nestjs/common';
import {
  Prisma,
  PrismaService,
  utcTimestamp,
  type OutputFile,
  type PreparedRead,
  type ProcessingJob,
} from '@app/database';
import type { SnapshotClip } from '@app/contracts';
import type { ProjectShape } from '@app/mixing';
import type { JobVersion } from '../common/etag';
import type { ProjectMixSettings } from './job-planning';

/** What a job poll shows of a job (JobDto) and what its ETag is made of. */
export type JobView = Pick<
  ProcessingJob,
  | 'id'
  | 'projectId'
  | 'status'
  | 'progress'
  | 'outputCount'
  | 'creditsReserved'
  | 'seed'
  | 'startedAt'
  | 'completedAt'
  | 'errorMessage'
  | 'createdAt'
  | 'updatedAt'
>;

/** What a job poll shows of an output (OutputDto). */
export type OutputView = Pick<
  OutputFile,
  | 'id'
  | 'filename'
  | 'size'
  | 'duration'
  | 'metadata'
  | 'sourceFiles'
  | 'createdAt'
  | 'combinationIndex'
  | 'rendition'
>;

/** The job when the user's project holds it (the ownership is part of the query). */
const OWNED_JOB = `FROM processing_jobs j
  WHERE j.id = $1 AND EXISTS (SELECT 1 FROM projects p WHERE p.id = j.project_id AND p.user_id = $2)`;

/**
 * Every poll of GET /jobs/:id and /jobs/:id/outputs: the job and its outputs by combination in
 * one prepared read (the outputs as one JSON array; numbers that JSON cannot hold exactly as
 * text).
 */
const JOB_WITH_OUTPUTS: PreparedRead = {
  name: 'jobs.owned_with_outputs',
  text: `SELECT j.id, j.project_id AS "projectId", j.status, j.progress,
      j.output_count AS "outputCount", j.credits_reserved AS "creditsReserved", j.seed,
      j.started_at AS "startedAt", j.completed_at AS "completedAt",
      j.error_message AS "errorMessage", j.created_at AS "createdAt", j.updated_at AS "updatedAt",
      COALESCE((j.settings->>'priority')::int, 0) AS priority,
      COALESCE((
        SELECT json_agg(json_build_object(
          'id', o.id, 'filename', o.filename, 'size', o.size::text, 'duration', o.duration::text,
          'metadata', o.metadata, 'sourceFiles', o.source_files, 'createdAt', o.created_at::text,
          'combinationIndex', o.combination_index, 'rendition', o.rendition)
          ORDER BY o.combination_index, o.rendition)
        FROM output_files o WHERE o.job_id = j.id), '[]') AS outputs
    ${OWNED_JOB}`,
};

/** A conditional poll: only what the ETag is made of. */
const JOB_VERSION: PreparedRead = {
  name: 'jobs.owned_version',
  text: `SELECT j.status, j.progress, j.updated_at AS "updatedAt",
      (SELECT count(*)::int FROM output_files o WHERE o.job_id = j.id) AS outputs
    ${OWNED_JOB}`,
};

/** An output as JOB_WITH_OUTPUTS's JSON carries it. */
interface OutputJson extends Omit<OutputView, 'size' | 'duration' | 'createdAt'> {
  size: string;
  duration: string;
  createdAt: string;
}

/**
 * The gateway's reads of jobs and of what planning a job needs. Every write to a job goes
 * through JobLifecycle (@app/jobs).
 */
@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The job when it belongs to the user's project; null otherwise. */
  findOwned(userId: string, jobId: string): Promise<ProcessingJob | null> {
    return this.prisma.processingJob.findFirst({ where: { id: jobId, project: { userId } } });
  }

  /** What the job's ETag is made of (one small query), if the user owns it. */
  async findOwnedVersion(userId: string, jobId: string): Promise<JobVersion | null> {
    const [version] = await this.prisma.prepared<JobVersion>(JOB_VERSION, [jobId, userId]);
    return version ?? null;
  }

  findById(jobId: string): Promise<ProcessingJob> {
    return this.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });
  }

  /** The job with its outputs by combination and rendition, if the user owns it. */
  async findOwnedWithOutputs(
    userId: string,
    jobId: string,
  ): Promise<(JobView & { priority: number; outputs: OutputView[] }) | null> {
    const [row] = await this.prisma.prepared<JobView & { priority: number; outputs: OutputJson[] }>(
      JOB_WITH_OUTPUTS,
      [jobId, userId],
    );
    if (!row) return null;
    return {
      ...row,
      outputs: row.outputs.map((o) => ({
        ...o,
        size: BigInt(o.size),
        duration: new Prisma.Decimal(o.duration),
        createdAt: utcTimestamp(o.createdAt),
      })),
    };
  }

  /** An earlier job of the user's project created with this Idempotency-Key. */
  findByIdempotencyKey(
    userId: string,
    projectId: string,
    idempotencyKey: string,
  ): Promise<ProcessingJob | null> {
    return this.prisma.processingJob.findFirst({
      where: { projectId, idempotencyKey, project: { userId } },
    });
  }

  async listOfProject(projectId: string, page: number, limit: number) {
    const where = { projectId };
    const [items, total] = await this.prisma.$transaction([
      this.prisma.processingJob.findMany({
        where,
        orderBy: { createdAt: 'desc' },
        skip: (page - 1) * limit,
        take: limit,
      }),
      this.prisma.processingJob.count({ where }),
    ]);
    return { items, total, page, limit };
  }

  /** Status, progress and outputs done, for the events stream. */
  async liveState(jobId: string) {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: {
        status: true,
        progress: true,
        errorMessage: true,
        outputCount: true,
        _count: { select: { outputs: true } },
      },
    });
    if (!job) return null;
    return {
      status: job.status,
      progress: job.progress,
      errorMessage: job.errorMessage,
      outputsDone: job._count.outputs,
      outputsTotal: job.outputCount,
    };
  }

  /** The project's groups, clips and mixing settings, as planning reads them. */
  async planInput(projectId: string): Promise<{
    project: ProjectShape;
    settings: ProjectMixSettings;
    clips: SnapshotClip[];
  } | null> {
    const project = await this.prisma.project.findUnique({
      where: { id: projectId },
      include: {
        groups: { select: { id: true, order: true }, orderBy: { order: 'asc' } },
        videos: {
          select: { id: true, groupId: true, duration: true, caption: true, focus: true },
        },
      },
    });
    if (!project) return null;
    return {
      project: {
        groups: project.groups,
        videos: project.videos.map((v) => ({
          id: v.id,
          groupId: v.groupId,
          durationSeconds: Number(v.duration),
        })),
      },
      clips: project.videos
        .filter((v) => v.caption || v.focus)
        .map((v) => ({
          videoId: v.id,
          ...(v.caption ? { caption: v.caption } : {}),
          ...(v.focus ? { focus: v.focus as { x: number; y: number } } : {}),
        })),
      settings: {
        ...(project.settings as object),
        outputCount: project.outputCount,
      } as ProjectMixSettings,
    };
  }

  /** The names a plan preview shows: the project's, its groups' and its clips'. */
  async planLabels(projectId: string) {
    const project = await this.prisma.project.findUnique({
      where: { id: projectId },
      select: {
        name: true,
        groups: { select: { id: true, name: true } },
        videos: { select: { id: true, groupId: true, originalName: true, resolution: true } },
      },
    });
    return project;
  }
}
