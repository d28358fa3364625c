import request from 'supertest';
import { expectErrorShape, fieldsOf } from '../support/http';
import { registerUser, type RegisteredUser } from '../support/factories';
import { useSystem } from '../support/system';

// Production-like: loopback and private addresses are refused.
process.env.WEBHOOK_ALLOW_PRIVATE = 'false';

const sys = useSystem();

const bearer = (u: RegisteredUser) => ({ Authorization: `Bearer ${u.token}` });
// An IP literal: judged without DNS.
const PUBLIC_URL = 'https://93.184.216.34/hooks/vmp';

async function createWebhook(u: RegisteredUser, body: Record<string, unknown> = {}) {
  const res = await request(sys.gw.server)
    .post('/api/v1/webhooks')
    .set(bearer(u))
    .send({ url: PUBLIC_URL, events: ['job.completed', 'job.failed'], ...body });
  if (res.status !== 201)
    throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string; [k: string]: unknown };
}

describe('POST /webhooks', () => {
  it('registers an endpoint and shows its whsec_ secret once', async () => {
    const u = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: PUBLIC_URL, events: ['job.completed', 'output.ready'], description: 'ci' })
      .expect(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      url: PUBLIC_URL,
      events: ['job.completed', 'output.ready'],
      description: 'ci',
      enabled: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]+$/),
    });
    const one = await request(sys.gw.server)
      .get(`/api/v1/webhooks/${res.body.id}`)
      .set(bearer(u))
      .expect(200);
    expect(one.body).toMatchObject({ id: res.body.id, url: PUBLIC_URL, enabled: true });
    expect(one.body).not.toHaveProperty('secret');
    const list = await request(sys.gw.server).get('/api/v1/webhooks').set(bearer(u)).expect(200);
    expect(list.body.map((w: { id: string }) => w.id)).toEqual([res.body.id]);
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
  });

  it('names the fields of a malformed body', async () => {
    const u = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: 42, events: ['job.started'] });
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['events', 'url']);
    const empty = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: PUBLIC_URL, events: [] });
    expectErrorShape(empty, 400);
    expect(fieldsOf(empty)).toEqual(['events']);
  });

  it.each([
    ['an ftp URL', 'ftp://93.184.216.34/x', /https or http/],
    ['a URL over 2048 characters', `https://93.184.216.34/${'a'.repeat(2050)}`, /2048/],
    ['a URL with credentials', 'https://user:secret@93.184.216.34/', /user name or password/],
  ])('refuses %s', async (_label, url, reason) => {
    const u = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url, events: ['job.completed'] });
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['url']);
    expect(JSON.stringify(res.body)).toMatch(reason);
  });
});

describe('no server-side request forgery at registration', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1, a loopback or private address/],
    ['http://localhost:8080/hook', /localhost resolves to .*a loopback or private address/],
    ['http://10.1.2.3/hook', /10\.1\.2\.3, a loopback or private address/],
    ['http://192.168.0.10/hook', /loopback or private/],
    ['http://172.20.0.1/hook', /loopback or private/],
    ['http://100.64.1.1/hook', /loopback or private/],
    ['http://[::1]/hook', /loopback or private/],
    ['http://0.0.0.0/hook', /loopback or private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local or metadata/],
    ['http://[fd00:ec2::254]/', /link-local or metadata/],
    ['http://[fe80::1]/', /link-local or metadata/],
  ])('refuses %s with a 400 naming the reason', async (url, reason) => {
    const u = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url, events: ['job.completed'] });
    expectErrorShape(res, 400);
    expect(res.body.message).toMatch(reason);
    expect(res.body.details).toEqual([{ field: 'url', problems: [res.body.message] }]);
  });

  it('refuses a private URL in a PATCH as well', async () => {
    const u = await registerUser(sys.gw.server);
    const { id } = await createWebhook(u);
    const res = await request(sys.gw.server)
      .patch(`/api/v1/webhooks/${id}`)
      .set(bearer(u))
      .send({ url: 'http://127.0.0.1/' });
    expectErrorShape(res, 400);
    const row = await sys.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.url).toBe(PUBLIC_URL);
  });
});

describe('managing endpoints', () => {
  it('changes events, description and enabled, then deletes the endpoint', async () => {
    const u = await registerUser(sys.gw.server);
    const { id } = await createWebhook(u);
    const res = await request(sys.gw.server)
      .patch(`/api/v1/webhooks/${id}`)
      .set(bearer(u))
      .send({ events: ['output.ready'], enabled: false, description: 'paused' })
      .expect(200);
    expect(res.body).toMatchObject({ id, events: ['output.ready'], enabled: false });
    await request(sys.gw.server).delete(`/api/v1/webhooks/${id}`).set(bearer(u)).expect(204);
    await request(sys.gw.server).get(`/api/v1/webhooks/${id}`).set(bearer(u)).expect(404);
  });

  it("answers 404 for another user's endpoint, whatever the route", async () => {
    const owner = await registerUser(sys.gw.server);
    const other = await registerUser(sys.gw.server);
    const { id } = await createWebhook(owner);
    const routes = [
      request(sys.gw.server).get(`/api/v1/webhooks/${id}`),
      request(sys.gw.server).patch(`/api/v1/webhooks/${id}`).send({ enabled: false }),
      request(sys.gw.server).delete(`/api/v1/webhooks/${id}`),
      request(sys.gw.server).post(`/api/v1/webhooks/${id}/rotate-secret`),
      request(sys.gw.server).get(`/api/v1/webhooks/${id}/deliveries`),
      request(sys.gw.server).post(`/api/v1/webhooks/${id}/deliveries/msg_x/retry`),
    ];
    for (const r of routes) expectErrorShape(await r.set(bearer(other)), 404);
    const list = await request(sys.gw.server)
      .get('/api/v1/webhooks')
      .set(bearer(other))
      .expect(200);
    expect(list.body).toEqual([]);
    const row = await sys.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.enabled).toBe(true);
  });

  it('rotates the secret: the new one is answered, the old one kept for 24 hours', async () => {
    const u = await registerUser(sys.gw.server);
    const { id, secret } = await createWebhook(u);
    const before = Date.now();
    const res = await request(sys.gw.server)
      .post(`/api/v1/webhooks/${id}/rotate-secret`)
      .set(bearer(u))
      .expect(200);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.secret).not.toBe(secret);
    const row = await sys.db.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.secret).toBe(res.body.secret);
    expect(row.previousSecret).toBe(secret);
    const validFor = row.previousSecretExpiresAt!.getTime() - before;
    expect(validFor).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(validFor).toBeLessThanOrEqual(24 * 3600_000 + 1000);
  });

  it('an API key needs the read scope to list and the write scope to change', async () => {
    const u = await registerUser(sys.gw.server);
    const { id } = await createWebhook(u);
    const key = await request(sys.gw.server)
      .post('/api/v1/api-keys')
      .set(bearer(u))
      .send({ name: 'reader', scopes: ['read'] })
      .expect(201);
    const withKey = { 'X-API-Key': key.body.key };
    await request(sys.gw.server).get('/api/v1/webhooks').set(withKey).expect(200);
    await request(sys.gw.server).get(`/api/v1/webhooks/${id}/deliveries`).set(withKey).expect(200);
    expectErrorShape(
      await request(sys.gw.server)
        .post('/api/v1/webhooks')
        .set(withKey)
        .send({ url: PUBLIC_URL, events: ['job.completed'] }),
      403,
    );
    expectErrorShape(
      await request(sys.gw.server).post(`/api/v1/webhooks/${id}/rotate-secret`).set(withKey),
      403,
    );
  });

  it('allows at most 20 endpoints per user (409)', async () => {
    const u = await registerUser(sys.gw.server);
    for (let i = 0; i < 20; i++) await createWebhook(u);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: PUBLIC_URL, events: ['job.completed'] });
    expectErrorShape(res, 409);
  });
});

describe('GET /webhooks/:id/deliveries and retry', () => {
  it('pages the deliveries newest first, filters by status, and retries one now (202)', async () => {
    const u = await registerUser(sys.gw.server);
    const { id } = await createWebhook(u);
    const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s));
    await sys.db.prisma.webhookDelivery.createMany({
      data: [
        {
          id: 'msg_a',
          status: 'DELIVERED' as const,
          attempts: 1,
          lastStatusCode: 200,
          createdAt: at(1),
        },
        {
          id: 'msg_b',
          status: 'FAILED' as const,
          attempts: 8,
          lastStatusCode: 503,
          createdAt: at(2),
        },
        {
          id: 'msg_c',
          status: 'PENDING' as const,
          attempts: 2,
          lastStatusCode: 500,
          nextAttemptAt: at(3600),
          createdAt: at(3),
        },
      ].map((d) => ({
        ...d,
        endpointId: id,
        eventKey: `${d.id}:job.completed`,
        eventType: 'job.completed',
        payload: '{}',
      })),
    });
    const page = await request(sys.gw.server)
      .get(`/api/v1/webhooks/${id}/deliveries?limit=2`)
      .set(bearer(u))
      .expect(200);
    expect(page.body).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(page.body.items.map((d: { id: string }) => d.id)).toEqual(['msg_c', 'msg_b']);
    expect(page.body.items[0]).toMatchObject({
      event: 'job.completed',
      status: 'PENDING',
      attempts: 2,
      lastStatusCode: 500,
      nextAttemptAt: at(3600).toISOString(),
    });
    const failed = await request(sys.gw.server)
      .get(`/api/v1/webhooks/${id}/deliveries?status=failed`)
      .set(bearer(u))
      .expect(200);
    expect(failed.body.items.map((d: { id: string }) => d.id)).toEqual(['msg_b']);
    expectErrorShape(
      await request(sys.gw.server)
        .get(`/api/v1/webhooks/${id}/deliveries?status=lost`)
        .set(bearer(u)),
      400,
    );

    const before = Date.now();
    await request(sys.gw.server)
      .post(`/api/v1/webhooks/${id}/deliveries/msg_b/retry`)
      .set(bearer(u))
      .expect(202);
    const row = await sys.db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: 'msg_b' } });
    expect(row.status).toBe('PENDING');
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(row.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expectErrorShape(
      await request(sys.gw.server)
        .post(`/api/v1/webhooks/${id}/deliveries/msg_nope/retry`)
        .set(bearer(u)),
      404,
    );
  });
});

describe('the metadata a job may carry (echoed in its webhook events)', () => {
  it.each([
    ['an array', [1, 2]],
    ['a string', 'campaign'],
    ['more than 50 keys', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))],
    ['more than 4 KiB', { note: 'x'.repeat(4100) }],
  ])('refuses %s with a 400 naming metadata', async (_label, metadata) => {
    const u = await registerUser(sys.gw.server);
    const res = await request(sys.gw.server)
      .post('/api/v1/projects/any-project/jobs')
      .set(bearer(u))
      .send({ metadata });
    expectErrorShape(res, 400);
    expect(fieldsOf(res)).toEqual(['metadata']);
  });
});
