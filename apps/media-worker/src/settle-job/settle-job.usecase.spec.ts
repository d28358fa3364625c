import { toJobSnapshot } from '@app/contracts';
import type { JobForBilling, JobLifecycle } from '@app/jobs';
import type { JobBilling } from '../billing/job-billing';
import type { WebhookEventsPublisher } from '@app/webhooks';
import type { JobEventsPublisher } from '../job-events/job-events.publisher';
import { SettleJob } from './settle-job.usecase';

const cancelled: JobForBilling = {
  userId: 'user-1',
  snapshot: toJobSnapshot({
    mixingMode: 'AUTO',
    outputFormat: 'MP4',
    quality: 'LOW',
    combinations: [['a'], ['b'], ['c']],
    seconds: [4, 5, 6],
  }),
  outputsRecorded: [0, 2],
  creditsReserved: 3,
  status: 'CANCELLED',
  progress: 60,
  errorMessage: null,
};

function setup(
  job: JobForBilling | null,
  settle: () => Promise<void> = async () => undefined,
  queueWebhooks: () => Promise<void> = async () => undefined,
) {
  const settled: unknown[][] = [];
  const events: unknown[] = [];
  const webhookEvents: string[] = [];
  const useCase = new SettleJob(
    { readJobForBilling: async () => job } as unknown as JobLifecycle,
    {
      settle: async (...args: unknown[]) => {
        settled.push(args);
        await settle();
      },
    } as unknown as JobBilling,
    { publish: (e: unknown) => events.push(e) } as unknown as JobEventsPublisher,
    {
      publishJobFinished: async (jobId: string) => {
        await queueWebhooks();
        webhookEvents.push(jobId);
      },
    } as unknown as WebhookEventsPublisher,
  );
  return { useCase, settled, events, webhookEvents };
}

describe('settling a final job', () => {
  it('charges the outputs recorded, then announces the final state', async () => {
    const { useCase, settled, events } = setup(cancelled);
    expect(await useCase.execute('job-1')).toEqual({ kind: 'done' });
    expect(settled).toEqual([[{ id: 'job-1', project: { userId: 'user-1' } }]]);
    expect(events).toEqual([
      { jobId: 'job-1', status: 'CANCELLED', progress: 60, outputsDone: 2, outputsTotal: 3 },
    ]);
  });

  it("queues the job's webhook events once billing has settled it", async () => {
    const { useCase, webhookEvents } = setup(cancelled);
    await useCase.execute('job-1');
    expect(webhookEvents).toEqual(['job-1']);
  });

  it('asks for a retry, announcing nothing, when the webhook events cannot be queued', async () => {
    const { useCase, events } = setup(cancelled, undefined, async () => {
      throw new Error('JetStream down');
    });
    expect(await useCase.execute('job-1')).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(events).toEqual([]);
  });

  it('asks for a retry, announcing nothing, when billing fails', async () => {
    const { useCase, events } = setup(cancelled, async () => {
      throw new Error('billing down');
    });
    expect(await useCase.execute('job-1')).toEqual({ kind: 'retry', delayMs: 5000 });
    expect(events).toEqual([]);
  });

  it('has nothing to settle for a job deleted with its project', async () => {
    const { useCase, settled } = setup(null);
    expect(await useCase.execute('job-1')).toEqual({ kind: 'done' });
    expect(settled).toEqual([]);
  });
});
