import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export const STRIPE_WEBHOOK_SECRET = 'whsec_testsecret0123456789';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Stripe sends form-encoded bodies: nested keys arrive flat, e.g. `metadata[credits]`. */
  form: URLSearchParams;
}

/**
 * A local stand-in for the two Stripe endpoints the gateway uses: creating a Checkout Session
 * and listing sessions by payment intent. Records what it received; `down` makes it drop every
 * connection, as an unreachable Stripe would.
 */
export class FakeStripe {
  readonly received: ReceivedRequest[] = [];
  /** payment intent id → checkout session id, for GET /v1/checkout/sessions?payment_intent= */
  readonly sessionsByPaymentIntent = new Map<string, string>();
  down = false;
  private server!: Server;
  private count = 0;

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      if (this.down) {
        req.socket.destroy();
        return;
      }
      void this.answer(req).then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as AddressInfo).port;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** The environment that points the gateway's Stripe client here. */
  env(port: number): Record<string, string> {
    return {
      PAYMENTS_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_fake0123456789',
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  private async answer(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const got: ReceivedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(Buffer.concat(chunks).toString()),
    };
    this.received.push(got);
    if (got.method === 'POST' && got.path === '/v1/checkout/sessions') {
      const id = `cs_test_${++this.count}`;
      return [
        200,
        {
          id,
          object: 'checkout.session',
          mode: got.form.get('mode'),
          client_reference_id: got.form.get('client_reference_id'),
          url: `https://checkout.stripe.test/c/pay/${id}`,
        },
      ];
    }
    if (got.method === 'GET' && got.path === '/v1/checkout/sessions') {
      const session = this.sessionsByPaymentIntent.get(got.query.get('payment_intent') ?? '');
      return [
        200,
        {
          object: 'list',
          url: '/v1/checkout/sessions',
          has_more: false,
          data: session ? [{ id: session, object: 'checkout.session' }] : [],
        },
      ];
    }
    return [404, { error: { type: 'invalid_request_error', message: 'no such route' } }];
  }
}

/** A Stripe event as Stripe would post it: the body and its Stripe-Signature header. */
export function signedEvent(
  type: string,
  object: Record<string, unknown>,
  secret = STRIPE_WEBHOOK_SECRET,
): { body: string; signature: string } {
  const body = JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type,
    api_version: '2025-01-01',
    created: Math.floor(Date.now() / 1000),
    data: { object },
  });
  const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
    payload: body,
    secret,
  });
  return { body, signature };
}
