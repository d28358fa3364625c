import request from 'supertest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startGateway, type TestGateway } from '../support/gateway';
import { startAppProcess, type AppProcess } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';

jest.setTimeout(120_000);

let db: TestDatabase;
let gw: TestGateway;
const procs: AppProcess[] = [];

/** The JSON log lines of a process's output (pino writes one object per line). */
function lines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  db = await createTestDatabase();
  gw = await startGateway();
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await gw?.close();
  await db?.drop();
});

describe('structured logs with request ids across NATS', () => {
  it('follows one request id from the gateway into billing and a worker, as JSON lines', async () => {
    const billing = startAppProcess('billing', {
      DATABASE_URL: db.appUrl,
      BILLING_PORT: '0',
      LOG_LEVEL: 'debug',
    });
    const worker = startAppProcess('media-worker', {
      DATABASE_URL: db.appUrl,
      WORK_DIR: mkdtempSync(path.join(tmpdir(), 'vmp-logging-')),
    });
    procs.push(billing, worker);
    await billing.waitFor(/answering on/);
    await worker.waitFor(/taking jobs/);

    const { token, user } = await registerUser(gw.server);
    await fund(db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(gw, token);
    const requestId = `trace-${randomBytes(6).toString('hex')}`;
    const res = await request(gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', requestId)
      .expect(202);
    expect(res.headers['x-request-id']).toBe(requestId);
    // A client's id that is not a plain token is replaced, not echoed.
    const odd = await request(gw.server).get('/health').set('X-Request-Id', 'bad id\twith tab');
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await waitForJob(gw, token, res.body.id, isFinal)).status).toBe('COMPLETED');
    await worker.waitFor(new RegExp(`job ${res.body.id} completed`));
    await billing.waitFor(/SettleJobRequest done/);

    // Billing reserved the credits under the gateway's request id.
    const reserve = lines(billing.output()).find(
      (l) => l.msg === 'ReserveForJobRequest done' && l.requestId === requestId,
    );
    expect(reserve).toMatchObject({ app: 'billing', level: 20 });
    // The worker's lines of this job carry the same id and the job id.
    const claimed = lines(worker.output()).find((l) =>
      String(l.msg).startsWith(`job ${res.body.id} claimed`),
    );
    expect(claimed).toMatchObject({ app: 'media-worker', requestId, jobId: res.body.id });
    // No credentials in any log line.
    for (const out of [billing.output(), worker.output()]) {
      expect(out).not.toContain(token);
      expect(out).not.toMatch(/"password"/);
    }
  });
});
