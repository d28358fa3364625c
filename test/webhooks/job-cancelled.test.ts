import { natsNames } from '@app/contracts';
import request from 'supertest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startWorker, type TestWorker } from '../support/worker';
import { fund, registerUser } from '../support/factories';
import { mixableProject } from '../support/mixing-project';
import { Receiver } from './receiver';
import { useSystem } from '../support/system';

jest.setTimeout(120_000);

Object.assign(process.env, {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_SCHEDULE_MS: '200,200,200',
  WEBHOOK_POLL_INTERVAL_MS: '100',
});

let worker: TestWorker | undefined;
const receiver = new Receiver(0);
let base: string;

// The receiver listens before the apps start and closes after they have stopped.
beforeAll(async () => {
  base = await receiver.listen();
});
const sys = useSystem({ billing: true, stopFirst: async () => worker?.close() });
afterAll(() => receiver.close());

describe('job.cancelled of a job cancelled while PENDING (no worker ever ran it)', () => {
  it('is queued by the gateway and delivered once, though the worker settles the job again', async () => {
    const u = await registerUser(sys.gw.server);
    const auth = { Authorization: `Bearer ${u.token}` };
    await fund(sys.db.prisma, u.user.id, 100);
    const endpoint = await request(sys.gw.server)
      .post('/api/v1/webhooks')
      .set(auth)
      .send({ url: `${base}/hooks`, events: ['job.cancelled', 'job.completed'] })
      .expect(201);
    receiver.secrets = [endpoint.body.secret];
    const projectId = await mixableProject(sys.gw, u.token, { perGroup: 1 });
    // No worker runs yet: the job stays PENDING until cancelled.
    const job = await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set(auth)
      .send({ metadata: { order: 'A-1' } })
      .expect(202);
    await request(sys.gw.server).post(`/api/v1/jobs/${job.body.id}/cancel`).set(auth).expect(202);

    // The gateway queued the event: it is on the stream before any worker exists.
    const queued = await queuedWebhookEvent();
    expect(queued).toMatchObject({
      key: `${job.body.id}:job.cancelled`,
      userId: u.user.id,
      payload: { type: 'job.cancelled', data: { status: 'CANCELLED' } },
    });

    // A worker now takes the queued message, finds the job final, settles it and publishes the
    // same event again; it also fans the gateway's event out and delivers it.
    worker = await startWorker();
    await receiver.waitFor(() => receiver.accepted().length >= 1, 'job.cancelled');
    const settled = await waitUntil(() =>
      sys.db.prisma.jobSettlement.findUnique({ where: { jobId: job.body.id } }),
    );
    expect(settled.refunded).toBe(settled.reserved);

    const [delivered] = receiver.accepted();
    expect(JSON.parse(delivered.body)).toEqual({
      type: 'job.cancelled',
      timestamp: expect.any(String),
      data: {
        jobId: job.body.id,
        projectId,
        status: 'CANCELLED',
        outputs: [],
        metadata: { order: 'A-1' },
      },
    });
    // Recorded once the answer is in.
    await waitUntil(() =>
      sys.db.prisma.webhookDelivery.findFirst({ where: { id: delivered.id, status: 'DELIVERED' } }),
    );
    const rows = await sys.db.prisma.webhookDelivery.findMany({
      where: { endpointId: endpoint.body.id },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: delivered.id, status: 'DELIVERED', attempts: 1 });
    expect(receiver.attempts).toHaveLength(1);
  });
});

/** The last event on the webhook events stream of this file's NATS prefix. */
async function queuedWebhookEvent(): Promise<unknown> {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    const names = natsNames(process.env.NATS_PREFIX!).webhooks;
    const jsm = await jetstreamManager(nc);
    const msg = await jsm.streams.getMessage(names.eventsStream, {
      last_by_subj: names.eventsSubject,
    });
    return msg ? JSON.parse(new TextDecoder().decode(msg.data)) : null;
  } finally {
    await nc.close();
  }
}

async function waitUntil<T>(find: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await find();
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
