import { ConflictException, NotFoundException } from '@nestjs/common';
import type { JobStatus } from '@app/contracts';
import type { ProcessingJob } from '@app/database';
import { canTransition, type JobLifecycle, type TransitionResult } from '@app/jobs';
import type { WebhookEventsPublisher } from '@app/webhooks';
import type { JobQueuePublisher } from '../job-queue.publisher';
import type { JobsBilling } from '../jobs-billing';
import type { JobsRepository } from '../jobs.repository';
import { CancelJob } from './cancel-job.usecase';

function setup(status: JobStatus) {
  const job = { id: 'job-1', status } as ProcessingJob;
  const refunds: { jobId: string }[] = [];
  const broadcasts: string[] = [];
  const jobs = {
    findOwned: async (userId: string, jobId: string) =>
      userId === 'owner' && jobId === job.id ? job : null,
    findById: async () => job,
  };
  const lifecycle = {
    cancel: async (): Promise<TransitionResult> => {
      if (!canTransition(job.status, 'CANCELLED')) return { ok: false, current: job.status };
      const from = job.status;
      job.status = 'CANCELLED';
      return { ok: true, from };
    },
  };
  const billing = {
    settle: async (_u: string, jobId: string) => {
      refunds.push({ jobId });
      return {};
    },
  };
  const queue = { broadcastCancel: (jobId: string) => broadcasts.push(jobId) };
  const webhookEvents: string[] = [];
  const webhooks = { publishJobFinished: async (jobId: string) => void webhookEvents.push(jobId) };
  const useCase = new CancelJob(
    jobs as unknown as JobsRepository,
    lifecycle as unknown as JobLifecycle,
    billing as unknown as JobsBilling,
    queue as unknown as JobQueuePublisher,
    webhooks as unknown as WebhookEventsPublisher,
  );
  return { useCase, refunds, broadcasts, webhookEvents };
}

describe('cancelling a job', () => {
  it('a PENDING job is cancelled and refunded in full here', async () => {
    const { useCase, refunds, broadcasts } = setup('PENDING');
    expect((await useCase.execute('owner', 'job-1')).status).toBe('CANCELLED');
    expect(refunds).toEqual([{ jobId: 'job-1' }]);
    expect(broadcasts).toEqual(['job-1']);
  });

  it('a PROCESSING job is cancelled and its worker told; the worker settles it', async () => {
    const { useCase, refunds, broadcasts, webhookEvents } = setup('PROCESSING');
    expect((await useCase.execute('owner', 'job-1')).status).toBe('CANCELLED');
    expect(refunds).toEqual([]);
    expect(broadcasts).toEqual(['job-1']);
    expect(webhookEvents).toEqual([]); // the worker's settle step queues job.cancelled
  });

  it('a PENDING job, which no worker ran, has its job.cancelled webhook queued here', async () => {
    const { useCase, webhookEvents } = setup('PENDING');
    await useCase.execute('owner', 'job-1');
    expect(webhookEvents).toEqual(['job-1']);
  });

  it.each(['COMPLETED', 'FAILED', 'CANCELLED'] as JobStatus[])(
    'a %s job cannot be cancelled (409), and nothing is refunded',
    async (status) => {
      const { useCase, refunds, broadcasts } = setup(status);
      await expect(useCase.execute('owner', 'job-1')).rejects.toBeInstanceOf(ConflictException);
      expect(refunds).toEqual([]);
      expect(broadcasts).toEqual([]);
    },
  );

  it("another user's job is not found", async () => {
    const { useCase } = setup('PENDING');
    await expect(useCase.execute('someone-else', 'job-1')).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });
});
