import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type Stripe from 'stripe';
import type { PaymentRefundReply, SetLicenceReply, TransactionReply } from '@app/contracts';
import { BillingClient } from '../billing.client';
import { PaymentPacksService } from './payment-packs.service';
import { StripeClient } from './stripe.client';
import { StripeCustomersRepository } from './stripe-customers.repository';

/** Subscriptions in these states hold their licence; any other state falls back to FREE. */
const LIVE_SUBSCRIPTION = new Set(['active', 'trialing', 'past_due']);

export const stripePaymentReference = (sessionId: string) => `stripe:${sessionId}`;

const idOf = (ref: string | { id: string } | null | undefined) =>
  typeof ref === 'string' ? ref : (ref?.id ?? null);

/**
 * Stripe's signed events, verified, then acted on through billing (which owns credits and
 * licences). Every action is idempotent, so Stripe's redeliveries change nothing: credits by
 * the payment reference `stripe:<session id>`, refunds by the cumulative amount refunded,
 * licences by comparing with the current one. Billing down answers 503 and Stripe retries.
 */
@Injectable()
export class StripeWebhooksService {
  private readonly logger = new Logger(StripeWebhooksService.name);

  constructor(
    private readonly stripe: StripeClient,
    private readonly billing: BillingClient,
    private readonly packs: PaymentPacksService,
    private readonly customers: StripeCustomersRepository,
  ) {}

  verify(rawBody: unknown, signature: string | undefined): Stripe.Event {
    const api = this.stripe.api;
    if (!api) throw new NotFoundException('payments go through PAYMENTS_PROVIDER=stripe, not set');
    if (!Buffer.isBuffer(rawBody) || !signature) {
      throw new BadRequestException(
        'a Stripe-Signature header and the raw event body are required',
      );
    }
    try {
      return api.webhooks.constructEvent(rawBody, signature, this.stripe.webhookSecret);
    } catch {
      throw new BadRequestException('the Stripe-Signature does not match this event');
    }
  }

  async handle(event: Stripe.Event): Promise<void> {
    switch (event.type) {
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
        return this.sessionPaid(event.data.object);
      case 'charge.refunded':
        return this.chargeRefunded(event.data.object);
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return this.subscriptionChanged(event.data.object, event.type);
      default:
        this.logger.debug(`Stripe event ${event.type} ignored`);
    }
  }

  private async sessionPaid(session: Stripe.Checkout.Session): Promise<void> {
    const userId = session.client_reference_id;
    if (!userId || !(await this.customers.userExists(userId))) {
      this.logger.warn(`Stripe session ${session.id} names no known user; ignored`);
      return;
    }
    const customer = idOf(session.customer);
    if (customer) await this.customers.remember(userId, customer);
    const credits = Number(session.metadata?.credits);
    if (session.mode !== 'payment' || !Number.isInteger(credits) || credits <= 0) return;
    if (session.payment_status === 'unpaid') return; // async_payment_succeeded follows
    await this.billing.request<TransactionReply>('purchase', {
      userId,
      credits,
      paymentReference: stripePaymentReference(session.id),
    });
  }

  private async chargeRefunded(charge: Stripe.Charge): Promise<void> {
    const paymentIntent = idOf(charge.payment_intent);
    if (!paymentIntent) return;
    const sessions = await this.stripe.api!.checkout.sessions.list({
      payment_intent: paymentIntent,
      limit: 1,
    });
    const session = sessions.data[0];
    if (!session) {
      this.logger.warn(`refunded charge ${charge.id} belongs to no checkout session; ignored`);
      return;
    }
    try {
      const r = await this.billing.request<PaymentRefundReply>('paymentRefund', {
        paymentReference: stripePaymentReference(session.id),
        refundedAmount: charge.amount_refunded,
        paidAmount: charge.amount,
      });
      if (r.shortfall)
        this.logger.warn(`refund of ${session.id}: shortfall ${r.shortfall} credits`);
    } catch (e) {
      // A session that never credited anything (a subscription's first invoice) has no purchase.
      if (!(e instanceof NotFoundException)) throw e;
    }
  }

  private async subscriptionChanged(sub: Stripe.Subscription, type: string): Promise<void> {
    const customer = idOf(sub.customer);
    const userId =
      sub.metadata?.userId ?? (customer ? await this.customers.userOf(customer) : null);
    if (!userId || !(await this.customers.userExists(userId))) {
      this.logger.warn(`Stripe subscription ${sub.id} names no known user; ignored`);
      return;
    }
    const live = type !== 'customer.subscription.deleted' && LIVE_SUBSCRIPTION.has(sub.status);
    const licenseType = live ? this.planOf(sub) : 'FREE';
    const ends = sub.items.data.map((i) => i.current_period_end).filter(Boolean);
    const licenseExpiry =
      licenseType !== 'FREE' && ends.length
        ? new Date(Math.max(...ends) * 1000).toISOString()
        : null;
    await this.billing.request<SetLicenceReply>('setLicence', {
      userId,
      licenseType,
      licenseExpiry,
      source: 'stripe',
      reason: `subscription ${sub.id} ${sub.status}`,
    });
  }

  private planOf(sub: Stripe.Subscription): 'PREMIUM' | 'ENTERPRISE' | 'FREE' {
    const named = sub.metadata?.licenseType;
    if (named === 'PREMIUM' || named === 'ENTERPRISE') return named;
    for (const item of sub.items.data) {
      const plan = this.packs.licenceOfPrice(item.price.id);
      if (plan?.kind === 'licence') return plan.licenseType;
    }
    return 'FREE';
  }
}
