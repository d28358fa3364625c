import { Injectable, NotFoundException } from '@nestjs/common';
import type { ProcessingJob } from '@app/database';
import { plannedFileCount } from '@app/contracts';
import type { JobVersion } from '../common/etag';
import { ProjectsRepository } from '../projects/projects.repository';
import { planJob } from './job-planning';
import { JobsBilling } from './jobs-billing';
import { JobsRepository } from './jobs.repository';
import { ProjectNotMixableException } from './project-not-mixable.exception';

/**
 * Reading jobs, and estimating one. Creating and cancelling are use cases of their own
 * (create-job/, cancel-job/); every state change goes through JobLifecycle (@app/jobs).
 */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly projects: ProjectsRepository,
    private readonly billing: JobsBilling,
  ) {}

  /** What a job of the project would cost and produce; spends nothing. */
  async estimate(userId: string, projectId: string) {
    await this.ownedProject(userId, projectId);
    const input = await this.jobs.planInput(projectId);
    if (!input) throw new NotFoundException('project not found');
    const planned = planJob(input.project, input.settings, 0, input.clips);
    if (!planned.ok) throw new ProjectNotMixableException(planned.problem);
    const estimate = await this.billing.estimate(userId, planned.snapshot);
    return {
      credits: estimate.credits,
      outputs: plannedFileCount(planned.snapshot),
      combinationsAvailable: planned.available,
      ...(estimate.licenceProblem ? { licenceProblem: estimate.licenceProblem.message } : {}),
    };
  }

  /** The user's job with its outputs (one query: the ownership is part of it). */
  async get(userId: string, jobId: string) {
    const job = await this.jobs.findOwnedWithOutputs(userId, jobId);
    if (!job) throw new NotFoundException('job not found');
    return job;
  }

  /** The job's state for its ETag; 404 unless the user owns it. */
  async version(userId: string, jobId: string): Promise<JobVersion> {
    const version = await this.jobs.findOwnedVersion(userId, jobId);
    if (!version) throw new NotFoundException('job not found');
    return version;
  }

  async list(userId: string, projectId: string, page: number, limit: number) {
    await this.ownedProject(userId, projectId);
    return this.jobs.listOfProject(projectId, page, limit);
  }

  async owned(userId: string, jobId: string): Promise<ProcessingJob> {
    const job = await this.jobs.findOwned(userId, jobId);
    if (!job) throw new NotFoundException('job not found');
    return job;
  }

  private async ownedProject(userId: string, projectId: string): Promise<void> {
    if (!(await this.projects.findOwned(userId, projectId))) {
      throw new NotFoundException('project not found');
    }
  }
}
