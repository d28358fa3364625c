import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { WebhookNames } from './webhook-names';

/** An event published twice within this window is stored once (its key is the message id). */
const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;

/** The stream of webhook events: work-queue retention, on disk. Create-or-update. */
export async function ensureWebhookEventsStream(
  jsm: JetStreamManager,
  names: WebhookNames,
): Promise<void> {
  try {
    await jsm.streams.info(names.eventsStream);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add({
        name: names.eventsStream,
        subjects: [names.eventsSubject],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    } catch (err) {
      // Another process made it at the same moment.
      if (!/already in use|exists/i.test((err as Error).message)) throw err;
    }
  }
}

/** The stream plus the durable consumer every deliverer shares. Create-or-update. */
export async function ensureWebhookFanoutConsumer(
  jsm: JetStreamManager,
  names: WebhookNames,
): Promise<void> {
  await ensureWebhookEventsStream(jsm, names);
  try {
    await jsm.consumers.info(names.eventsStream, names.fanoutConsumer);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(names.eventsStream, {
      durable_name: names.fanoutConsumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: 1000,
    });
  }
}

function isNotFound(e: unknown): boolean {
  return /not found/i.test((e as Error)?.message ?? '');
}
