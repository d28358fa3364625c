import { Global, Module } from '@nestjs/common';
import { billingClientProvider } from '@app/messaging';
import { BillingClient } from './billing.client';
import { BillingController } from './billing.controller';

@Global()
@Module({
  controllers: [BillingController],
  providers: [billingClientProvider, BillingClient],
  exports: [BillingClient],
})
export class BillingModule {}
