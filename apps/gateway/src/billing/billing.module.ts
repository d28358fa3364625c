import { Global, Module } from '@nestjs/common';
import { billingClientProvider } from '@app/messaging';
import { BillingClient } from './billing.client';
import { BillingController } from './billing.controller';
import { CheckoutService } from './payments/checkout.service';
import { PaymentPacksService } from './payments/payment-packs.service';
import { PaymentsController } from './payments/payments.controller';
import { StripeClient } from './payments/stripe.client';
import { StripeCustomersRepository } from './payments/stripe-customers.repository';
import { StripeWebhooksService } from './payments/stripe-webhooks.service';

@Global()
@Module({
  controllers: [BillingController, PaymentsController],
  providers: [
    billingClientProvider,
    BillingClient,
    StripeClient,
    PaymentPacksService,
    StripeCustomersRepository,
    CheckoutService,
    StripeWebhooksService,
  ],
  exports: [BillingClient],
})
export class BillingModule {}
