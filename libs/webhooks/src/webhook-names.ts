/** NATS names of the webhook events stream, under the apps' NATS_PREFIX. */
export function webhookNames(prefix: string) {
  const upper = prefix.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return {
    /** JetStream work-queue stream of webhook events (acked once fanned out into deliveries). */
    eventsStream: `${upper}_WEBHOOK_EVENTS`,
    eventsSubject: `${prefix}.webhooks.events`,
    /** Durable pull consumer shared by every deliverer. */
    fanoutConsumer: `${upper}_WEBHOOK_FANOUT`,
  };
}
export type WebhookNames = ReturnType<typeof webhookNames>;
