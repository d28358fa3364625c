import { Module } from '@nestjs/common';
import { AppConfigModule, workerEnvSchema } from '@app/config';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { LoggingModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { MediaJobsModule } from './media-jobs.module';
import { WebhookDeliveryModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule.forApp(workerEnvSchema),
    LoggingModule.forApp('media-worker'),
    DatabaseModule.forService('media-worker', 'WORKER_DATABASE_URL'),
    MessagingModule.forApp('media-worker'),
    StorageModule,
    MediaJobsModule,
    WebhookDeliveryModule,
  ],
})
export class MediaWorkerModule {}
