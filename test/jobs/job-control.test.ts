import request from 'supertest';
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { startWorker, watchJobEvents, type TestWorker } from '../support/worker';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(180_000);

const sys = useSystem({ billing: true, stopFirst: async () => worker?.close() });
let worker: TestWorker | undefined;

async function balance(userId: string) {
  return (await sys.db.prisma.user.findUniqueOrThrow({ where: { id: userId } })).credits;
}

describe('cancelling', () => {
  it('cancels a PENDING job with a full refund, and the job never runs', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 50);
    const auth = { Authorization: `Bearer ${token}` };
    const projectId = await mixableProject(sys.gw, token);
    const job = (
      await request(sys.gw.server).post(`/api/v1/projects/${projectId}/jobs`).set(auth).expect(202)
    ).body;
    expect(await balance(user.id)).toBe(50 - job.creditsReserved);
    const cancelled = await request(sys.gw.server)
      .post(`/api/v1/jobs/${job.id}/cancel`)
      .set(auth)
      .expect(202);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await balance(user.id)).toBe(50);
    expect(
      (await request(sys.gw.server).get(`/api/v1/projects/${projectId}`).set(auth)).body.status,
    ).toBe('DRAFT');
    await request(sys.gw.server).post(`/api/v1/jobs/${job.id}/cancel`).set(auth).expect(409);

    const events = await watchJobEvents(job.id);
    worker = await startWorker();
    // The queued message reaches the worker, which finds the job final: it does not claim it,
    // settles nothing more, and announces the final state.
    const announced = await events.next((e) => e.status !== 'PROCESSING').finally(events.close);
    expect(announced).toMatchObject({ status: 'CANCELLED', progress: 0, outputsDone: 0 });
    const after = await sys.db.prisma.processingJob.findUniqueOrThrow({
      where: { id: job.id },
      include: { outputs: true },
    });
    expect(after).toMatchObject({ status: 'CANCELLED', startedAt: null, progress: 0 });
    expect(after.outputs).toHaveLength(0);
    expect(await balance(user.id)).toBe(50);
  });

  it('stops a running job within seconds, removes partial files and refunds what was not produced', async () => {
    worker ??= await startWorker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 500);
    const auth = { Authorization: `Bearer ${token}` };
    const projectId = await mixableProject(sys.gw, token, {
      perGroup: 3,
      seconds: 4,
      settings: { quality: 'MEDIUM', outputCount: 9 },
    });
    const job = (
      await request(sys.gw.server).post(`/api/v1/projects/${projectId}/jobs`).set(auth).expect(202)
    ).body;
    await waitForJob(sys.gw, token, job.id, (j) => j.status === 'PROCESSING' || isFinal(j));
    const asked = Date.now();
    const res = await request(sys.gw.server)
      .post(`/api/v1/jobs/${job.id}/cancel`)
      .set(auth)
      .expect(202);
    expect(res.body.status).toBe('CANCELLED');
    // The worker stops: its work folder for the job is removed.
    const workDir = `${process.env.WORK_DIR}/jobs`;
    for (
      let i = 0;
      i < 100 && (await readdir(workDir).catch((): string[] => [])).includes(job.id);
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    expect(await readdir(workDir).catch((): string[] => [])).not.toContain(job.id);
    expect(Date.now() - asked).toBeLessThan(10_000);
    // Billing: the outputs recorded before the cancel are charged, the rest refunded, once.
    let refund = null;
    for (let i = 0; i < 100 && !refund; i++) {
      refund = await sys.db.prisma.creditTransaction.findFirst({
        where: { jobId: job.id, type: 'REFUND' },
      });
      if (!refund) await new Promise((r) => setTimeout(r, 100));
    }
    const outputs = await sys.db.prisma.outputFile.count({ where: { jobId: job.id } });
    expect(outputs).toBeLessThan(9);
    const perOutput = job.creditsReserved / 9;
    expect(refund?.amount).toBe(job.creditsReserved - outputs * perOutput);
    expect(await balance(user.id)).toBe(500 - outputs * perOutput);
    const final = await sys.db.prisma.processingJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(final.status).toBe('CANCELLED');
    expect(
      (await sys.db.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).status,
    ).toBe('DRAFT');
  });
});

describe('progress events', () => {
  it('streams progress that never decreases, then the final status, over SSE', async () => {
    worker ??= await startWorker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 100);
    const projectId = await mixableProject(sys.gw, token, { seconds: 2 });
    const job = (
      await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/jobs`)
        .set('Authorization', `Bearer ${token}`)
        .expect(202)
    ).body;
    const server = sys.gw.server.listening
      ? sys.gw.server
      : await new Promise<typeof sys.gw.server>((r) =>
          sys.gw.server.listen(0, () => r(sys.gw.server)),
        );
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/jobs/${job.id}/events`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text(); // the stream ends at the final state
    const events = text
      .split('\n\n')
      .map((block) => block.split('\n').find((l) => l.startsWith('data: ')))
      .filter((l): l is string => Boolean(l))
      .map((l) => JSON.parse(l.slice(6)) as { status: string; progress: number });
    expect(events.length).toBeGreaterThanOrEqual(2);
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(events.slice(0, -1).every((e) => e.status !== 'COMPLETED')).toBe(true);
  });
});
