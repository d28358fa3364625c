import { Module } from '@nestjs/common';
import { AppConfigModule, billingEnvSchema } from '@app/config';
import { DatabaseModule } from '@app/database';
import { BillingHealthController } from './health/billing-health.controller';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerService } from './ledger/ledger.service';
import { PricingController } from './pricing/pricing.controller';
import { PricingService } from './pricing/pricing.service';

@Module({
  imports: [AppConfigModule.forApp(billingEnvSchema), DatabaseModule.forService('billing')],
  controllers: [LedgerController, PricingController, BillingHealthController],
  providers: [LedgerService, PricingService],
})
export class BillingModule {}
