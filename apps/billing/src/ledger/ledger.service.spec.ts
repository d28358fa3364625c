import 'reflect-metadata';
import { priceOutputs } from '@app/contracts';
import type { LedgerRepository } from './ledger.repository';
import { LedgerReconciler } from './ledger-reconciler';
import { LedgerService } from './ledger.service';
import { FakeLedgerRepository } from './testing/fake-ledger.repository';

const plan = (quality: string, seconds: number[]) => ({
  mixingMode: 'MANUAL',
  outputFormat: 'MP4',
  quality,
  combinations: seconds.map((_, i) => [`v${i}`]),
  seconds,
});

let repo: FakeLedgerRepository;
let ledger: LedgerService;

beforeEach(() => {
  repo = new FakeLedgerRepository();
  ledger = new LedgerService(repo as unknown as LedgerRepository);
  repo.addUser('u1', 100);
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code: string; message: string; details?: unknown }) => ({
      code: e.code,
      message: e.message,
      details: e.details,
    }),
  );

describe('reserving a job', () => {
  it("takes the cost model's price of the job's stored plan", async () => {
    repo.addJob('j1', 'u1', plan('MEDIUM', [10, 40, 5]));
    const row = await ledger.reserveForJob({ userId: 'u1', jobId: 'j1' });
    expect(row.amount).toBe(-priceOutputs('MEDIUM', [10, 40, 5]));
    expect(repo.balance('u1')).toBe(100 - 8);
  });

  it('charges a replayed reservation once', async () => {
    repo.addJob('j1', 'u1', plan('LOW', [30, 30]));
    const [a, b] = await Promise.all([
      ledger.reserveForJob({ userId: 'u1', jobId: 'j1' }),
      ledger.reserveForJob({ userId: 'u1', jobId: 'j1' }),
    ]);
    expect(b.id).toBe(a.id);
    expect(repo.balance('u1')).toBe(98);
  });

  it("refuses another user's job, a final job and an unreadable plan", async () => {
    repo.addUser('u2', 100);
    repo.addJob('theirs', 'u2', plan('LOW', [1]));
    repo.addJob('failed', 'u1', plan('LOW', [1]), 'FAILED');
    repo.addJob('garbled', 'u1', { ...plan('LOW', [1]), quality: 'SUPER' });
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'theirs' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'failed' }))).toMatchObject({
      code: 'CONFLICT',
      message: 'job failed is already FAILED; it cannot be reserved any more',
    });
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'garbled' }))).toMatchObject({
      code: 'INVALID_REQUEST',
      message: "the job's plan is unreadable (quality)",
    });
    expect(repo.balance('u1')).toBe(100);
  });

  it('refuses what the licence does not allow, and too few credits', async () => {
    repo.addJob('ultra', 'u1', plan('ULTRA', [1]));
    repo.addJob('big', 'u1', plan('MEDIUM', [1200, 1200]));
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'ultra' }))).toMatchObject({
      code: 'LICENCE_LIMIT',
    });
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'big' }))).toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
      message: 'the job needs 160 credits; the balance is 100',
    });
  });

  it('runs the FREE licence one job at a time: the others are refused with the reason', async () => {
    for (let i = 0; i < 5; i++) repo.addJob(`p${i}`, 'u1', plan('LOW', [1]));
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => refusal(ledger.reserveForJob({ userId: 'u1', jobId: `p${i}` }))),
    );
    expect(results.filter((r) => r === null)).toHaveLength(1);
    for (const r of results.filter((x) => x !== null)) {
      expect(r).toEqual({
        code: 'CONFLICT',
        message: 'the FREE licence runs 1 job at a time; 1 is running',
        details: { reason: 'CONCURRENCY_LIMIT' },
      });
    }
    expect(repo.balance('u1')).toBe(99);
  });

  it('refuses a late reservation of a job already settled', async () => {
    repo.addJob('late', 'u1', plan('LOW', [1]));
    expect(await ledger.settleJob({ userId: 'u1', jobId: 'late' })).toEqual({
      charged: 0,
      refunded: 0,
      outputs: 0,
    });
    expect(await refusal(ledger.reserveForJob({ userId: 'u1', jobId: 'late' }))).toMatchObject({
      code: 'CONFLICT',
      message: 'job late was already settled; it cannot be reserved any more',
    });
    expect(repo.balance('u1')).toBe(100);
  });
});

describe('settling a job', () => {
  it('charges exactly the recorded outputs, by combination index, and refunds the rest once', async () => {
    repo.addUser('u1', 100, 'PREMIUM');
    const job = repo.addJob('j', 'u1', plan('HIGH', [14, 31, 45]));
    await ledger.reserveForJob({ userId: 'u1', jobId: 'j' }); // 3 + 6 + 6 = 15
    job.recorded = [2, 0].map((combinationIndex) => ({ combinationIndex, rendition: 0 }));
    job.status = 'FAILED';
    const replies = await Promise.all(
      [1, 2, 3].map(() => ledger.settleJob({ userId: 'u1', jobId: 'j' })),
    );
    for (const r of replies) expect(r).toEqual({ charged: 9, refunded: 6, outputs: 2 });
    expect(repo.balance('u1')).toBe(100 - 9);
    expect(repo.state.entries.filter((e) => e.type === 'REFUND').map((e) => e.amount)).toEqual([6]);
  });

  it('refunds everything for a job that is gone, and settles nothing it did not reserve', async () => {
    repo.addJob('gone', 'u1', plan('LOW', [1, 1]));
    await ledger.reserveForJob({ userId: 'u1', jobId: 'gone' });
    repo.state.jobs.delete('gone');
    expect(await ledger.settleJob({ userId: 'u1', jobId: 'gone' })).toEqual({
      charged: 0,
      refunded: 2,
      outputs: 0,
    });
    expect(repo.balance('u1')).toBe(100);
  });

  it("refuses to settle another user's reservation", async () => {
    repo.addUser('u2', 0);
    repo.addJob('j', 'u1', plan('LOW', [1]));
    await ledger.reserveForJob({ userId: 'u1', jobId: 'j' });
    expect(await refusal(ledger.settleJob({ userId: 'u2', jobId: 'j' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(repo.balance('u1')).toBe(99);
  });
});

describe('the reconciler', () => {
  const reconciler = () =>
    new LedgerReconciler(repo as unknown as LedgerRepository, ledger, {
      get: () => 0,
    } as never);

  it('settles reservations of failed, cancelled and gone jobs once, and leaves running ones', async () => {
    for (const id of ['failed', 'cancelled', 'gone', 'running']) {
      repo.addUser(`owner-${id}`, 10);
      repo.addJob(id, `owner-${id}`, plan('LOW', [1, 1, 1]));
      await ledger.reserveForJob({ userId: `owner-${id}`, jobId: id });
    }
    repo.state.jobs.get('failed')!.status = 'FAILED';
    repo.state.jobs.get('failed')!.recorded = [{ combinationIndex: 1, rendition: 0 }];
    repo.state.jobs.get('cancelled')!.status = 'CANCELLED';
    repo.state.jobs.delete('gone');
    expect(await reconciler().reconcile()).toBe(3);
    expect(await reconciler().reconcile()).toBe(0);
    expect(repo.balance('owner-failed')).toBe(9);
    expect(repo.balance('owner-cancelled')).toBe(10);
    expect(repo.balance('owner-gone')).toBe(10);
    expect(repo.balance('owner-running')).toBe(7);
    expect(repo.state.settlements.get('failed')).toMatchObject({ settledBy: 'reconciler' });
  });
});
