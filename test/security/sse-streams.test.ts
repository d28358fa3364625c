import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { createProject, registerUser } from '../support/factories';
import { JobEventsStream } from '../../apps/gateway/src/jobs/job-events/job-events.stream';

jest.setTimeout(120_000);

const LIMIT = 50;

let db: TestDatabase;
let gw: TestGateway;
let base: string;
let token: string;
let jobId: string;

interface OpenStream {
  req: ClientRequest;
  res: IncomingMessage;
  text: () => string;
}

/** Opens an event stream and resolves once its answer (status and headers) arrived. */
function openStream(id: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}/api/v1/jobs/${id}/events`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('error', () => undefined);
      resolve({ req, res, text: () => body });
    });
  });
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hub = () => gw.app.get(JobEventsStream).hub;

beforeAll(async () => {
  process.env.SSE_MAX_STREAMS_PER_USER = String(LIMIT);
  db = await createTestDatabase();
  gw = await startGateway();
  await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
  ({ token } = await registerUser(gw.server));
  const project = await createProject(gw.server, token);
  jobId = (
    await db.prisma.processingJob.create({
      data: {
        projectId: project.id,
        status: 'PROCESSING',
        progress: 10,
        startedAt: new Date(),
        outputCount: 4,
        idempotencyKey: 'sse-key',
        requestHash: 'x',
      },
    })
  ).id;
});
afterAll(async () => {
  await gw?.close();
  await db?.drop();
  delete process.env.SSE_MAX_STREAMS_PER_USER;
});

describe('Server-Sent Event streams of one job', () => {
  let streams: OpenStream[] = [];

  it(`share one subscription and one poller across ${LIMIT} streams, and other requests still answer`, async () => {
    streams = await Promise.all(Array.from({ length: LIMIT }, () => openStream(jobId)));
    expect(streams.map((s) => s.res.statusCode)).toEqual(Array(LIMIT).fill(200));
    await until(
      () => streams.every((s) => s.text().includes('"progress":10')),
      'every stream to get the current state',
    );
    expect(hub().stats()).toMatchObject({ jobs: 1, streams: LIMIT, pollersStarted: 1 });

    // A change reaches every stream through the one poller.
    await db.prisma.processingJob.update({ where: { id: jobId }, data: { progress: 60 } });
    await until(
      () => streams.every((s) => s.text().includes('"progress":60')),
      'every stream to see the change',
    );
    expect(hub().stats().pollersStarted).toBe(1);

    const others = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(gw.server).get('/api/v1/projects').set('Authorization', `Bearer ${token}`),
      ),
    );
    expect(others.map((r) => r.status)).toEqual(Array(10).fill(200));
  });

  it(`refuses the user's stream number ${LIMIT + 1} with 429 naming the limit`, async () => {
    const res = await request(gw.server)
      .get(`/api/v1/jobs/${jobId}/events`)
      .set('Authorization', `Bearer ${token}`)
      .expect(429);
    expect(res.body.message).toContain(`at most ${LIMIT} per user`);
  });

  it('stops the poller when the last stream closes, and gives the slots back', async () => {
    for (const s of streams) s.req.destroy();
    await until(() => hub().stats().jobs === 0, 'the job watch to stop');
    expect(hub().stats().streams).toBe(0);

    const again = await openStream(jobId);
    expect(again.res.statusCode).toBe(200);
    await db.prisma.processingJob.update({
      where: { id: jobId },
      data: { status: 'COMPLETED', progress: 100, completedAt: new Date() },
    });
    // A final state ends the stream and its watch.
    await new Promise((r) => again.res.once('end', r));
    expect(again.text()).toContain('event: status');
    await until(() => hub().stats().jobs === 0, 'the watch of the finished job to stop');
    expect(hub().stats().pollersStarted).toBe(2);
  });
});
