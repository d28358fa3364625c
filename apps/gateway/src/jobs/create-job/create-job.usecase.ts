import {
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import type { TaskBand } from '@app/contracts';
import type { ProcessingJob } from '@app/database';
import { JobLifecycle, JobProjectGoneError, type NewJob } from '@app/jobs';
import { ProjectsRepository } from '../../projects/projects.repository';
import { JobQueuePublisher } from '../job-queue.publisher';
import { planJob } from '../job-planning';
import { JobsBilling } from '../jobs-billing';
import { JobsRepository } from '../jobs.repository';
import { ProjectNotMixableException } from '../project-not-mixable.exception';

export interface CreateJobCommand {
  userId: string;
  projectId: string;
  seed?: number;
  /** The client's own object, stored with the job and echoed in its webhook events. */
  metadata?: Record<string, unknown>;
  /** The caller's licence now: the band of the job's tasks on the task queue. */
  band: TaskBand;
  /** Within the licence's band on the task queue (−10…10, default 0). */
  priority?: number;
  idempotencyKey?: string;
}

/**
 * Creating a job, step by step: an Idempotency-Key replay returns the earlier job; the project
 * is planned and its licence checked; the job is recorded (PENDING, project PROCESSING); credits
 * are reserved; the job is queued. Each step that fails after the job exists is compensated, so
 * nothing is charged for a job that will not run:
 * - reservation refused: the job is removed and the project put back as it was;
 * - reservation unanswered: the (possible) reservation is refunded and the job FAILED;
 * - queue unavailable: the reservation is refunded and the job FAILED (503).
 */
@Injectable()
export class CreateJob {
  private readonly logger = new Logger(CreateJob.name);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly projects: ProjectsRepository,
    private readonly lifecycle: JobLifecycle,
    private readonly billing: JobsBilling,
    private readonly queue: JobQueuePublisher,
  ) {}

  async execute(command: CreateJobCommand): Promise<ProcessingJob> {
    const { userId, projectId, idempotencyKey } = command;
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify({
          seed: command.seed ?? null,
          ...(command.metadata ? { metadata: command.metadata } : {}),
          ...(command.priority ? { priority: command.priority } : {}),
        }),
      )
      .digest('hex');
    if (idempotencyKey) {
      const earlier = await this.jobs.findByIdempotencyKey(userId, projectId, idempotencyKey);
      if (earlier) {
        if (earlier.requestHash !== requestHash) {
          throw new UnprocessableEntityException(
            'this Idempotency-Key was used with another request body',
          );
        }
        return earlier;
      }
    }
    if (!(await this.projects.findOwned(userId, projectId))) {
      throw new NotFoundException('project not found');
    }
    const input = await this.jobs.planInput(projectId);
    if (!input) throw new NotFoundException('project not found');
    const seed = command.seed ?? randomInt(0, 2 ** 31 - 1);
    const planned = planJob(input.project, input.settings, seed, input.clips);
    if (!planned.ok) throw new ProjectNotMixableException(planned.problem);
    const snapshot = {
      ...planned.snapshot,
      band: command.band,
      ...(command.priority ? { priority: command.priority } : {}),
    };
    await this.billing.checkLicence(userId, snapshot);
    const credits = this.billing.price(snapshot);

    const job = await this.record({
      projectId,
      seed,
      snapshot,
      creditsReserved: credits,
      idempotencyKey: idempotencyKey ?? null,
      requestHash,
      clientMetadata: command.metadata ?? null,
    });
    try {
      await this.billing.reserve(userId, job.id);
    } catch (e) {
      await this.undoReservation(userId, job, e);
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

  private async record(job: NewJob): Promise<ProcessingJob> {
    try {
      return await this.lifecycle.create(job);
    } catch (e) {
      if (e instanceof JobProjectGoneError) throw new NotFoundException(e.message);
      throw e;
    }
  }

  /** The reservation was refused (or its answer lost): the job never existed for the client. */
  private async undoReservation(userId: string, job: ProcessingJob, cause: unknown) {
    const lost = !(cause instanceof HttpException) || cause.getStatus() >= 500;
    if (lost) {
      // The reservation may have happened: refund it (idempotent) and keep a FAILED trace.
      await this.billing.settle(userId, job.id).catch(() => undefined);
      await this.lifecycle.fail(job.id, 'billing did not answer; nothing was charged');
      return;
    }
    await this.lifecycle.discard(job.id);
  }

  private async failUnqueued(userId: string, job: ProcessingJob): Promise<void> {
    await this.billing
      .settle(userId, job.id)
      .catch((e: Error) => this.logger.error(`refund of ${job.id} failed: ${e.message}`));
    await this.lifecycle.fail(job.id, 'the job could not be queued; nothing was charged');
  }
}
