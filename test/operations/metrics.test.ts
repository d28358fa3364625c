import request from 'supertest';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startBilling, type TestBilling } from '../support/billing';
import { startAppProcess, type AppProcess } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';

jest.setTimeout(180_000);

let db: TestDatabase;
let gw: TestGateway;
let billing: TestBilling;
let worker: AppProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The value of one sample line of a Prometheus exposition (NaN when absent). */
function sample(body: string, name: string, labels = ''): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

/** /metrics counts every tenant's work: only a scraper holding this token reads it. */
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
const scrapeGateway = () =>
  request(gw.server).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);

beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  db = await createTestDatabase();
  billing = await startBilling();
  gw = await startGateway();
});
afterAll(async () => {
  await worker?.stop('SIGKILL');
  await gw?.close();
  await billing?.close();
  await db?.drop();
  delete process.env.METRICS_TOKEN;
});

describe('/metrics access', () => {
  it('refuses a scrape without the metrics token, or with a user-like token', async () => {
    await request(gw.server).get('/metrics').expect(401);
    await request(gw.server).get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
    const ok = await scrapeGateway();
    expect(ok.text).toContain('http_request_duration_seconds');
  });
});

describe('/metrics while a job runs', () => {
  it('shows HTTP latency, jobs by status, queue depth, ffmpeg seconds, credits and pool use', async () => {
    const port = await freePort();
    worker = startAppProcess('media-worker', {
      DATABASE_URL: db.appUrl,
      WORK_DIR: mkdtempSync(path.join(tmpdir(), 'vmp-metrics-')),
      WORKER_METRICS_PORT: String(port),
    });
    await worker.waitFor(/taking jobs/);
    const scrapeWorker = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

    const { token, user } = await registerUser(gw.server);
    await fund(db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(gw, token, { seconds: 2 });
    const job = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set('Authorization', `Bearer ${token}`)
      .expect(202);

    // While it renders: the worker reports a task running, and the gateway counts the job
    // PROCESSING and its tasks in the ENTERPRISE band (docs/scaling.md).
    let sawRunning = false;
    let sawProcessing = false;
    let sawBacklog = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(sawRunning && sawProcessing && sawBacklog)) {
      sawRunning ||= sample(await scrapeWorker(), 'media_worker_tasks_in_flight') === 1;
      const gateway = (await scrapeGateway()).text;
      sawProcessing ||= sample(gateway, 'media_jobs', '{status="PROCESSING"}') === 1;
      sawBacklog ||=
        sample(gateway, 'media_tasks', '{band="ENTERPRISE",status="QUEUED"}') +
          sample(gateway, 'media_tasks', '{band="ENTERPRISE",status="WAITING"}') >
        0;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sawRunning).toBe(true);
    expect(sawProcessing).toBe(true);
    expect(sawBacklog).toBe(true);
    expect((await waitForJob(gw, token, job.body.id, isFinal)).status).toBe('COMPLETED');

    // The worker counts its last task running until it has settled and acked it, just after
    // COMPLETED.
    let w = await scrapeWorker();
    const settled = Date.now() + 15_000;
    while (sample(w, 'media_worker_tasks_in_flight') !== 0 && Date.now() < settled) {
      await new Promise((r) => setTimeout(r, 100));
      w = await scrapeWorker();
    }
    expect(sample(w, 'ffmpeg_seconds_total', '{outcome="ok"}')).toBeGreaterThan(0);
    expect(sample(w, 'media_worker_tasks_in_flight')).toBe(0);
    expect(sample(w, 'media_worker_running_jobs')).toBe(0);
    // 4 clips normalized, 4 outputs in one batch: 5 tasks done, nothing left anywhere.
    expect(sample(w, 'media_tasks_run_total', '{outcome="done"}')).toBe(5);
    expect(sample(w, 'media_tasks', '{band="ENTERPRISE",status="QUEUED"}')).toBe(0);
    expect(sample(w, 'media_task_queue_pending', '{band="ENTERPRISE",level="normal"}')).toBe(0);
    expect(sample(w, 'media_task_drain_seconds')).toBe(0);
    expect(sample(w, 'media_job_queue_depth')).toBe(0);
    expect(sample(w, 'db_pool_connections', '{state="total"}')).toBeGreaterThanOrEqual(1);

    const g = (await scrapeGateway()).text;
    expect(sample(g, 'media_tasks', '{band="FREE",status="WAITING"}')).toBe(0);
    expect(sample(g, 'media_task_oldest_seconds', '{band="ENTERPRISE"}')).toBe(0);
    expect(sample(g, 'media_jobs', '{status="COMPLETED"}')).toBe(1);
    expect(sample(g, 'media_jobs', '{status="PROCESSING"}')).toBe(0);
    expect(
      sample(
        g,
        'http_request_duration_seconds_count',
        '{method="POST",route="/api/v1/projects/:id/jobs",status="202"}',
      ),
    ).toBe(1);
    // Billing runs in this process here, so its counters share the registry.
    expect(sample(g, 'credits_total', '{kind="reserved"}')).toBeGreaterThan(0);
  });
});
