import type { NatsNames } from '@app/contracts';

/** The webhook events stream's names (libs/contracts nats-names, like every NATS name). */
export type WebhookNames = NatsNames['webhooks'];
