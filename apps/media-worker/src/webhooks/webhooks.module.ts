import { Module } from '@nestjs/common';
import { DeliverWebhooks } from './deliver-webhooks.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookFanoutConsumer } from './webhook-fanout.consumer';

/**
 * The webhook deliverer, inside the media worker (no fourth process): events from JetStream are
 * fanned out into delivery rows (webhook-fanout), which are attempted and retried on schedule
 * (deliver-webhooks). See docs/webhooks.md.
 */
@Module({
  providers: [WebhookDeliveriesRepository, DeliverWebhooks, WebhookFanoutConsumer],
})
export class WebhookDeliveryModule {}
