import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { registerUser } from '../support/factories';
import { FakeStripe, signedEvent } from '../support/fake-stripe';

// Real servers on a busy 2-core machine: startup alone can take seconds.
jest.setTimeout(30_000);

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling;
const stripe = new FakeStripe();

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await stripe.start();
  Object.assign(process.env, stripe.env(port), { STRIPE_TIMEOUT_MS: '1000' });
  billing = await startBilling();
  gw = await startGateway();
});
afterAll(async () => {
  await gw?.close();
  await billing?.close();
  await stripe.stop();
  await db?.drop();
});

const WEBHOOK = '/api/v1/billing/webhooks/stripe';

function deliver(event: { body: string; signature?: string }) {
  const req = request(gw.server).post(WEBHOOK).set('Content-Type', 'application/json');
  if (event.signature) req.set('Stripe-Signature', event.signature);
  return req.send(event.body);
}

const credits = async (userId: string) =>
  (await db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).credits;

const completedSession = (id: string, userId: string, n: number, extra = {}) =>
  signedEvent('checkout.session.completed', {
    id,
    object: 'checkout.session',
    mode: 'payment',
    payment_status: 'paid',
    client_reference_id: userId,
    customer: null,
    metadata: { credits: String(n), pack: 'medium' },
    ...extra,
  });

describe('Stripe checkout', () => {
  it('lists the configured packs and plans with their prices', async () => {
    const { token } = await registerUser(gw.server);
    const res = await request(gw.server)
      .get('/api/v1/billing/packs')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.map((p: { id: string }) => p.id)).toEqual([
      'small',
      'medium',
      'large',
      'premium-monthly',
      'enterprise-monthly',
    ]);
    expect(res.body[1]).toMatchObject({ kind: 'credits', credits: 2000, amount: 1800 });
    expect(res.body[3]).toMatchObject({ kind: 'licence', licenseType: 'PREMIUM' });
  });

  it('creates a session carrying client_reference_id and metadata.credits for a pack', async () => {
    const { token, user } = await registerUser(gw.server);
    const res = await request(gw.server)
      .post('/api/v1/billing/checkout')
      .set('Authorization', `Bearer ${token}`)
      .send({ pack: 'medium' })
      .expect(201);
    expect(res.body).toEqual({
      url: expect.stringMatching(/^https:\/\//),
      sessionId: expect.any(String),
    });
    const sent = stripe.received.at(-1)!;
    expect(sent.path).toBe('/v1/checkout/sessions');
    expect(sent.form.get('mode')).toBe('payment');
    expect(sent.form.get('client_reference_id')).toBe(user.id);
    expect(sent.form.get('metadata[credits]')).toBe('2000');
    expect(sent.form.get('line_items[0][price_data][unit_amount]')).toBe('1800');
  });

  it('creates a subscription session for a plan, naming the licence and the user', async () => {
    const { token, user } = await registerUser(gw.server);
    await request(gw.server)
      .post('/api/v1/billing/checkout')
      .set('Authorization', `Bearer ${token}`)
      .send({ pack: 'premium-monthly' })
      .expect(201);
    const sent = stripe.received.at(-1)!;
    expect(sent.form.get('mode')).toBe('subscription');
    expect(sent.form.get('client_reference_id')).toBe(user.id);
    expect(sent.form.get('metadata[licenseType]')).toBe('PREMIUM');
    expect(sent.form.get('subscription_data[metadata][userId]')).toBe(user.id);
    expect(sent.form.get('line_items[0][price_data][recurring][interval]')).toBe('month');
  });

  it('refuses an unknown pack with 400 naming the known ones', async () => {
    const { token } = await registerUser(gw.server);
    const res = await request(gw.server)
      .post('/api/v1/billing/checkout')
      .set('Authorization', `Bearer ${token}`)
      .send({ pack: 'huge' })
      .expect(400);
    expect(res.body.message).toContain('unknown pack "huge"');
    expect(res.body.message).toContain('small, medium, large');
  });

  it('answers 503 when Stripe is unreachable', async () => {
    const { token } = await registerUser(gw.server);
    stripe.down = true;
    try {
      const res = await request(gw.server)
        .post('/api/v1/billing/checkout')
        .set('Authorization', `Bearer ${token}`)
        .send({ pack: 'small' })
        .expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    } finally {
      stripe.down = false;
    }
  });
});

describe('Stripe webhook', () => {
  it('credits a completed session once, however many times it is delivered', async () => {
    const { user } = await registerUser(gw.server);
    const event = completedSession('cs_replay_1', user.id, 2000);
    for (let i = 0; i < 5; i++) {
      expect((await deliver(event).expect(200)).body).toEqual({ received: true });
    }
    expect(await credits(user.id)).toBe(2000);
    const rows = await db.prisma.creditTransaction.findMany({ where: { userId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 2000, type: 'PURCHASE' });
    expect(rows[0].reference).toBe('purchase:stripe:cs_replay_1');
  });

  it('refuses a forged or missing signature with 400 and changes nothing', async () => {
    const { user } = await registerUser(gw.server);
    const forged = completedSession('cs_forged', user.id, 5000);
    const otherSecret = signedEvent('checkout.session.completed', {}, 'whsec_notthesecret123');
    const res = await deliver({ body: forged.body, signature: otherSecret.signature }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    await deliver({ body: forged.body }).expect(400);
    // The right signature over another body is no signature for this one.
    await deliver({
      body: forged.body.replace('5000', '50000'),
      signature: forged.signature,
    }).expect(400);
    expect(await credits(user.id)).toBe(0);
    expect(await db.prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(0);
  });

  it('takes the credits of a refunded payment back, never below 0, recording the shortfall', async () => {
    const { user } = await registerUser(gw.server);
    await deliver(completedSession('cs_refund_1', user.id, 2000)).expect(200);
    stripe.sessionsByPaymentIntent.set('pi_refund_1', 'cs_refund_1');
    const refund = (refunded: number) =>
      signedEvent('charge.refunded', {
        id: 'ch_refund_1',
        object: 'charge',
        payment_intent: 'pi_refund_1',
        amount: 1800,
        amount_refunded: refunded,
        refunded: refunded === 1800,
      });
    // Half the money back: half the credits.
    await deliver(refund(900)).expect(200);
    expect(await credits(user.id)).toBe(1000);
    // The user spends most of the rest; then the whole payment is refunded.
    await db.prisma.user.update({ where: { id: user.id }, data: { credits: 300 } });
    const full = refund(1800);
    await deliver(full).expect(200);
    await deliver(full).expect(200);
    expect(await credits(user.id)).toBe(0);
    const takeBacks = await db.prisma.creditTransaction.findMany({
      where: { userId: user.id, type: 'ADJUSTMENT' },
      orderBy: { createdAt: 'asc' },
    });
    expect(takeBacks.map((t) => t.amount)).toEqual([-1000, -300]);
    expect(takeBacks[1].description).toContain('shortfall 700');
    const audit = await db.prisma.auditLog.findMany({
      where: { action: 'billing.payment_refunded', targetId: user.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(audit.map((a) => a.details)).toEqual([
      expect.objectContaining({ takenBack: 1000, shortfall: 0 }),
      expect.objectContaining({ takenBack: 300, shortfall: 700 }),
    ]);
  });

  it('sets the licence from subscription events and audits each change as licence.changed', async () => {
    const { user } = await registerUser(gw.server);
    // The first checkout remembers the customer: later events may name only the customer.
    await deliver(
      completedSession('cs_sub_1', user.id, 0, {
        mode: 'subscription',
        customer: 'cus_sub_1',
        metadata: {},
      }),
    ).expect(200);
    const periodEnd = Math.floor(Date.UTC(2027, 0, 15) / 1000);
    const subscription = (status: string, metadata: Record<string, string>) => ({
      id: 'sub_1',
      object: 'subscription',
      customer: 'cus_sub_1',
      status,
      metadata,
      items: {
        object: 'list',
        data: [{ id: 'si_1', current_period_end: periodEnd, price: { id: 'price_x' } }],
      },
    });
    const created = signedEvent(
      'customer.subscription.created',
      subscription('active', { userId: user.id, licenseType: 'PREMIUM' }),
    );
    await deliver(created).expect(200);
    await deliver(created).expect(200);
    let row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.licenseType).toBe('PREMIUM');
    expect(row.licenseExpiry?.toISOString()).toBe('2027-01-15T00:00:00.000Z');

    await deliver(
      signedEvent(
        'customer.subscription.updated',
        subscription('active', { licenseType: 'ENTERPRISE' }),
      ),
    ).expect(200);
    row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.licenseType).toBe('ENTERPRISE');

    await deliver(
      signedEvent('customer.subscription.deleted', subscription('canceled', { userId: user.id })),
    ).expect(200);
    row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ licenseType: 'FREE', licenseExpiry: null });

    const changes = await db.prisma.auditLog.findMany({
      where: { action: 'licence.changed', targetId: user.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(
      changes.map((c) => (c.details as { to: { licenseType: string } }).to.licenseType),
    ).toEqual(['PREMIUM', 'ENTERPRISE', 'FREE']);
    expect(changes[0].details).toMatchObject({ source: 'stripe', from: { licenseType: 'FREE' } });
  });

  it('has no self-service purchase when payments go through Stripe', async () => {
    const { token } = await registerUser(gw.server);
    await request(gw.server)
      .post('/api/v1/billing/purchase')
      .set('Authorization', `Bearer ${token}`)
      .send({ credits: 10, paymentReference: 'free-money' })
      .expect(404);
  });
});
