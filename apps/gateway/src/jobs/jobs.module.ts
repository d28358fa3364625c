import { Module } from '@nestjs/common';
import { JobLifecycleModule } from '@app/jobs';
import { WebhookEventsModule } from '@app/webhooks';
import { ProjectsRepository } from '../projects/projects.repository';
import { CancelJob } from './cancel-job/cancel-job.usecase';
import { CreateJob } from './create-job/create-job.usecase';
import { JobEventsStream } from './job-events.stream';
import { JobQueuePublisher } from './job-queue.publisher';
import { JobsBilling } from './jobs-billing';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [JobLifecycleModule, WebhookEventsModule],
  controllers: [JobsController],
  providers: [
    JobsService,
    CreateJob,
    CancelJob,
    JobsRepository,
    ProjectsRepository,
    JobQueuePublisher,
    JobEventsStream,
    JobsBilling,
  ],
})
export class JobsModule {}
