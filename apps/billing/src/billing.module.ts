import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AppConfigModule, billingEnvSchema } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/observability';
import { AdjustmentsController } from './adjustments/adjustments.controller';
import { AdjustmentsRepository } from './adjustments/adjustments.repository';
import { AdjustmentsService } from './adjustments/adjustments.service';
import { BillingHealthController } from './health/billing-health.controller';
import { DatabasePingRepository } from './health/database-ping.repository';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerReconciler } from './ledger/ledger-reconciler';
import { LedgerRepository } from './ledger/ledger.repository';
import { LedgerService } from './ledger/ledger.service';
import { LicencesController } from './licences/licences.controller';
import { LicencesRepository } from './licences/licences.repository';
import { LicencesService } from './licences/licences.service';
import { RequestContextInterceptor } from './logging/request-context.interceptor';
import { PricingController } from './pricing/pricing.controller';
import { PricingService } from './pricing/pricing.service';

@Module({
  imports: [
    AppConfigModule.forApp(billingEnvSchema),
    LoggingModule.forApp('billing'),
    DatabaseModule.forService('billing', 'BILLING_DATABASE_URL'),
  ],
  controllers: [
    LedgerController,
    PricingController,
    BillingHealthController,
    AdjustmentsController,
    LicencesController,
  ],
  providers: [
    LedgerRepository,
    LedgerService,
    LedgerReconciler,
    PricingService,
    DatabasePingRepository,
    AdjustmentsService,
    AdjustmentsRepository,
    LicencesService,
    LicencesRepository,
    { provide: APP_INTERCEPTOR, useClass: RequestContextInterceptor },
  ],
})
export class BillingModule {}
