import { Injectable } from '@nestjs/common';
import { PrismaService, type Prisma } from '@app/database';

export interface RecordedOutput {
  combinationIndex: number;
  filename: string;
  path: string;
  size: number;
  durationSeconds: number;
  metadata: Record<string, string>;
  sourceFiles: string[];
}

export type ClaimResult = 'claimed' | 'resumed' | 'final';

const jobWithSources = {
  project: {
    include: {
      groups: { orderBy: { order: 'asc' as const } },
      videos: true,
    },
  },
  outputs: { select: { combinationIndex: true } },
} satisfies Prisma.ProcessingJobInclude;

export type LoadedJob = Prisma.ProcessingJobGetPayload<{ include: typeof jobWithSources }>;

/**
 * Every database step of running a job. State changes are conditional updates on the job's
 * current status, so a job cancelled by the gateway, or finished by another delivery, is never
 * moved back; the project's status changes in the same transaction as its job's.
 */
@Injectable()
export class JobRepository {
  constructor(private readonly prisma: PrismaService) {}

  load(jobId: string): Promise<LoadedJob | null> {
    return this.prisma.processingJob.findUnique({ where: { id: jobId }, include: jobWithSources });
  }

  /** PENDING → PROCESSING; a PROCESSING job is a redelivery to resume. */
  async claim(jobId: string): Promise<ClaimResult> {
    const { count } = await this.prisma.processingJob.updateMany({
      where: { id: jobId, status: 'PENDING' },
      data: { status: 'PROCESSING', startedAt: new Date() },
    });
    if (count) return 'claimed';
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: { status: true },
    });
    return job?.status === 'PROCESSING' ? 'resumed' : 'final';
  }

  /** Records a finished output once; false when the job is no longer PROCESSING (cancelled). */
  async recordOutput(jobId: string, output: RecordedOutput): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text FROM processing_jobs WHERE id = ${jobId} FOR UPDATE`;
      if (job?.status !== 'PROCESSING') return false;
      await tx.outputFile.upsert({
        where: { jobId_combinationIndex: { jobId, combinationIndex: output.combinationIndex } },
        create: {
          jobId,
          combinationIndex: output.combinationIndex,
          filename: output.filename,
          path: output.path,
          size: BigInt(output.size),
          duration: output.durationSeconds,
          metadata: output.metadata,
          sourceFiles: output.sourceFiles,
        },
        update: {},
      });
      return true;
    });
  }

  /** Progress only grows; returns false when the job is no longer PROCESSING. */
  async setProgress(jobId: string, progress: number): Promise<boolean> {
    const value = Math.max(0, Math.min(99, Math.floor(progress)));
    await this.prisma.processingJob.updateMany({
      where: { id: jobId, status: 'PROCESSING', progress: { lt: value } },
      data: { progress: value },
    });
    return this.isProcessing(jobId);
  }

  async isProcessing(jobId: string): Promise<boolean> {
    const job = await this.prisma.processingJob.findUnique({
      where: { id: jobId },
      select: { status: true },
    });
    return job?.status === 'PROCESSING';
  }

  complete(jobId: string, projectId: string): Promise<boolean> {
    return this.finish(jobId, projectId, { status: 'COMPLETED', progress: 100 }, 'COMPLETED');
  }

  fail(jobId: string, projectId: string, errorMessage: string): Promise<boolean> {
    return this.finish(
      jobId,
      projectId,
      { status: 'FAILED', errorMessage: errorMessage.slice(0, 2000) },
      'FAILED',
    );
  }

  countOutputs(jobId: string): Promise<number> {
    return this.prisma.outputFile.count({ where: { jobId } });
  }

  private async finish(
    jobId: string,
    projectId: string,
    data: Prisma.ProcessingJobUpdateManyMutationInput,
    projectStatus: 'COMPLETED' | 'FAILED',
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.processingJob.updateMany({
        where: { id: jobId, status: { in: ['PENDING', 'PROCESSING'] } },
        data: { ...data, completedAt: new Date() },
      });
      if (count)
        await tx.project.update({ where: { id: projectId }, data: { status: projectStatus } });
      return count === 1;
    });
  }
}
