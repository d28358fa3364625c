import { Module } from '@nestjs/common';
import { JobBillingModule } from '../billing/job-billing.module';
import { CancelListener } from '../cancel/cancel-listener.service';
import { AbandonedJobsListener } from '../jobs-queue/abandoned-jobs.listener';
import { JobsConsumer } from '../jobs-queue/jobs-consumer.service';
import { RunningJobs } from '../jobs-queue/running-jobs';
import { JobEventsPublisher } from '../progress/job-events.publisher';
import { FfmpegRunnerProvider } from './ffmpeg-runner.provider';
import { WorkerMetrics } from '../metrics/worker-metrics.service';
import { JobFiles } from './job-files';
import { JobRepository } from './job-repository';
import { JobRunner } from './job-runner.service';

@Module({
  imports: [JobBillingModule],
  providers: [
    JobRepository,
    JobFiles,
    JobRunner,
    JobEventsPublisher,
    FfmpegRunnerProvider,
    RunningJobs,
    JobsConsumer,
    AbandonedJobsListener,
    CancelListener,
    WorkerMetrics,
  ],
})
export class JobsModule {}
