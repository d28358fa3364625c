import request from 'supertest';
import { workerProcesses } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(240_000);

const sys = useSystem({ billing: true, stopFirst: () => workers.killAll() });
// Short ack wait, so a killed worker's job is redelivered quickly; in-progress acks keep live ones.
const workers = workerProcesses(() => ({
  DATABASE_URL: sys.db.appUrl,
  JOB_ACK_WAIT_MS: '2000',
  WORKER_CONCURRENCY: '1',
}));
const worker = () => workers.start();

describe('workers sharing the queue', () => {
  it('runs every job exactly once across two workers', async () => {
    const a = await worker();
    const b = await worker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projects = await Promise.all([0, 1, 2, 3].map(() => mixableProject(sys.gw, token)));
    const jobs = [];
    for (const projectId of projects) {
      jobs.push(
        (
          await request(sys.gw.server)
            .post(`/api/v1/projects/${projectId}/jobs`)
            .set('Authorization', `Bearer ${token}`)
            .expect(202)
        ).body.id as string,
      );
    }
    for (const id of jobs)
      expect((await waitForJob(sys.gw, token, id, isFinal)).status).toBe('COMPLETED');
    const logs = a.output() + b.output();
    for (const id of jobs)
      expect(logs.match(new RegExp(`job ${id} (claimed|resumed)`, 'g'))).toHaveLength(1);
    const outputs = await sys.db.prisma.outputFile.groupBy({
      by: ['jobId'],
      where: { jobId: { in: jobs } },
      _count: { _all: true },
    });
    expect(outputs.map((o) => o._count._all)).toEqual([4, 4, 4, 4]);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('a worker killed mid-job', () => {
  it('leaves the job to another worker, which resumes it: no duplicate outputs, one charge', async () => {
    const first = await worker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(sys.gw, token, {
      perGroup: 3,
      seconds: 3,
      settings: { outputCount: 9 },
    });
    const job = (
      await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/jobs`)
        .set('Authorization', `Bearer ${token}`)
        .expect(202)
    ).body;

    // Kill it the moment it has recorded its first output.
    for (
      let i = 0;
      i < 600 && (await sys.db.prisma.outputFile.count({ where: { jobId: job.id } })) === 0;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await first.stop('SIGKILL');
    const before = await sys.db.prisma.outputFile.findMany({ where: { jobId: job.id } });
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(9);
    expect(
      (await sys.db.prisma.processingJob.findUniqueOrThrow({ where: { id: job.id } })).status,
    ).toBe('PROCESSING');

    const second = await worker();
    const done = await waitForJob(sys.gw, token, job.id, isFinal);
    expect(done.status).toBe('COMPLETED');
    // The killed worker's task came back to the second worker, which finished the job.
    expect(second.output()).toMatch(new RegExp(`task ${job.id}\\.\\d+ \\(assemble\\) done`));
    expect(second.output()).toMatch(new RegExp(`job ${job.id} completed`));

    const outputs = await sys.db.prisma.outputFile.findMany({
      where: { jobId: job.id },
      orderBy: { combinationIndex: 'asc' },
    });
    expect(outputs.map((o) => o.combinationIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    // What the first worker recorded is kept as it was, not redone.
    for (const o of before) expect(outputs.find((x) => x.id === o.id)?.path).toBe(o.path);
    const ledger = await sys.db.prisma.creditTransaction.findMany({ where: { jobId: job.id } });
    expect(ledger.map((t) => [t.type, t.amount])).toEqual([['USAGE', -job.creditsReserved]]);
    expect((await sys.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).credits).toBe(
      1000 - job.creditsReserved,
    );
  });

  it('hands its job back on SIGTERM and exits cleanly; another worker finishes it', async () => {
    const first = await worker();
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(sys.gw, token, {
      perGroup: 3,
      seconds: 3,
      settings: { outputCount: 9 },
    });
    const job = (
      await request(sys.gw.server)
        .post(`/api/v1/projects/${projectId}/jobs`)
        .set('Authorization', `Bearer ${token}`)
        .expect(202)
    ).body;
    await waitForJob(sys.gw, token, job.id, (j) => j.status === 'PROCESSING' || isFinal(j));
    // Nest runs its shutdown hooks, then ends the process with the same signal.
    expect(await first.stop('SIGTERM')).toBe('SIGTERM');
    expect(first.output()).toMatch(/stopping: no new tasks/);
    expect(first.output()).not.toMatch(/ERROR/);
    await worker();
    expect((await waitForJob(sys.gw, token, job.id, isFinal)).status).toBe('COMPLETED');
    expect(await sys.db.prisma.outputFile.count({ where: { jobId: job.id } })).toBe(9);
  });
});
