import { randomBytes } from 'node:crypto';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { natsNames, priceOutputs, type Reply } from '@app/contracts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startBilling, type TestBilling } from '../support/billing';

// The periodic reconciler runs often here, so a test can see it work without being called.
process.env.BILLING_RECONCILE_INTERVAL_MS = '300';

const names = natsNames();
let db: TestDatabase;
let billing: TestBilling;
let client: ClientProxy;

beforeAll(async () => {
  db = await createTestDatabase();
  billing = await startBilling();
  client = ClientProxyFactory.create({
    transport: Transport.NATS,
    options: { servers: [process.env.NATS_URL ?? 'nats://127.0.0.1:4222'] },
  });
  await client.connect();
});
afterAll(async () => {
  await client?.close();
  await billing?.close();
  await db?.drop();
});

const send = <T>(subject: keyof Omit<typeof names.billing, 'queue'>, data: object, ms = 10_000) =>
  firstValueFrom(client.send<Reply<T>>(names.billing[subject], data).pipe(timeout(ms)));

jest.setTimeout(60_000);

type Licence = 'FREE' | 'PREMIUM' | 'ENTERPRISE';
type Quality = 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA';

async function makeUser(credits: number, licenseType: Licence = 'PREMIUM') {
  const user = await db.prisma.user.create({
    data: {
      email: `u${randomBytes(6).toString('hex')}@example.com`,
      password: 'x',
      firstName: 'A',
      lastName: 'B',
      licenseType,
      licenseExpiry: licenseType === 'FREE' ? null : new Date(Date.now() + 86_400_000),
    },
  });
  if (credits) {
    const r = await send('purchase', {
      userId: user.id,
      credits,
      paymentReference: `init-${user.id}`,
    });
    expect(r.ok).toBe(true);
  }
  return user.id;
}

/** A project of the user's with one job (as the gateway creates it): its frozen plan. */
async function makeJob(
  userId: string,
  plan: { quality?: Quality; seconds?: number[] } = {},
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' = 'PENDING',
) {
  const seconds = plan.seconds ?? [10];
  const project = await db.prisma.project.create({
    data: { name: 'P', userId, settings: {}, status: 'PROCESSING' },
  });
  const job = await db.prisma.processingJob.create({
    data: {
      projectId: project.id,
      status,
      outputCount: seconds.length,
      settings: {
        mixingMode: 'MANUAL',
        outputFormat: 'MP4',
        quality: plan.quality ?? 'LOW',
        combinations: seconds.map((_, i) => [`video-${i}`]),
        seconds,
      },
    },
  });
  return job.id;
}

/** What a worker does: the outputs it finished, recorded by combination index. */
async function recordOutputs(jobId: string, indexes: number[]) {
  for (const i of indexes) {
    await db.prisma.outputFile.create({
      data: {
        jobId,
        combinationIndex: i,
        filename: `out-${i}.mp4`,
        path: `outputs/${jobId}/${i}.mp4`,
        size: 1n,
        duration: 1,
        metadata: {},
        sourceFiles: [],
      },
    });
  }
}

const setStatus = (jobId: string, status: 'COMPLETED' | 'FAILED' | 'CANCELLED') =>
  db.prisma.processingJob.update({ where: { id: jobId }, data: { status } });

const reserve = (userId: string, jobId: string) =>
  send<{ id: string; amount: number }>('reserveForJob', { userId, jobId });
const settle = (userId: string, jobId: string) =>
  send<{ charged: number; refunded: number; outputs: number }>('settleJob', { userId, jobId });

/** The ledger adds up: the balance equals the sum of the user's transactions. */
async function expectLedgerAddsUp(userId: string) {
  const user = await db.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const sum = await db.prisma.creditTransaction.aggregate({
    where: { userId },
    _sum: { amount: true },
  });
  expect(sum._sum.amount ?? 0).toBe(user.credits);
  expect(user.credits).toBeGreaterThanOrEqual(0);
  return user.credits;
}

const refunds = (jobId: string) =>
  db.prisma.creditTransaction.findMany({ where: { jobId, type: 'REFUND' } });

const reconciler = async () => {
  const { LedgerReconciler } = await import('../../apps/billing/src/ledger/ledger-reconciler');
  return billing.app.get(LedgerReconciler);
};

describe('reserving a job: billing prices it', () => {
  it('takes the price the cost model gives the job’s stored plan; the message names the job only', async () => {
    const userId = await makeUser(100);
    const jobId = await makeJob(userId, { quality: 'HIGH', seconds: [14, 31, 45] });
    const reply = await reserve(userId, jobId);
    expect(reply).toMatchObject({
      ok: true,
      data: { amount: -priceOutputs('HIGH', [14, 31, 45]), jobId },
    });
    expect(priceOutputs('HIGH', [14, 31, 45])).toBe(15);
    expect(await expectLedgerAddsUp(userId)).toBe(85);
  });

  it('refuses a message that carries an amount', async () => {
    const userId = await makeUser(100);
    const jobId = await makeJob(userId);
    expect(await send('reserveForJob', { userId, jobId, credits: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await send('settleJob', { userId, jobId, creditsUsed: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(100);
  });

  it("refuses an unknown job and another user's job", async () => {
    const userId = await makeUser(100);
    const other = await makeUser(100);
    const theirs = await makeJob(other);
    expect(await reserve(userId, 'no-such-job')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await reserve(userId, theirs)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(100);
    expect(await expectLedgerAddsUp(other)).toBe(100);
  });

  it('lets exactly 5 of 50 concurrent 1-credit jobs through a balance of 5', async () => {
    const userId = await makeUser(5, 'ENTERPRISE');
    const jobs = await Promise.all(Array.from({ length: 50 }, () => makeJob(userId)));
    const replies = await Promise.all(jobs.map((jobId) => reserve(userId, jobId)));
    expect(replies.filter((r) => r.ok)).toHaveLength(5);
    const refused = replies.filter((r) => !r.ok);
    expect(refused).toHaveLength(45);
    expect(refused.every((r) => !r.ok && r.error.code === 'INSUFFICIENT_CREDITS')).toBe(true);
    expect(await expectLedgerAddsUp(userId)).toBe(0);
  });

  it('charges a replayed reservation once, even when the copies race', async () => {
    const userId = await makeUser(20);
    const jobId = await makeJob(userId, { seconds: [40, 40, 40, 40, 40] });
    const replies = await Promise.all(Array.from({ length: 8 }, () => reserve(userId, jobId)));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(new Set(replies.map((r) => (r.ok ? r.data.id : '')))).toHaveProperty('size', 1);
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });
});

describe('licences, checked where the credits are taken', () => {
  it('runs a FREE licence one job at a time: of 5 parallel starts in 5 projects, exactly one is reserved', async () => {
    const userId = await makeUser(100, 'FREE');
    const jobs = await Promise.all(Array.from({ length: 5 }, () => makeJob(userId)));
    const replies = await Promise.all(jobs.map((jobId) => reserve(userId, jobId)));
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    for (const r of replies.filter((x) => !x.ok)) {
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: 'the FREE licence runs 1 job at a time; 1 is running',
          details: { reason: 'CONCURRENCY_LIMIT' },
        },
      });
    }
    expect(await db.prisma.creditTransaction.count({ where: { userId, type: 'USAGE' } })).toBe(1);
    expect(await expectLedgerAddsUp(userId)).toBe(99);
  });

  it('frees the slot when the running job is settled', async () => {
    const userId = await makeUser(100, 'FREE');
    const first = await makeJob(userId);
    const second = await makeJob(userId);
    expect((await reserve(userId, first)).ok).toBe(true);
    expect(await reserve(userId, second)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    await setStatus(first, 'COMPLETED');
    await recordOutputs(first, [0]);
    expect((await settle(userId, first)).ok).toBe(true);
    expect((await reserve(userId, second)).ok).toBe(true);
  });

  it('refuses a quality or an output count above the licence, and says when it expired', async () => {
    const userId = await makeUser(1000, 'FREE');
    expect(await reserve(userId, await makeJob(userId, { quality: 'ULTRA' }))).toMatchObject({
      ok: false,
      error: { code: 'LICENCE_LIMIT', message: 'the best quality allowed is MEDIUM (ULTRA asked)' },
    });
    const eleven = Array.from({ length: 11 }, () => 1);
    expect(await reserve(userId, await makeJob(userId, { seconds: eleven }))).toMatchObject({
      ok: false,
      error: { code: 'LICENCE_LIMIT' },
    });
    await db.prisma.user.update({
      where: { id: userId },
      data: { licenseType: 'PREMIUM', licenseExpiry: new Date(Date.now() - 1000) },
    });
    expect(await reserve(userId, await makeJob(userId, { quality: 'HIGH' }))).toMatchObject({
      ok: false,
      error: { code: 'LICENCE_EXPIRED' },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(1000);
  });
});

describe('settling a job: billing counts the recorded outputs', () => {
  it('charges exactly the recorded outputs and refunds the rest once, however often it is asked', async () => {
    const userId = await makeUser(50);
    const jobId = await makeJob(userId, { quality: 'HIGH', seconds: [14, 31, 45] });
    expect((await reserve(userId, jobId)).ok).toBe(true); // 3 + 6 + 6
    await recordOutputs(jobId, [0, 2]);
    await setStatus(jobId, 'FAILED');
    const settles = await Promise.all(Array.from({ length: 5 }, () => settle(userId, jobId)));
    for (const s of settles)
      expect(s).toEqual({ ok: true, data: { charged: 3 + 6, refunded: 6, outputs: 2 } });
    expect(await settle(userId, jobId)).toEqual(settles[0]);
    expect(await expectLedgerAddsUp(userId)).toBe(50 - 9);
    expect((await refunds(jobId)).map((r) => r.amount)).toEqual([6]);
  });

  it('charges everything for a job that recorded every output (no refund row)', async () => {
    const userId = await makeUser(10);
    const jobId = await makeJob(userId, { seconds: [1, 1] });
    expect((await reserve(userId, jobId)).ok).toBe(true);
    await recordOutputs(jobId, [0, 1]);
    await setStatus(jobId, 'COMPLETED');
    expect(await settle(userId, jobId)).toEqual({
      ok: true,
      data: { charged: 2, refunded: 0, outputs: 2 },
    });
    expect(await refunds(jobId)).toEqual([]);
    expect(await expectLedgerAddsUp(userId)).toBe(8);
  });

  it('refuses a late reservation of a job that was settled before it', async () => {
    const userId = await makeUser(10);
    const jobId = await makeJob(userId);
    // The start timed out: the gateway settled the job (nothing reserved yet) and failed it.
    expect(await settle(userId, jobId)).toEqual({
      ok: true,
      data: { charged: 0, refunded: 0, outputs: 0 },
    });
    expect(await reserve(userId, jobId)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/already settled/) },
    });
    await setStatus(jobId, 'FAILED');
    expect(await reserve(userId, jobId)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });

  it('refuses a reservation of a job that already failed', async () => {
    const userId = await makeUser(10);
    const jobId = await makeJob(userId, {}, 'FAILED');
    expect(await reserve(userId, jobId)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringMatching(/already FAILED/) },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });
});

describe('the reconciler: nothing reserved is stranded', () => {
  it('refunds a reservation whose job failed without a settlement, exactly once', async () => {
    const userId = await makeUser(20);
    const jobId = await makeJob(userId, { seconds: [1, 1, 1, 1] });
    // The reservation's answer came after the gateway's timeout: the gateway failed the job,
    // and its settle never reached billing.
    expect((await reserve(userId, jobId)).ok).toBe(true);
    await recordOutputs(jobId, [3]);
    await setStatus(jobId, 'FAILED');
    const r = await reconciler();
    await Promise.all([r.reconcile(), r.reconcile()]);
    await r.reconcile();
    expect((await refunds(jobId)).map((t) => t.amount)).toEqual([3]);
    expect(await db.prisma.jobSettlement.findUnique({ where: { jobId } })).toMatchObject({
      reserved: 4,
      charged: 1,
      refunded: 3,
      outputs: 1,
    });
    expect(await expectLedgerAddsUp(userId)).toBe(19);
    // A settle arriving afterwards answers the same and changes nothing.
    expect(await settle(userId, jobId)).toEqual({
      ok: true,
      data: { charged: 1, refunded: 3, outputs: 1 },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(19);
  });

  it('refunds the reservations of cancelled and deleted jobs, and leaves running ones', async () => {
    const userId = await makeUser(30, 'ENTERPRISE');
    const cancelled = await makeJob(userId, { seconds: [1, 1] });
    const deleted = await makeJob(userId, { seconds: [1, 1, 1] });
    const running = await makeJob(userId, { seconds: [1] });
    for (const jobId of [cancelled, deleted, running])
      expect((await reserve(userId, jobId)).ok).toBe(true);
    await setStatus(cancelled, 'CANCELLED');
    const { projectId } = await db.prisma.processingJob.findUniqueOrThrow({
      where: { id: deleted },
    });
    await db.prisma.project.delete({ where: { id: projectId } });
    const r = await reconciler();
    await r.reconcile();
    await r.reconcile();
    expect((await refunds(cancelled)).map((t) => t.amount)).toEqual([2]);
    expect((await refunds(deleted)).map((t) => t.amount)).toEqual([3]);
    expect(await refunds(running)).toEqual([]);
    expect(await expectLedgerAddsUp(userId)).toBe(30 - 1);
  });

  it('runs by itself every BILLING_RECONCILE_INTERVAL_MS', async () => {
    const userId = await makeUser(10);
    const jobId = await makeJob(userId, { seconds: [1, 1] });
    expect((await reserve(userId, jobId)).ok).toBe(true);
    await setStatus(jobId, 'CANCELLED');
    const deadline = Date.now() + 10_000;
    while (!(await db.prisma.jobSettlement.findUnique({ where: { jobId } }))) {
      if (Date.now() > deadline) throw new Error('the reconciler did not run');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await db.prisma.jobSettlement.findUnique({ where: { jobId } })).toMatchObject({
      settledBy: 'reconciler',
      refunded: 2,
    });
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });
});

describe('purchases', () => {
  it('are idempotent by paymentReference, replayed concurrently or later', async () => {
    const userId = await makeUser(0);
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        send('purchase', { userId, credits: 30, paymentReference: `pay-${userId}` }),
      ),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(
      (await send('purchase', { userId, credits: 30, paymentReference: `pay-${userId}` })).ok,
    ).toBe(true);
    expect(await expectLedgerAddsUp(userId)).toBe(30);
    const other = await send('purchase', {
      userId,
      credits: 31,
      paymentReference: `pay-${userId}`,
    });
    expect(other).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it("refuses another user's paymentReference, even when both race", async () => {
    const a = await makeUser(0);
    const b = await makeUser(0);
    const ref = `shared-${a}`;
    const replies = await Promise.all([
      send('purchase', { userId: a, credits: 5, paymentReference: ref }),
      send('purchase', { userId: b, credits: 5, paymentReference: ref }),
    ]);
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(replies.filter((r) => !r.ok)).toMatchObject([{ error: { code: 'CONFLICT' } }]);
    expect((await expectLedgerAddsUp(a)) + (await expectLedgerAddsUp(b))).toBe(5);
  });

  it('refuses malformed messages with INVALID_REQUEST and changes nothing', async () => {
    const userId = await makeUser(5);
    for (const bad of [
      { userId, credits: -5, paymentReference: 'x' },
      { userId, credits: 1.5, paymentReference: 'y' },
      { userId, credits: 5 },
      { userId, credits: 5, paymentReference: 'z', extra: 1 },
    ]) {
      expect(await send('purchase', bad)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
    }
    expect(await expectLedgerAddsUp(userId)).toBe(5);
  });
});

describe('balance, history and licences', () => {
  it('lists transactions newest first with a type filter', async () => {
    const userId = await makeUser(10);
    const jobId = await makeJob(userId, { seconds: [1, 1, 1] });
    await reserve(userId, jobId);
    await recordOutputs(jobId, [1]);
    await setStatus(jobId, 'FAILED');
    await settle(userId, jobId);
    const page = await send<{ items: { type: string; amount: number }[]; total: number }>(
      'transactions',
      { userId, page: 1, limit: 10 },
    );
    expect(page.ok && page.data.items.map((t) => t.type)).toEqual(['REFUND', 'USAGE', 'PURCHASE']);
    const usage = await send<{ items: { amount: number }[]; total: number }>('transactions', {
      userId,
      type: 'USAGE',
      page: 1,
      limit: 10,
    });
    expect(usage.ok && usage.data.items.map((t) => t.amount)).toEqual([-3]);
    expect(await send('balance', { userId })).toMatchObject({
      ok: true,
      data: { credits: 10 - 3 + 2, licenseType: 'PREMIUM' },
    });
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    expect(await send('balance', { userId: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await reserve('nobody', 'no-job')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('checks licences early, counting an expired one as FREE, and estimates without spending', async () => {
    const userId = await makeUser(10);
    await db.prisma.user.update({
      where: { id: userId },
      data: { licenseExpiry: new Date(Date.now() - 1000) },
    });
    expect(await send('licenceCheck', { userId, outputCount: 5, quality: 'HIGH' })).toMatchObject({
      ok: false,
      error: { code: 'LICENCE_EXPIRED' },
    });
    await db.prisma.user.update({
      where: { id: userId },
      data: { licenseExpiry: new Date(Date.now() + 86_400_000) },
    });
    expect(await send('licenceCheck', { userId, outputCount: 5, quality: 'HIGH' })).toMatchObject({
      ok: true,
    });
    expect(await send('licenceCheck', { userId, outputCount: 101, quality: 'LOW' })).toMatchObject({
      ok: false,
      error: { code: 'LICENCE_LIMIT' },
    });
    expect(await send('estimate', { userId, quality: 'HIGH', outputSeconds: [14, 31] })).toEqual({
      ok: true,
      data: { credits: 3 + 6 },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });

  it('says early when the jobs at a time are running (409, with the reason)', async () => {
    const userId = await makeUser(10, 'FREE');
    expect((await reserve(userId, await makeJob(userId))).ok).toBe(true);
    expect(await send('licenceCheck', { userId, outputCount: 1, quality: 'LOW' })).toEqual({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: 'the FREE licence runs 1 job at a time; 1 is running',
        details: { reason: 'CONCURRENCY_LIMIT' },
      },
    });
  });
});

describe('restarts', () => {
  it('loses nothing when billing restarts mid-run: retried messages settle to the same totals', async () => {
    const userId = await makeUser(100, 'ENTERPRISE');
    const jobs = await Promise.all(
      Array.from({ length: 8 }, () => makeJob(userId, { seconds: [31] })),
    );
    const first = Promise.all(
      jobs.map((jobId) => send('reserveForJob', { userId, jobId }, 2000).catch(() => null)),
    );
    await billing.close();
    await first;
    billing = await startBilling();
    // The client retries everything (it cannot know what happened): replays change nothing.
    const retried = await Promise.all(jobs.map((jobId) => reserve(userId, jobId)));
    expect(retried.every((r) => r.ok)).toBe(true);
    expect(await db.prisma.creditTransaction.count({ where: { userId, type: 'USAGE' } })).toBe(8);
    expect(await expectLedgerAddsUp(userId)).toBe(100 - 16);
  });
});
