import { natsNames } from '@app/contracts';
import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { jetstream, jetstreamManager, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { decodeJson, InjectNats } from '@app/messaging';
import {
  ensureWebhookFanoutConsumer,
  isWebhookEventMessage,
  type WebhookNames,
} from '@app/webhooks';
import { DeliverWebhooks } from './deliver-webhooks.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/**
 * Takes webhook events from the durable JetStream stream (shared consumer: each event to one
 * worker) and fans each out into one delivery row per subscribed, enabled endpoint of its user.
 * The event is acked only once its rows are written; the rows' unique (endpoint, event key)
 * makes a redelivered event add nothing.
 */
@Injectable()
export class WebhookFanoutConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookFanoutConsumer.name);
  private readonly names: WebhookNames;
  private stopping = false;
  private loop?: Promise<void>;

  constructor(
    @InjectNats() private readonly nc: NatsConnection,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly deliver: DeliverWebhooks,
    config: ConfigService,
  ) {
    this.names = natsNames(config.getOrThrow<string>('NATS_PREFIX')).webhooks;
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureWebhookFanoutConsumer(await jetstreamManager(this.nc), this.names);
    const consumer = await jetstream(this.nc).consumers.get(
      this.names.eventsStream,
      this.names.fanoutConsumer,
    );
    this.loop = this.pull(consumer);
    this.logger.log(`taking webhook events from ${this.names.eventsStream}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async pull(consumer: Consumer): Promise<void> {
    while (!this.stopping) {
      let msg: JsMsg | null = null;
      try {
        msg = await consumer.next({ expires: 2000 });
      } catch (e) {
        if (this.stopping) break;
        this.logger.warn(`webhook events pull failed, retrying: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (msg) await this.handle(msg);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    let event: unknown;
    try {
      event = decodeJson(msg.data);
    } catch {
      event = null;
    }
    if (!isWebhookEventMessage(event)) {
      this.logger.error('dropping a malformed webhook event');
      msg.term('malformed');
      return;
    }
    try {
      const added = await this.deliveries.fanOut(event, new Date());
      msg.ack();
      if (added) this.deliver.kick();
    } catch (e) {
      this.logger.warn(
        `webhook event ${event.key}: fan-out failed, will retry: ${(e as Error).message}`,
      );
      msg.nak(5000);
    }
  }
}
