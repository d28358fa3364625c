import { Module } from '@nestjs/common';
import { WebhookEventsPublisher } from './webhook-events.publisher';

/** The webhook events publisher; needs the global database, config and messaging modules. */
@Module({
  providers: [WebhookEventsPublisher],
  exports: [WebhookEventsPublisher],
})
export class WebhookEventsModule {}
