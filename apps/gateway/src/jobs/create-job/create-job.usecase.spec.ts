import { ForbiddenException, ServiceUnavailableException } from '@nestjs/common';
import { type JobSnapshot, type ProjectStatus } from '@app/contracts';
import type { ProcessingJob } from '@app/database';
import {
  canTransition,
  leavesProjectAsBefore,
  projectStatusAfter,
  type JobLifecycle,
  type NewJob,
  type TransitionResult,
} from '@app/jobs';
import type { ProjectsRepository } from '../../projects/projects.repository';
import type { JobQueuePublisher } from '../job-queue.publisher';
import type { JobsBilling } from '../jobs-billing';
import type { JobsRepository } from '../jobs.repository';
import { CreateJob } from './create-job.usecase';

const USER = 'user-1';
const PROJECT = 'project-1';

/** JobLifecycle in memory, following the same transition table. */
class FakeLifecycle {
  jobs = new Map<string, ProcessingJob>();
  projectStatus: ProjectStatus = 'COMPLETED';
  private next = 1;
  /** The project's status before the latest job. */
  private before: ProjectStatus = 'DRAFT';

  async create(job: NewJob): Promise<ProcessingJob> {
    const created = {
      id: `job-${this.next++}`,
      projectId: job.projectId,
      status: 'PENDING',
      progress: 0,
      settings: job.snapshot,
      creditsReserved: job.creditsReserved,
      idempotencyKey: job.idempotencyKey,
      requestHash: job.requestHash,
      errorMessage: null,
    } as unknown as ProcessingJob;
    this.jobs.set(created.id, created);
    this.before = this.projectStatus;
    this.projectStatus = 'PROCESSING';
    return created;
  }

  async discard(jobId: string): Promise<boolean> {
    if (this.jobs.get(jobId)?.status !== 'PENDING') return false;
    this.jobs.delete(jobId);
    this.projectStatus = this.before;
    return true;
  }

  async fail(jobId: string, errorMessage: string): Promise<TransitionResult> {
    const job = this.jobs.get(jobId);
    if (!job) return { ok: false, current: null };
    if (!canTransition(job.status, 'FAILED')) return { ok: false, current: job.status };
    const from = job.status;
    job.status = 'FAILED';
    job.errorMessage = errorMessage;
    this.projectStatus = projectStatusAfter(from, 'FAILED', this.before);
    expect(leavesProjectAsBefore(from, 'FAILED')).toBe(true);
    return { ok: true, from };
  }
}

function setup(overrides: Partial<Record<'reserve' | 'publish', () => Promise<unknown>>> = {}) {
  const lifecycle = new FakeLifecycle();
  const settled: { jobId: string }[] = [];
  const reserved: { jobId: string }[] = [];
  const published: string[] = [];
  const jobs = {
    findByIdempotencyKey: async (_u: string, _p: string, key: string) =>
      [...lifecycle.jobs.values()].find((j) => j.idempotencyKey === key) ?? null,
    planInput: async () => ({
      project: {
        groups: [
          { id: 'g1', order: 0 },
          { id: 'g2', order: 1 },
        ],
        videos: [
          { id: 'a', groupId: 'g1', durationSeconds: 2 },
          { id: 'b', groupId: 'g1', durationSeconds: 3 },
          { id: 'c', groupId: 'g2', durationSeconds: 2 },
          { id: 'd', groupId: 'g2', durationSeconds: 2 },
        ],
      },
      settings: {
        mixingMode: 'AUTO' as const,
        outputFormat: 'MP4' as const,
        quality: 'LOW' as const,
        outputCount: 2,
      },
    }),
  };
  const projects = {
    findOwned: async (userId: string, projectId: string) =>
      userId === USER && projectId === PROJECT ? { id: PROJECT } : null,
  };
  const billing = {
    checkLicence: async () => undefined,
    price: (snapshot: JobSnapshot) => snapshot.combinations.length * 10,
    reserve:
      overrides.reserve ??
      (async (_u: string, jobId: string) => {
        reserved.push({ jobId });
        return {};
      }),
    settle: async (_u: string, jobId: string) => {
      settled.push({ jobId });
      return {};
    },
  };
  const queue = {
    publish:
      overrides.publish ??
      (async (m: { jobId: string }) => {
        published.push(m.jobId);
      }),
  };
  const useCase = new CreateJob(
    jobs as unknown as JobsRepository,
    projects as unknown as ProjectsRepository,
    lifecycle as unknown as JobLifecycle,
    billing as unknown as JobsBilling,
    queue as unknown as JobQueuePublisher,
  );
  return { useCase, lifecycle, settled, reserved, published };
}

describe('creating a job', () => {
  it('records a PENDING job with a version 1 snapshot, reserves its price and queues it', async () => {
    const { useCase, lifecycle, reserved, published } = setup();
    const job = await useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT, seed: 7 });
    expect(job.status).toBe('PENDING');
    expect(job.settings).toMatchObject({ version: 1, quality: 'LOW' });
    expect(reserved).toEqual([{ jobId: job.id }]);
    expect(published).toEqual([job.id]);
    expect(lifecycle.projectStatus).toBe('PROCESSING');
  });

  it('returns the earlier job for a replayed Idempotency-Key, reserving nothing more', async () => {
    const { useCase, reserved } = setup();
    const first = await useCase.execute({
      userId: USER,
      band: 'FREE',
      projectId: PROJECT,
      idempotencyKey: 'k',
    });
    const again = await useCase.execute({
      userId: USER,
      band: 'FREE',
      projectId: PROJECT,
      idempotencyKey: 'k',
    });
    expect(again.id).toBe(first.id);
    expect(reserved).toHaveLength(1);
  });

  it('starts a second job while one is active (the licence limit is billing’s)', async () => {
    const { useCase, lifecycle } = setup();
    const first = await useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT });
    const second = await useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT });
    expect(second.id).not.toBe(first.id);
    expect([...lifecycle.jobs.values()].map((j) => j.status)).toEqual(['PENDING', 'PENDING']);
  });

  it('when billing refuses the reservation: the job is removed and the project status restored', async () => {
    const { useCase, lifecycle, published } = setup({
      reserve: async () => {
        throw new ForbiddenException('not enough credits');
      },
    });
    await expect(
      useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT }),
    ).rejects.toBeInstanceOf(ForbiddenException);
    expect(lifecycle.jobs.size).toBe(0);
    expect(lifecycle.projectStatus).toBe('COMPLETED');
    expect(published).toEqual([]);
  });

  it('when billing does not answer: the job is FAILED and a full refund requested', async () => {
    const { useCase, lifecycle, settled } = setup({
      reserve: async () => {
        throw new Error('timeout');
      },
    });
    await expect(
      useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT }),
    ).rejects.toThrow('timeout');
    const [job] = [...lifecycle.jobs.values()];
    expect(job).toMatchObject({ status: 'FAILED' });
    expect(settled).toEqual([{ jobId: job.id }]);
  });

  it('when the queue is unavailable: the job is FAILED, a full refund requested, and 503 returned', async () => {
    const { useCase, lifecycle, settled, reserved } = setup({
      publish: async () => {
        throw new Error('no responders');
      },
    });
    await expect(
      useCase.execute({ userId: USER, band: 'FREE', projectId: PROJECT }),
    ).rejects.toBeInstanceOf(ServiceUnavailableException);
    const [job] = [...lifecycle.jobs.values()];
    expect(reserved).toEqual([{ jobId: job.id }]);
    expect(job).toMatchObject({
      status: 'FAILED',
      errorMessage: 'the job could not be queued; nothing was charged',
    });
    expect(settled).toEqual([{ jobId: job.id }]);
    expect(lifecycle.projectStatus).toBe('COMPLETED');
  });
});
