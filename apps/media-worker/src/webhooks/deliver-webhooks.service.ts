import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  nextAttemptAt,
  parseRetrySchedule,
  resolveWebhookUrl,
  signatureHeader,
  UnsafeWebhookUrlError,
} from '@app/webhooks';
import {
  WebhookDeliveriesRepository,
  type AttemptResult,
  type DeliveryWithEndpoint,
} from './webhook-deliveries.repository';
import { sendWebhook } from './webhook-sender';

/** How long a claimed delivery stays away from other deliverers beyond its timeout. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Attempts the due deliveries: every poll interval (and at once after a fan-out) it claims up
 * to WEBHOOK_DELIVERY_CONCURRENCY of them and POSTs them in parallel. Each attempt resolves
 * the URL again and refuses addresses the policy forbids, signs the body (same webhook-id on
 * every attempt), and records the outcome: 2xx delivered; otherwise the next attempt is
 * scheduled (WEBHOOK_RETRY_SCHEDULE_MS) or, with none left, the delivery FAILED. An endpoint
 * failing without a success for WEBHOOK_DISABLE_AFTER_MS is disabled.
 */
@Injectable()
export class DeliverWebhooks implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliverWebhooks.name);
  private readonly schedule: number[];
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly disableAfterMs: number;
  private readonly concurrency: number;
  private readonly allowPrivate: boolean;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopping = false;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    config: ConfigService,
  ) {
    this.schedule = parseRetrySchedule(config.get<string>('WEBHOOK_RETRY_SCHEDULE_MS'));
    this.pollMs = config.getOrThrow<number>('WEBHOOK_POLL_INTERVAL_MS');
    this.timeoutMs = config.getOrThrow<number>('WEBHOOK_TIMEOUT_MS');
    this.disableAfterMs = config.getOrThrow<number>('WEBHOOK_DISABLE_AFTER_MS');
    this.concurrency = config.getOrThrow<number>('WEBHOOK_DELIVERY_CONCURRENCY');
    this.allowPrivate = config.get<boolean>('WEBHOOK_ALLOW_PRIVATE') === true;
  }

  onApplicationBootstrap(): void {
    this.schedulePoll(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Looks for due deliveries now (new ones were just added). */
  kick(): void {
    if (this.stopping) return;
    if (this.running) this.again = true;
    else this.schedulePoll(0);
  }

  private schedulePoll(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
        if (this.stopping) return;
        const more = this.again;
        this.again = false;
        this.schedulePoll(more ? 0 : this.pollMs);
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    try {
      for (;;) {
        const now = new Date();
        const lease = new Date(now.getTime() + this.timeoutMs + LEASE_MARGIN_MS);
        const batch = await this.deliveries.claimDue(this.concurrency, now, lease);
        if (!batch.length) return;
        await Promise.all(
          batch.map((d) =>
            // One delivery's trouble (its endpoint deleted meanwhile) does not stop the others.
            this.attempt(d).catch((e: Error) =>
              this.logger.warn(`webhook ${d.id}: attempt not recorded: ${e.message}`),
            ),
          ),
        );
        if (this.stopping || batch.length < this.concurrency) return;
      }
    } catch (e) {
      this.logger.warn(`webhook delivery poll failed: ${(e as Error).message}`);
    }
  }

  /** One attempt of one delivery, recorded whatever happens. */
  async attempt(delivery: DeliveryWithEndpoint): Promise<AttemptResult> {
    const { endpoint } = delivery;
    if (!endpoint.enabled) {
      await this.deliveries.skip(delivery.id, 'the endpoint is disabled');
      return { ok: false, statusCode: null, error: 'the endpoint is disabled' };
    }
    const result = await this.send(delivery);
    const now = new Date();
    const next = result.ok ? null : nextAttemptAt(this.schedule, delivery.attempts + 1, now);
    await this.deliveries.recordAttempt(delivery, result, now, next);
    if (result.ok) {
      await this.deliveries.endpointSucceeded(endpoint.id);
    } else {
      this.logger.warn(
        `webhook ${delivery.id} to endpoint ${endpoint.id} failed (attempt ${delivery.attempts + 1}): ${result.error}`,
      );
      const disableBefore = new Date(now.getTime() - this.disableAfterMs);
      if (await this.deliveries.endpointFailed(endpoint.id, now, disableBefore)) {
        this.logger.warn(`webhook endpoint ${endpoint.id} disabled: deliveries kept failing`);
      }
    }
    return result;
  }

  private async send(delivery: DeliveryWithEndpoint): Promise<AttemptResult> {
    const { endpoint } = delivery;
    let target: Awaited<ReturnType<typeof resolveWebhookUrl>>;
    try {
      // Resolved and checked again now: the host may point elsewhere than at registration.
      target = await resolveWebhookUrl(endpoint.url, { allowPrivate: this.allowPrivate });
    } catch (e) {
      const reason = e instanceof UnsafeWebhookUrlError ? e.message : (e as Error).message;
      return { ok: false, statusCode: null, error: reason };
    }
    const timestamp = new Date();
    return sendWebhook({
      url: target.url,
      addresses: target.addresses,
      body: delivery.payload,
      timeoutMs: this.timeoutMs,
      headers: {
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signatureHeader(endpoint, delivery.id, timestamp, delivery.payload),
      },
    });
  }
}
