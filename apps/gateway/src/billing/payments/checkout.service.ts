import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type Stripe from 'stripe';
import type { PaymentPack } from '@app/config';
import { PaymentPacksService } from './payment-packs.service';
import { StripeClient } from './stripe.client';
import { StripeCustomersRepository } from './stripe-customers.repository';

export interface CheckoutReply {
  url: string;
  sessionId: string;
}

/**
 * Stripe Checkout Sessions for a pack. What the webhook will act on travels in the session:
 * `client_reference_id` (the user), `metadata.credits` for a credit pack, and for a plan
 * `metadata.licenseType` plus the same on the subscription (`subscription_data.metadata`), so
 * its later events name the user too.
 */
@Injectable()
export class CheckoutService {
  private readonly logger = new Logger(CheckoutService.name);
  private readonly successUrl: string;
  private readonly cancelUrl: string;

  constructor(
    private readonly stripe: StripeClient,
    private readonly packs: PaymentPacksService,
    private readonly customers: StripeCustomersRepository,
    config: ConfigService,
  ) {
    const base =
      config.get<string>('PUBLIC_URL') ?? `http://localhost:${config.getOrThrow<number>('PORT')}`;
    this.successUrl =
      config.get<string>('CHECKOUT_SUCCESS_URL') ??
      `${base}/?checkout=success&session_id={CHECKOUT_SESSION_ID}`;
    this.cancelUrl = config.get<string>('CHECKOUT_CANCEL_URL') ?? `${base}/?checkout=cancelled`;
  }

  async checkout(user: { id: string; email: string }, packId: string): Promise<CheckoutReply> {
    const api = this.stripe.api;
    if (!api) throw new NotFoundException('payments go through PAYMENTS_PROVIDER=stripe, not set');
    const pack = this.packs.byId(packId);
    const customer = await this.customers.customerOf(user.id);
    let session: Stripe.Checkout.Session;
    try {
      session = await api.checkout.sessions.create(this.sessionParams(user, pack, customer));
    } catch (e) {
      this.logger.warn(`Stripe refused or did not answer a checkout: ${(e as Error).message}`);
      throw new ServiceUnavailableException(
        'the payment provider is unavailable; nothing was charged, try again',
      );
    }
    if (!session.url) throw new ServiceUnavailableException('the payment provider gave no URL');
    return { url: session.url, sessionId: session.id };
  }

  private sessionParams(
    user: { id: string; email: string },
    pack: PaymentPack,
    customer: string | null,
  ): Stripe.Checkout.SessionCreateParams {
    const licence = pack.kind === 'licence';
    const metadata: Record<string, string> = licence
      ? { pack: pack.id, licenseType: pack.licenseType, userId: user.id }
      : { pack: pack.id, credits: String(pack.credits), userId: user.id };
    const lineItem: Stripe.Checkout.SessionCreateParams.LineItem = pack.priceId
      ? { price: pack.priceId, quantity: 1 }
      : {
          quantity: 1,
          price_data: {
            currency: pack.currency!,
            unit_amount: pack.amount!,
            product_data: { name: pack.name },
            ...(licence ? { recurring: { interval: pack.interval } } : {}),
          },
        };
    return {
      mode: licence ? 'subscription' : 'payment',
      client_reference_id: user.id,
      metadata,
      line_items: [lineItem],
      success_url: this.successUrl,
      cancel_url: this.cancelUrl,
      ...(customer ? { customer } : { customer_email: user.email }),
      ...(licence
        ? { subscription_data: { metadata: { userId: user.id, licenseType: pack.licenseType } } }
        : customer
          ? {}
          : { customer_creation: 'always' as const }),
    };
  }
}
