import request from 'supertest';
import { workerProcesses, type WorkerProcess } from '../support/processes';
import { fund, registerUser } from '../support/factories';
import { isFinal, mixableProject, waitForJob } from '../support/mixing-project';
import { useSystem } from '../support/system';

jest.setTimeout(300_000);

const sys = useSystem({ billing: true, stopFirst: () => workers.killAll() });
// Short ack wait: a killed worker's task comes back quickly; in-progress acks keep live ones.
const workers = workerProcesses(() => ({
  DATABASE_URL: sys.db.appUrl,
  JOB_ACK_WAIT_MS: '2000',
  WORKER_CONCURRENCY: '1',
  FFMPEG_THREADS: '1',
}));

async function startJob(
  token: string,
  projectId: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; outputCount: number; creditsReserved: number; priority: number }> {
  return (
    await request(sys.gw.server)
      .post(`/api/v1/projects/${projectId}/jobs`)
      .set('Authorization', `Bearer ${token}`)
      .send(body)
      .expect(202)
  ).body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A task this worker has started and not finished, from its log. */
function runningTask(worker: WorkerProcess, jobId: string): string | null {
  const log = worker.output();
  const started = [...log.matchAll(new RegExp(`task (${jobId}\\.\\d+) \\(\\w+\\) started`, 'g'))];
  const open = started
    .map((m) => m[1])
    .find(
      (t) =>
        !log.includes(`task ${t} (normalize) done`) && !log.includes(`task ${t} (assemble) done`),
    );
  return open ?? null;
}

describe('one job shared by the fleet', () => {
  it('is split into tasks that three workers share; a worker killed mid-task costs only that task', async () => {
    const fleet = [
      await workers.start({ WORKER_ID: 'w1', TASK_ASSEMBLE_BATCH: '2' }),
      await workers.start({ WORKER_ID: 'w2', TASK_ASSEMBLE_BATCH: '2' }),
      await workers.start({ WORKER_ID: 'w3', TASK_ASSEMBLE_BATCH: '2' }),
    ];
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(sys.gw, token, {
      perGroup: 3,
      seconds: 2,
      settings: { outputCount: 9 },
    });
    const job = await startJob(token, projectId);

    // Kill the first worker seen in the middle of a task of this job.
    let killed: { worker: WorkerProcess; task: string } | null = null;
    for (let i = 0; i < 1200 && !killed; i++) {
      for (const w of fleet.slice(1)) {
        const task = runningTask(w, job.id);
        if (task) {
          killed = { worker: w, task };
          break;
        }
      }
      if (!killed) await sleep(25);
    }
    expect(killed).not.toBeNull();
    await killed!.worker.stop('SIGKILL');

    const done = await waitForJob(sys.gw, token, job.id, isFinal);
    expect(done.status).toBe('COMPLETED');
    // Every output once, whoever made it.
    const outputs = await sys.db.prisma.outputFile.findMany({ where: { jobId: job.id } });
    expect(outputs.map((o) => o.combinationIndex).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    // 6 clips to normalize, 9 outputs in batches of 2: 11 tasks, each DONE once.
    const tasks = await sys.db.prisma.jobTask.findMany({ where: { jobId: job.id } });
    expect(tasks.filter((t) => t.kind === 'NORMALIZE')).toHaveLength(6);
    expect(tasks.filter((t) => t.kind === 'ASSEMBLE')).toHaveLength(5);
    expect(tasks.every((t) => t.status === 'DONE')).toBe(true);
    // The killed worker's task was run again by another worker, and nothing else was redone
    // more than its redeliveries allow.
    const [, seq] = killed!.task.split('.');
    const redone = tasks.find((t) => t.seq === Number(seq))!;
    expect(redone.runs).toBeGreaterThanOrEqual(2);
    expect(redone.doneBy).not.toBe(killed!.worker === fleet[1] ? 'w2' : 'w3');
    // Every worker did part of it.
    const doers = new Set(tasks.map((t) => t.doneBy));
    expect(doers.size).toBeGreaterThanOrEqual(2);
    for (const w of fleet) {
      if (w === killed!.worker) continue;
      expect(w.output()).toMatch(new RegExp(`task ${job.id}\\.\\d+ \\(\\w+\\) done`));
    }
    expect(killed!.worker.output()).toMatch(new RegExp(`task ${job.id}\\.\\d+ \\(\\w+\\) started`));
    // Charged once, for every output.
    const ledger = await sys.db.prisma.creditTransaction.findMany({ where: { jobId: job.id } });
    expect(ledger.map((t) => [t.type, t.amount])).toEqual([['USAGE', -job.creditsReserved]]);
    await workers.killAll();
  });

  it("lets a FREE user's small job finish while an ENTERPRISE user's large job runs", async () => {
    // One worker, one task at a time, each ASSEMBLE task one output: the large job has 35 tasks.
    await workers.start({ TASK_ASSEMBLE_BATCH: '1', TASKS_PER_USER: '4' });
    const big = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, big.user.id, 5000, 'ENTERPRISE');
    const small = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, small.user.id, 100, 'FREE');
    const bigProject = await mixableProject(sys.gw, big.token, {
      perGroup: 5,
      seconds: 1,
      settings: { outputCount: 25 },
    });
    const smallProject = await mixableProject(sys.gw, small.token, {
      perGroup: 1,
      seconds: 1,
      settings: { outputCount: 1 },
    });
    const large = await startJob(big.token, bigProject);
    // The large job is under way before the small one is asked for.
    await waitForJob(sys.gw, big.token, large.id, (j) => j.progress > 0 || isFinal(j));
    const few = await startJob(small.token, smallProject);
    const fewDone = await waitForJob(sys.gw, small.token, few.id, isFinal);
    expect(fewDone.status).toBe('COMPLETED');
    const largeThen = await sys.db.prisma.processingJob.findUniqueOrThrow({
      where: { id: large.id },
    });
    expect(largeThen.status).toBe('PROCESSING');
    const left = await sys.db.prisma.jobTask.count({
      where: { jobId: large.id, status: { not: 'DONE' } },
    });
    expect(left).toBeGreaterThan(0);
    // Its tasks were in the FREE band; the large job's in ENTERPRISE.
    const bands = await sys.db.prisma.jobTask.groupBy({
      by: ['jobId', 'band'],
      where: { jobId: { in: [large.id, few.id] } },
    });
    expect(bands.map((b) => [b.jobId === large.id ? 'large' : 'small', b.band]).sort()).toEqual([
      ['large', 'ENTERPRISE'],
      ['small', 'FREE'],
    ]);
    expect((await waitForJob(sys.gw, big.token, large.id, isFinal)).status).toBe('COMPLETED');
    await workers.killAll();
  });

  it('restarts a worker after WORKER_MAX_TASKS tasks, handing nothing over half-done', async () => {
    const tired = await workers.start({ WORKER_ID: 'tired', WORKER_MAX_TASKS: '2' });
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 1000, 'ENTERPRISE');
    const projectId = await mixableProject(sys.gw, token, { perGroup: 2, seconds: 1 });
    const job = await startJob(token, projectId);
    // It takes two tasks, finishes them, and exits with 75 for its supervisor to restart it.
    const code = await new Promise<number | null>((resolve) => tired.proc.once('exit', resolve));
    expect(code).toBe(75);
    expect(tired.output()).toMatch(/restarting after the running tasks: 2 tasks taken/);
    const byTired = await sys.db.prisma.jobTask.findMany({
      where: { jobId: job.id, doneBy: 'tired' },
    });
    // Two task messages taken (one may be a spent redelivery left by an earlier test's killed
    // worker): every task it started, it finished.
    expect(byTired.length).toBeGreaterThanOrEqual(1);
    const started = [...tired.output().matchAll(/task (\S+)\.(\d+) \(\w+\) started/g)];
    expect(started.length).toBe(byTired.length);
    for (const [, jobId, seq] of started) {
      expect(byTired.some((t) => t.jobId === jobId && t.seq === Number(seq))).toBe(true);
    }
    // A fresh worker does the rest; nothing was run twice.
    await workers.start({ WORKER_ID: 'fresh' });
    expect((await waitForJob(sys.gw, token, job.id, isFinal)).status).toBe('COMPLETED');
    const tasks = await sys.db.prisma.jobTask.findMany({ where: { jobId: job.id } });
    expect(tasks.every((t) => t.status === 'DONE' && t.runs === 1)).toBe(true);
    expect(new Set(tasks.map((t) => t.doneBy))).toEqual(new Set(['tired', 'fresh']));
    expect(await sys.db.prisma.outputFile.count({ where: { jobId: job.id } })).toBe(4);
    await workers.killAll();
  });

  it('runs a high-priority job of the band before a low-priority one queued earlier', async () => {
    const { token, user } = await registerUser(sys.gw.server);
    await fund(sys.db.prisma, user.id, 5000, 'ENTERPRISE');
    const low = await mixableProject(sys.gw, token, {
      perGroup: 4,
      seconds: 1,
      settings: { outputCount: 16 },
    });
    const high = await mixableProject(sys.gw, token, { perGroup: 1, seconds: 1 });
    // A priority outside −10…10 is refused, naming the field.
    const bad = await request(sys.gw.server)
      .post(`/api/v1/projects/${high}/jobs`)
      .set('Authorization', `Bearer ${token}`)
      .send({ priority: 11 })
      .expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/priority/);
    // Both wait on the queue before the one worker starts.
    const slow = await startJob(token, low, { priority: -5 });
    const urgent = await startJob(token, high, { priority: 7 });
    expect(urgent).toMatchObject({ priority: 7 });
    await workers.start({ TASK_ASSEMBLE_BATCH: '1' });
    expect((await waitForJob(sys.gw, token, urgent.id, isFinal)).status).toBe('COMPLETED');
    const slowThen = await sys.db.prisma.processingJob.findUniqueOrThrow({
      where: { id: slow.id },
    });
    expect(slowThen.status).toBe('PROCESSING');
    expect((await waitForJob(sys.gw, token, slow.id, isFinal)).status).toBe('COMPLETED');
    await workers.killAll();
  });
});
