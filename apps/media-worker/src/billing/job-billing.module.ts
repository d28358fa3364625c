import { Module } from '@nestjs/common';
import { billingClientProvider } from '@app/messaging';
import { JobBilling } from './job-billing';

@Module({ providers: [billingClientProvider, JobBilling], exports: [JobBilling] })
export class JobBillingModule {}
