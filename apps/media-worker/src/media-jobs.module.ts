import { Module } from '@nestjs/common';
import { JobLifecycleModule } from '@app/jobs';
import { WebhookEventsModule } from '@app/webhooks';
import { AbandonJob } from './abandon-job/abandon-job.usecase';
import { AbandonedJobsListener } from './abandon-job/abandoned-jobs.listener';
import { JobBillingModule } from './billing/job-billing.module';
import { CancelListener } from './cancel-job/cancel-listener.service';
import { JobEventsPublisher } from './job-events/job-events.publisher';
import { JobsConsumer } from './job-queue/jobs-consumer.service';
import { RunningJobs } from './job-queue/running-jobs';
import { WorkerMetrics } from './metrics/worker-metrics.service';
import { FfmpegRunnerProvider } from './run-job/ffmpeg-runner.provider';
import { JobFiles } from './run-job/job-files';
import { RunJob } from './run-job/run-job.usecase';
import { RunJobRepository } from './run-job/run-job.repository';
import { SettleJob } from './settle-job/settle-job.usecase';

/**
 * The worker's job flows: job-queue/ takes messages, run-job/ claims and renders, settle-job/
 * charges and refunds, abandon-job/ fails jobs whose workers died, cancel-job/ stops a job
 * cancelled at the gateway. Every job state change goes through JobLifecycle (@app/jobs).
 */
@Module({
  imports: [JobBillingModule, JobLifecycleModule, WebhookEventsModule],
  providers: [
    RunJobRepository,
    JobFiles,
    RunJob,
    SettleJob,
    AbandonJob,
    JobEventsPublisher,
    FfmpegRunnerProvider,
    RunningJobs,
    JobsConsumer,
    AbandonedJobsListener,
    CancelListener,
    WorkerMetrics,
  ],
})
export class MediaJobsModule {}
