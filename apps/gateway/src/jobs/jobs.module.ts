import { Module } from '@nestjs/common';
import { JobLifecycleModule } from '@app/jobs';
import { OutputsModule } from '../outputs/outputs.module';
import { WebhookEventsModule } from '@app/webhooks';
import { ProjectsRepository } from '../projects/projects.repository';
import { CancelJob } from './cancel-job/cancel-job.usecase';
import { CreateJob } from './create-job/create-job.usecase';
import { JobEventsStream } from './job-events/job-events.stream';
import { StreamAuthGuard } from './job-events/stream-auth.guard';
import { ArchiveLinksController } from './job-files/archive-links.controller';
import { JobFilesRepository } from './job-files/job-files.repository';
import { JobFiles } from './job-files/job-files.service';
import { JobQueuePublisher } from './job-queue.publisher';
import { JobsBilling } from './jobs-billing';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { PlanJob } from './plan-job/plan-job.usecase';

@Module({
  imports: [JobLifecycleModule, OutputsModule, WebhookEventsModule],
  controllers: [JobsController, ArchiveLinksController],
  providers: [
    JobsService,
    CreateJob,
    CancelJob,
    PlanJob,
    JobFiles,
    JobFilesRepository,
    JobsRepository,
    ProjectsRepository,
    JobQueuePublisher,
    JobEventsStream,
    StreamAuthGuard,
    JobsBilling,
  ],
})
export class JobsModule {}
