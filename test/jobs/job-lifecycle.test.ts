import { InvalidJobSnapshotError, toJobSnapshot } from '@app/contracts';
import type { PrismaService } from '@app/database';
import type { Client } from 'pg';
import { JobLifecycle, JobProjectGoneError } from '@app/jobs';
import { createTestDatabase, withPg, type TestDatabase } from '../support/database';

let db: TestDatabase;
let lifecycle: JobLifecycle;
let userId: string;

const snapshot = toJobSnapshot({
  mixingMode: 'AUTO',
  outputFormat: 'MP4',
  quality: 'LOW',
  combinations: [
    ['a', 'c'],
    ['b', 'c'],
    ['a', 'd'],
  ],
  seconds: [4, 5, 6],
});

beforeAll(async () => {
  db = await createTestDatabase();
  // The owner's client: these tests are about the lifecycle, not row level security.
  lifecycle = new JobLifecycle(db.prisma as unknown as PrismaService);
  userId = (
    await db.prisma.user.create({
      data: { email: 'lifecycle@example.com', password: 'x', firstName: 'L', lastName: 'C' },
    })
  ).id;
});
afterAll(async () => {
  await db?.drop();
});

async function project(status: 'DRAFT' | 'COMPLETED' | 'FAILED' = 'DRAFT') {
  return (await db.prisma.project.create({ data: { name: 'p', userId, settings: {}, status } })).id;
}

const newJob = (projectId: string) => ({
  projectId,
  seed: 1,
  snapshot,
  creditsReserved: 3,
  idempotencyKey: null,
  requestHash: 'h',
});

const statusOf = async (projectId: string) =>
  (await db.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).status;
const jobOf = (jobId: string) =>
  db.prisma.processingJob.findUniqueOrThrow({ where: { id: jobId } });

function output(combinationIndex: number) {
  return {
    combinationIndex,
    filename: `out-${combinationIndex}.mp4`,
    path: `/tmp/out-${combinationIndex}.mp4`,
    size: 10,
    durationSeconds: 4,
    metadata: {},
    sourceFiles: ['a', 'c'],
  };
}

describe('several jobs of one project', () => {
  it('a second job may start while the first is active (billing enforces jobs at a time)', async () => {
    const projectId = await project('DRAFT');
    const first = await lifecycle.create(newJob(projectId));
    const second = await lifecycle.create(newJob(projectId));
    expect(second.id).not.toBe(first.id);
    expect((await jobOf(first.id)).status).toBe('PENDING');
    expect((await jobOf(second.id)).status).toBe('PENDING');
  });

  it('records one output per combination and rendition, each once', async () => {
    const projectId = await project('DRAFT');
    const job = await lifecycle.create(newJob(projectId));
    await lifecycle.claim(job.id);
    expect(await lifecycle.recordOutput(job.id, { ...output(0), rendition: 0 })).toBe(true);
    expect(await lifecycle.recordOutput(job.id, { ...output(0), rendition: 1 })).toBe(true);
    expect(await lifecycle.recordOutput(job.id, { ...output(0), rendition: 1 })).toBe(true);
    const rows = await db.prisma.outputFile.findMany({ where: { jobId: job.id } });
    expect(rows.map((r) => r.rendition).sort()).toEqual([0, 1]);
  });
});

describe('a job from creation to completion', () => {
  it('PENDING → PROCESSING → COMPLETED, the project following it, progress only growing', async () => {
    const projectId = await project('FAILED');
    const job = await lifecycle.create(newJob(projectId));
    expect(job).toMatchObject({ status: 'PENDING', outputCount: 3, creditsReserved: 3 });
    expect(await statusOf(projectId)).toBe('PROCESSING');

    expect(await lifecycle.claim(job.id)).toBe('claimed');
    expect(await lifecycle.claim(job.id)).toBe('resumed');
    expect((await jobOf(job.id)).startedAt).not.toBeNull();

    expect(await lifecycle.recordProgress(job.id, 40)).toBe(true);
    expect(await lifecycle.recordProgress(job.id, 20)).toBe(true);
    expect((await jobOf(job.id)).progress).toBe(40);
    expect(await lifecycle.recordProgress(job.id, 100)).toBe(true);
    expect((await jobOf(job.id)).progress).toBe(99);

    expect(await lifecycle.recordOutput(job.id, output(0))).toBe(true);
    expect(await lifecycle.recordOutput(job.id, output(0))).toBe(true); // recorded once
    expect(await lifecycle.recordOutput(job.id, output(2))).toBe(true);

    expect(await lifecycle.complete(job.id)).toEqual({ ok: true, from: 'PROCESSING' });
    expect(await jobOf(job.id)).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(await statusOf(projectId)).toBe('COMPLETED');

    // Final: nothing moves it back, nothing more is recorded.
    expect(await lifecycle.claim(job.id)).toBe('final');
    expect(await lifecycle.cancel(job.id)).toEqual({ ok: false, current: 'COMPLETED' });
    expect(await lifecycle.fail(job.id, 'late')).toEqual({ ok: false, current: 'COMPLETED' });
    expect(await lifecycle.recordOutput(job.id, output(1))).toBe(false);
    expect(await lifecycle.recordProgress(job.id, 10)).toBe(false);
    expect(await jobOf(job.id)).toMatchObject({ status: 'COMPLETED', progress: 100 });

    expect(await lifecycle.readJobForBilling(job.id)).toEqual({
      userId,
      snapshot,
      outputsRecorded: [0, 2],
      creditsReserved: 3,
      status: 'COMPLETED',
      progress: 100,
      errorMessage: null,
    });
  });
});

describe('cancelling, failing, discarding', () => {
  it('a cancelled job leaves the project as it was before the job, pending or running', async () => {
    const projectId = await project('COMPLETED');
    const pending = await lifecycle.create(newJob(projectId));
    expect(await lifecycle.cancel(pending.id)).toEqual({ ok: true, from: 'PENDING' });
    expect(await statusOf(projectId)).toBe('DRAFT'); // no earlier job of this project
    expect(await lifecycle.claim(pending.id)).toBe('final');

    const failed = await lifecycle.create(newJob(projectId));
    await lifecycle.claim(failed.id);
    expect(await lifecycle.fail(failed.id, 'x'.repeat(3000))).toEqual({
      ok: true,
      from: 'PROCESSING',
    });
    expect((await jobOf(failed.id)).errorMessage).toHaveLength(2000);
    expect(await statusOf(projectId)).toBe('FAILED');

    const running = await lifecycle.create(newJob(projectId));
    await lifecycle.claim(running.id);
    expect(await lifecycle.cancel(running.id)).toEqual({ ok: true, from: 'PROCESSING' });
    expect(await statusOf(projectId)).toBe('FAILED');
    expect(await lifecycle.recordOutput(running.id, output(0))).toBe(false);
  });

  it('a job removed before it was reserved leaves no trace and the project as before', async () => {
    const projectId = await project();
    const job = await lifecycle.create(newJob(projectId));
    expect(await lifecycle.discard(job.id)).toBe(true);
    expect(await db.prisma.processingJob.count({ where: { id: job.id } })).toBe(0);
    expect(await statusOf(projectId)).toBe('DRAFT');
    expect(await lifecycle.readJobForBilling(job.id)).toBeNull();
    expect(await lifecycle.claim(job.id)).toBe('missing');
  });

  it('an abandoned job fails, keeping the outputs it recorded for billing', async () => {
    const projectId = await project();
    const job = await lifecycle.create(newJob(projectId));
    await lifecycle.claim(job.id);
    await lifecycle.recordOutput(job.id, output(1));
    expect((await lifecycle.abandon(job.id, 'workers died')).ok).toBe(true);
    expect(await statusOf(projectId)).toBe('FAILED');
    expect(await lifecycle.readJobForBilling(job.id)).toMatchObject({
      status: 'FAILED',
      errorMessage: 'workers died',
      outputsRecorded: [1],
    });
  });

  it('a stored snapshot that is malformed is refused with a typed error', async () => {
    const projectId = await project();
    const job = await lifecycle.create(newJob(projectId));
    await db.prisma.processingJob.update({
      where: { id: job.id },
      data: { settings: { version: 9, combinations: [] } },
    });
    await expect(lifecycle.readJobForBilling(job.id)).rejects.toBeInstanceOf(
      InvalidJobSnapshotError,
    );
  });
});

describe('a job start and a project delete', () => {
  it('never interleave: a start waiting on a deleting project finds it gone (no orphan job)', async () => {
    const projectId = await project();
    await withPg(db.url, async (c) => {
      // A delete in progress holds the project's row lock, as ProjectsRepository.deleteIdle does.
      await c.query('BEGIN');
      await c.query('SELECT id FROM projects WHERE id = $1 FOR UPDATE', [projectId]);
      const start = lifecycle.create(newJob(projectId)).then(
        () => 'created',
        (e: Error) => e,
      );
      // The start is blocked on the lock until the delete commits.
      await waitFor(async () => (await locksWaitingOn(c)) > 0);
      await c.query('DELETE FROM projects WHERE id = $1', [projectId]);
      await c.query('COMMIT');
      expect(await start).toBeInstanceOf(JobProjectGoneError);
    });
    expect(await db.prisma.processingJob.count({ where: { projectId } })).toBe(0);
  });
});

async function locksWaitingOn(c: Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0].n);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
