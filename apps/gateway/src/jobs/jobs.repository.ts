import { Injectable } from '@nestjs/common';
import { PrismaService, type ProcessingJob } from '@app/database';
import type { SnapshotClip } from '@app/contracts';
import type { ProjectShape } from '@app/mixing';
import type { ProjectMixSettings } from './job-planning';

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
  async findOwnedVersion(userId: string, jobId: string) {
    const job = await this.prisma.processingJob.findFirst({
      where: { id: jobId, project: { userId } },
      select: {
        status: true,
        progress: true,
        updatedAt: true,
        _count: { select: { outputs: true } },
      },
    });
    return job && { ...job, outputs: job._count.outputs };
  }

  findById(jobId: string): Promise<ProcessingJob> {
    return this.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });
  }

  findOwnedWithOutputs(userId: string, jobId: string) {
    return this.prisma.processingJob.findFirst({
      where: { id: jobId, project: { userId } },
      include: { outputs: { orderBy: { combinationIndex: 'asc' } } },
    });
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
