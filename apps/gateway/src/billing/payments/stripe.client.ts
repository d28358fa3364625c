import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Stripe from 'stripe';

/**
 * The Stripe API client, built from config. STRIPE_API_HOST/PORT/PROTOCOL exist so tests can
 * point it at a local fake; in production they stay empty and the client talks to Stripe.
 * Null when PAYMENTS_PROVIDER is not stripe.
 */
@Injectable()
export class StripeClient {
  readonly api: Stripe | null;
  readonly webhookSecret: string;

  constructor(config: ConfigService) {
    this.webhookSecret = config.get<string>('STRIPE_WEBHOOK_SECRET') ?? '';
    const key = config.get<string>('STRIPE_SECRET_KEY');
    if (config.get<string>('PAYMENTS_PROVIDER') !== 'stripe' || !key) {
      this.api = null;
      return;
    }
    const host = config.get<string>('STRIPE_API_HOST');
    const port = config.get<number>('STRIPE_API_PORT');
    this.api = new Stripe(key, {
      timeout: config.getOrThrow<number>('STRIPE_TIMEOUT_MS'),
      maxNetworkRetries: 1,
      telemetry: false,
      ...(host ? { host } : {}),
      ...(port ? { port } : {}),
      protocol: config.getOrThrow<'http' | 'https'>('STRIPE_API_PROTOCOL'),
    });
  }
}
