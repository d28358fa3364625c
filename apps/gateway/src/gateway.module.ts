import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppConfigModule, gatewayEnvSchema } from '@app/config';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { LoggingModule } from '@app/observability';
import { StorageModule } from '@app/storage';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { RequestContextMiddleware } from './common/request-context.middleware';
import { OutputsModule } from './outputs/outputs.module';
import { ProjectsModule } from './projects/projects.module';
import { UsersModule } from './users/users.module';
import { VideosModule } from './videos/videos.module';
import { AssetsModule } from './assets/assets.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    AppConfigModule.forApp(gatewayEnvSchema),
    LoggingModule.forApp('gateway'),
    DatabaseModule.forTenants('GATEWAY_DATABASE_URL'),
    MessagingModule.forApp('gateway'),
    StorageModule,
    AuditModule,
    AuthModule,
    UsersModule,
    ApiKeysModule,
    BillingModule,
    ProjectsModule,
    GroupsModule,
    VideosModule,
    AssetsModule,
    JobsModule,
    OutputsModule,
    HealthModule,
    MetricsModule,
    AdminModule,
    WebhooksModule,
  ],
})
export class GatewayModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes('*');
  }
}
