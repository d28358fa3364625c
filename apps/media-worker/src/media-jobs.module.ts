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
import { WorkerIdentity } from './job-queue/worker-identity';
import { JobTasksRepository } from './job-tasks/job-tasks.repository';
import { TaskDispatcher } from './job-tasks/task-dispatcher.service';
import { WorkerMetrics } from './metrics/worker-metrics.service';
import { FfmpegRunnerProvider } from './run-task/ffmpeg-runner.provider';
import { JobFiles } from './run-task/job-files';
import { PosterFrames } from './run-task/output-extras';
import { RunTask } from './run-task/run-task.usecase';
import { RunTaskRepository } from './run-task/run-task.repository';
import { TaskInputs } from './run-task/task-inputs';
import { SettleJob } from './settle-job/settle-job.usecase';
import { SplitJob } from './split-job/split-job.usecase';
import { TasksConsumer } from './task-queue/tasks-consumer.service';
import { WorkerRecycler } from './task-queue/worker-recycler';

/**
 * The worker's job flows (docs/scaling.md): job-queue/ takes job messages, split-job/ claims a
 * job and splits it into tasks, job-tasks/ keeps them and dispatches each user's share to the
 * task queue, task-queue/ takes tasks by band and priority, run-task/ normalizes a clip or
 * assembles a batch of outputs, settle-job/ charges and refunds, abandon-job/ fails jobs whose
 * workers died, cancel-job/ stops a job cancelled at the gateway. Every job state change goes
 * through JobLifecycle (@app/jobs).
 */
@Module({
  imports: [JobBillingModule, JobLifecycleModule, WebhookEventsModule],
  providers: [
    RunTaskRepository,
    JobTasksRepository,
    TaskDispatcher,
    JobFiles,
    TaskInputs,
    PosterFrames,
    SplitJob,
    RunTask,
    SettleJob,
    AbandonJob,
    JobEventsPublisher,
    FfmpegRunnerProvider,
    RunningJobs,
    WorkerIdentity,
    WorkerRecycler,
    JobsConsumer,
    TasksConsumer,
    AbandonedJobsListener,
    CancelListener,
    WorkerMetrics,
  ],
  exports: [WorkerRecycler],
})
export class MediaJobsModule {}
