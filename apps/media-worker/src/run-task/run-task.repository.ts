import { Injectable } from '@nestjs/common';
import { parseJobSnapshot, type JobSnapshot } from '@app/contracts';
import { PrismaService, type Prisma } from '@app/database';

const jobWithSources = {
  project: {
    include: {
      groups: { orderBy: { order: 'asc' as const } },
      videos: true,
    },
  },
  outputs: { select: { combinationIndex: true, rendition: true } },
} satisfies Prisma.ProcessingJobInclude;

/** A job as rendering needs it: its project's sources, its outputs so far, its parsed plan. */
export type JobToRun = Prisma.ProcessingJobGetPayload<{ include: typeof jobWithSources }> & {
  snapshot: JobSnapshot;
};

/** What splitting a job and running its tasks read. Every job write goes through JobLifecycle. */
@Injectable()
export class RunTaskRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Null when the job is gone (deleted with its project); throws InvalidJobSnapshotError. */
  async load(jobId: string): Promise<JobToRun | null> {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      include: jobWithSources,
    });
    return job && { ...job, snapshot: parseJobSnapshot(job.settings) };
  }

  /** Outputs the job has recorded so far. */
  outputsRecorded(jobId: string): Promise<number> {
    return this.prisma.outputFile.count({ where: { jobId } });
  }

  /** Where the project's asset is stored (null when it was deleted). */
  async assetPath(projectId: string, assetId: string): Promise<string | null> {
    const asset = await this.prisma.projectAsset.findFirst({
      where: { id: assetId, projectId },
      select: { path: true },
    });
    return asset?.path ?? null;
  }
}
