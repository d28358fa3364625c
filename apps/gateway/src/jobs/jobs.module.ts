import { Module } from '@nestjs/common';
import { JobEventsStream } from './job-events.stream';
import { JobQueuePublisher } from './job-queue.publisher';
import { JobsBilling } from './jobs-billing';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';

@Module({
  controllers: [JobsController],
  providers: [JobsService, JobQueuePublisher, JobEventsStream, JobsBilling],
})
export class JobsModule {}
