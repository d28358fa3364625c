import request from 'supertest';
import { fund, registerUser, type RegisteredUser } from '../support/factories';
import { mixableProject, waitForJob } from '../support/mixing-project';
import { Receiver } from './receiver';
import { useSystem } from '../support/system';

jest.setTimeout(180_000);

// The receiver runs on 127.0.0.1: allowed in tests only. Retries come fast.
Object.assign(process.env, {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE_MS: '300,300,300,300,300',
  WEBHOOK_POLL_INTERVAL_MS: '100',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_DISABLE_AFTER_MS: String(5 * 24 * 3600_000),
});

const receiver = new Receiver();
let base: string;

// The receiver listens before the apps start and closes after they have stopped.
beforeAll(async () => {
  base = await receiver.listen();
});
const sys = useSystem({ billing: true, worker: true });
afterAll(() => receiver.close());

const bearer = (u: RegisteredUser) => ({ Authorization: `Bearer ${u.token}` });

describe('a job end to end, with a signed webhook endpoint that fails at first', () => {
  let u: RegisteredUser;
  let endpoint: { id: string; secret: string };
  let job: { id: string; projectId: string; outputs: { id: string; filename: string }[] };
  let failingEndpointId: string;
  let metadataEndpointId: string;

  beforeAll(async () => {
    u = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, u.user.id, 100);
    const created = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: `${base}/hooks`, events: ['job.completed', 'output.ready'] })
      .expect(201);
    endpoint = created.body;
    receiver.secrets = [endpoint.secret];
    // Endpoints the API would refuse, put in directly: the deliverer must refuse them too.
    metadataEndpointId = (
      await sys.db.prisma.webhookEndpoint.create({
        data: {
          userId: u.user.id,
          url: 'http://169.254.169.254/latest/meta-data/',
          events: ['job.completed'],
          secret: endpoint.secret,
        },
      })
    ).id;
    // Failing for 6 days already: the next failure disables it.
    failingEndpointId = (
      await sys.db.prisma.webhookEndpoint.create({
        data: {
          userId: u.user.id,
          url: `${base}/always-503`,
          events: ['job.completed'],
          secret: endpoint.secret,
          failingSince: new Date(Date.now() - 6 * 24 * 3600_000),
        },
      })
    ).id;

    const projectId = await mixableProject(sys.gw, u.token, { settings: { outputCount: 2 } });
    const started = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set(bearer(u))
      .send({ metadata: { campaign: 'spring', externalId: 42, tags: ['a', 'b'] } })
      .expect(202);
    job = await waitForJob(sys.gw, u.token, started.body.id, (j) => j.status === 'COMPLETED');
    await receiver.waitFor(
      () => receiver.accepted().length >= 3,
      'job.completed and two output.ready accepted',
    );
    // Recorded once the answers are in.
    await waitForRow(async () =>
      (await sys.db.prisma.webhookDelivery.count({
        where: { endpointId: endpoint.id, status: 'DELIVERED' },
      })) >= 3
        ? true
        : null,
    );
  });

  it('delivers each event exactly once, after two 503s, with the same webhook-id every time', async () => {
    const accepted = receiver.accepted().filter((a) => a.path === '/hooks');
    const events = accepted.map((a) => JSON.parse(a.body).type).sort();
    expect(events).toEqual(['job.completed', 'output.ready', 'output.ready']);
    const ids = accepted.map((a) => a.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      expect(id).toMatch(/^msg_/);
      const tries = receiver.attempts.filter((a) => a.id === id);
      expect(tries.map((a) => a.status)).toEqual([503, 503, 204]);
      expect(new Set(tries.map((a) => a.body)).size).toBe(1);
    }
  });

  it('signs each attempt per Standard Webhooks, verifiable with the endpoint secret', () => {
    for (const a of receiver.attempts.filter((x) => x.path === '/hooks')) {
      expect(a.signature).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(receiver.verifies(endpoint.secret, a)).toBe(true);
    }
  });

  it("names the job, project, status, outputs, and echoes the job's metadata", () => {
    const bodies = receiver.accepted().map((a) => JSON.parse(a.body));
    const completed = bodies.find((b) => b.type === 'job.completed');
    expect(completed).toEqual({
      type: 'job.completed',
      timestamp: expect.any(String),
      data: {
        jobId: job.id,
        projectId: job.projectId,
        status: 'COMPLETED',
        outputs: job.outputs.map((o) => ({
          id: o.id,
          name: o.filename,
          size: expect.any(Number),
          durationSeconds: expect.any(Number),
        })),
        metadata: { campaign: 'spring', externalId: 42, tags: ['a', 'b'] },
      },
    });
    expect(completed.data.outputs.every((o: { size: number }) => o.size > 0)).toBe(true);
    const ready = bodies.filter((b) => b.type === 'output.ready');
    expect(ready.map((b) => b.data.outputs[0].id).sort()).toEqual(
      job.outputs.map((o) => o.id).sort(),
    );
    for (const b of ready) expect(b.data).toMatchObject({ jobId: job.id, outputs: [{}] });
  });

  it('lists the deliveries with their attempts and last status code', async () => {
    const res = await request(sys.gw.server)
      .get(`/api/v1/webhooks/${endpoint.id}/deliveries?status=delivered`)
      .set(bearer(u))
      .expect(200);
    expect(res.body.total).toBe(3);
    for (const d of res.body.items) {
      expect(d).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 204 });
      expect(d.nextAttemptAt).toBeNull();
    }
    // One delivery per event for this endpoint, whatever the redeliveries and catch-ups.
    const all = await request(sys.gw.server)
      .get(`/api/v1/webhooks/${endpoint.id}/deliveries`)
      .set(bearer(u))
      .expect(200);
    expect(all.body.total).toBe(3);
  });

  it('refuses a metadata address at delivery too, even with WEBHOOK_ALLOW_PRIVATE', async () => {
    const d = await waitForRow(() =>
      sys.db.prisma.webhookDelivery.findFirst({
        where: { endpointId: metadataEndpointId, attempts: { gte: 1 } },
      }),
    );
    expect(d.lastStatusCode).toBeNull();
    expect(d.lastError).toMatch(/169\.254\.169\.254, a link-local or metadata address/);
    expect(receiver.attempts.some((a) => a.path.startsWith('/latest'))).toBe(false);
  });

  it('disables an endpoint that has failed for 5 days', async () => {
    const row = await waitForRow(() =>
      sys.db.prisma.webhookEndpoint.findFirst({ where: { id: failingEndpointId, enabled: false } }),
    );
    expect(row.disabledReason).toMatch(/kept failing/);
    expect(receiver.attempts.some((a) => a.path === '/always-503')).toBe(true);
  });

  it('retries a delivery on request (202) with the same webhook-id', async () => {
    const [delivery] = (
      await request(sys.gw.server)
        .get(`/api/v1/webhooks/${endpoint.id}/deliveries`)
        .set(bearer(u))
        .expect(200)
    ).body.items;
    const before = receiver.attempts.filter((a) => a.id === delivery.id).length;
    await request(sys.gw.server)
      .post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/retry`)
      .set(bearer(u))
      .expect(202);
    await receiver.waitFor(
      () => receiver.attempts.filter((a) => a.id === delivery.id).length > before,
      'the retried delivery',
    );
    const last = receiver.attempts.filter((a) => a.id === delivery.id).at(-1)!;
    expect(last.status).toBe(204);
    const row = await waitForRow(() =>
      sys.db.prisma.webhookDelivery.findFirst({ where: { id: delivery.id, attempts: 4 } }),
    );
    expect(row.status).toBe('DELIVERED');
  });

  it('after a rotation, signs with both secrets: either one verifies', async () => {
    const rotated = await request(sys.gw.server)
      .post(`/api/v1/webhooks/${endpoint.id}/rotate-secret`)
      .set(bearer(u))
      .expect(200);
    const { items } = (
      await request(sys.gw.server)
        .get(`/api/v1/webhooks/${endpoint.id}/deliveries`)
        .set(bearer(u))
        .expect(200)
    ).body;
    const delivery = items[items.length - 1];
    const before = receiver.attempts.length;
    await request(sys.gw.server)
      .post(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery.id}/retry`)
      .set(bearer(u))
      .expect(202);
    await receiver.waitFor(
      () => receiver.attempts.slice(before).some((a) => a.id === delivery.id),
      'the delivery signed after rotation',
    );
    const signed = receiver.attempts.slice(before).find((a) => a.id === delivery.id)!;
    expect(signed.signature.split(' ')).toHaveLength(2);
    expect(receiver.verifies(rotated.body.secret, signed)).toBe(true);
    expect(receiver.verifies(endpoint.secret, signed)).toBe(true);
    expect(receiver.verifies(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, signed)).toBe(
      false,
    );
  });
});

describe('registering with WEBHOOK_ALLOW_PRIVATE=true (development and tests)', () => {
  it('accepts loopback URLs, never link-local or metadata ones', async () => {
    const u = await registerUser(sys.gw.server);
    await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: 'http://localhost:9/x', events: ['job.failed'] })
      .expect(201);
    const res = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(bearer(u))
      .send({ url: 'http://169.254.169.254/', events: ['job.failed'] })
      .expect(400);
    expect(res.body.message).toMatch(/link-local or metadata/);
  });
});

async function waitForRow<T>(find: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await find();
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no such row within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
