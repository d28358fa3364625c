import {
  ConflictException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import { PrismaService, Prisma, type ProcessingJob, type ProjectStatus } from '@app/database';
import type { NotMixable } from '@app/mixing';
import { JobsBilling } from './jobs-billing';
import { JobQueuePublisher } from './job-queue.publisher';
import { planJob, type ProjectMixSettings } from './job-planning';
import type { CreateJobDto } from './dto/create-job.dto';

const ACTIVE: ('PENDING' | 'PROCESSING')[] = ['PENDING', 'PROCESSING'];

export class ProjectNotMixableException extends UnprocessableEntityException {
  constructor(problem: NotMixable) {
    super({
      message: problem.message,
      details: [
        {
          field: 'project',
          problems: [problem.message],
          reason: problem.reason,
          ...(problem.available !== undefined ? { available: problem.available } : {}),
        },
      ],
    });
  }
}

@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly billing: JobsBilling,
    private readonly queue: JobQueuePublisher,
  ) {}

  /** What a job of the project would cost and produce; spends nothing. */
  async estimate(userId: string, projectId: string) {
    const { project, settings } = await this.loadProject(userId, projectId);
    const planned = planJob(project, settings, 0);
    if (!planned.ok) throw new ProjectNotMixableException(planned.problem);
    const estimate = await this.billing.estimate(userId, planned.snapshot);
    return {
      credits: estimate.credits,
      outputs: planned.snapshot.combinations.length,
      combinationsAvailable: planned.available,
      ...(estimate.licenceProblem ? { licenceProblem: estimate.licenceProblem.message } : {}),
    };
  }

  /**
   * Checks, reserves credits, records the job and queues it. Whatever fails after the
   * reservation refunds it: nothing is charged for a job that will not run.
   */
  async create(
    userId: string,
    projectId: string,
    body: CreateJobDto,
    idempotencyKey?: string,
  ): Promise<ProcessingJob> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ seed: body.seed ?? null }))
      .digest('hex');
    if (idempotencyKey) {
      const earlier = await this.prisma.processingJob.findFirst({
        where: { projectId, idempotencyKey, project: { userId } },
      });
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new UnprocessableEntityException(
            'this Idempotency-Key was used with another request body',
          );
        }
        return earlier;
      }
    }
    const { project, settings } = await this.loadProject(userId, projectId);
    const seed = body.seed ?? randomInt(0, 2 ** 31 - 1);
    const planned = planJob(project, settings, seed);
    if (!planned.ok) throw new ProjectNotMixableException(planned.problem);
    const { snapshot } = planned;
    await this.billing.checkLicence(userId, snapshot);
    const credits = this.billing.price(snapshot);

    const job = await this.insertJob(projectId, {
      seed,
      outputCount: snapshot.combinations.length,
      settings: snapshot as unknown as Prisma.InputJsonValue,
      creditsReserved: credits,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
    });
    try {
      await this.billing.reserve(userId, job.id);
    } catch (e) {
      await this.undoJob(job, e);
      throw e;
    }
    try {
      await this.queue.publish({ jobId: job.id });
    } catch (e) {
      this.logger.error(`job ${job.id}: could not queue: ${(e as Error).message}`);
      await this.failUnqueued(userId, job);
      throw new ServiceUnavailableException(
        'the job queue is unavailable; nothing was charged, try again',
      );
    }
    return job;
  }

  async cancel(userId: string, jobId: string): Promise<ProcessingJob> {
    const job = await this.owned(userId, jobId);
    const now = new Date();
    // PENDING: no worker has it; it is cancelled and refunded here, and never runs.
    const pending = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.processingJob.updateMany({
        where: { id: jobId, status: 'PENDING' },
        data: { status: 'CANCELLED', completedAt: now },
      });
      if (count) await this.restoreProjectStatus(tx, job.projectId, jobId);
      return count === 1;
    });
    if (pending) {
      await this.billing
        .settle(userId, jobId)
        .catch((e: Error) => this.logger.warn(`refund of ${jobId} deferred: ${e.message}`));
      this.queue.broadcastCancel(jobId);
      return this.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });
    }
    // PROCESSING: recorded as cancelled now; the worker running it stops within seconds,
    // removes its partial files and settles billing for the outputs it had finished.
    const running = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.processingJob.updateMany({
        where: { id: jobId, status: 'PROCESSING' },
        data: { status: 'CANCELLED', completedAt: now },
      });
      if (count) await this.restoreProjectStatus(tx, job.projectId, jobId);
      return count === 1;
    });
    if (!running) {
      const current = await this.prisma.processingJob.findUniqueOrThrow({
        where: { id: jobId },
        select: { status: true },
      });
      throw new ConflictException(`the job is already ${current.status}`);
    }
    this.queue.broadcastCancel(jobId);
    return this.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });
  }

  async get(userId: string, jobId: string) {
    await this.owned(userId, jobId);
    return this.prisma.processingJob.findUniqueOrThrow({
      where: { id: jobId },
      include: { outputs: { orderBy: { combinationIndex: 'asc' } } },
    });
  }

  async list(userId: string, projectId: string, page: number, limit: number) {
    await this.ownedProject(userId, projectId);
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

  async outputs(userId: string, jobId: string) {
    await this.owned(userId, jobId);
    return this.prisma.outputFile.findMany({
      where: { jobId },
      orderBy: { combinationIndex: 'asc' },
    });
  }

  async owned(userId: string, jobId: string): Promise<ProcessingJob> {
    const job = await this.prisma.processingJob.findFirst({
      where: { id: jobId, project: { userId } },
    });
    if (!job) throw new NotFoundException('job not found');
    return job;
  }

  private async ownedProject(userId: string, projectId: string): Promise<void> {
    if (!(await this.prisma.project.count({ where: { id: projectId, userId } }))) {
      throw new NotFoundException('project not found');
    }
  }

  private async loadProject(userId: string, projectId: string) {
    const project = await this.prisma.project.findFirst({
      where: { id: projectId, userId },
      include: {
        groups: { select: { id: true, order: true }, orderBy: { order: 'asc' } },
        videos: { select: { id: true, groupId: true, duration: true } },
      },
    });
    if (!project) throw new NotFoundException('project not found');
    return {
      project: {
        groups: project.groups,
        videos: project.videos.map((v) => ({
          id: v.id,
          groupId: v.groupId,
          durationSeconds: Number(v.duration),
        })),
      },
      settings: {
        ...(project.settings as object),
        outputCount: project.outputCount,
      } as ProjectMixSettings,
    };
  }

  /** The job row and the project's PROCESSING status, in one transaction. */
  private async insertJob(
    projectId: string,
    data: Omit<Prisma.ProcessingJobUncheckedCreateInput, 'projectId'>,
  ) {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const active = await tx.processingJob.count({
          where: { projectId, status: { in: ACTIVE } },
        });
        if (active) throw new ConflictException('a job of this project is already active');
        const job = await tx.processingJob.create({ data: { ...data, projectId } });
        await tx.project.update({ where: { id: projectId }, data: { status: 'PROCESSING' } });
        return job;
      });
    } catch (e) {
      // The partial unique index: another request created an active job at the same moment.
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
        throw new ConflictException('a job of this project is already active');
      }
      throw e;
    }
  }

  /** The reservation was refused (or its answer lost): the job never existed for the client. */
  private async undoJob(job: ProcessingJob, cause: unknown): Promise<void> {
    const lost = !(cause instanceof HttpException) || cause.getStatus() >= 500;
    if (lost) {
      // The reservation may have happened: refund it (idempotent) and keep a FAILED trace.
      const project = await this.prisma.project.findUniqueOrThrow({
        where: { id: job.projectId },
        select: { userId: true },
      });
      await this.billing.settle(project.userId, job.id).catch(() => undefined);
      await this.finishAsFailed(job, 'billing did not answer; nothing was charged');
      return;
    }
    await this.prisma.$transaction(async (tx) => {
      await tx.processingJob.delete({ where: { id: job.id } });
      await this.restoreProjectStatus(tx, job.projectId, job.id);
    });
  }

  private async failUnqueued(userId: string, job: ProcessingJob): Promise<void> {
    await this.billing
      .settle(userId, job.id)
      .catch((e: Error) => this.logger.error(`refund of ${job.id} failed: ${e.message}`));
    await this.finishAsFailed(job, 'the job could not be queued; nothing was charged');
  }

  private async finishAsFailed(job: ProcessingJob, message: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.processingJob.update({
        where: { id: job.id },
        data: { status: 'FAILED', errorMessage: message, completedAt: new Date() },
      });
      await this.restoreProjectStatus(tx, job.projectId, job.id);
    });
  }

  /**
   * A cancelled (or never started) job leaves the project as it was before: the outcome of
   * its latest earlier completed or failed job, else DRAFT.
   */
  private async restoreProjectStatus(
    tx: Prisma.TransactionClient,
    projectId: string,
    jobId: string,
  ): Promise<void> {
    const previous = await tx.processingJob.findFirst({
      where: { projectId, id: { not: jobId }, status: { in: ['COMPLETED', 'FAILED'] } },
      orderBy: { createdAt: 'desc' },
      select: { status: true },
    });
    const status: ProjectStatus = (previous?.status as ProjectStatus | undefined) ?? 'DRAFT';
    await tx.project.update({ where: { id: projectId }, data: { status } });
  }
}
