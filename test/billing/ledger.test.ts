import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { natsNames, type NatsNames, type Reply } from '@app/contracts';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startBilling, type TestBilling } from '../support/billing';

let names: NatsNames;
let db: TestDatabase;
let billing: TestBilling;
let client: ClientProxy;

beforeAll(async () => {
  names = natsNames();
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

const send = <T>(subject: keyof Omit<NatsNames['billing'], 'queue'>, data: object, ms = 10_000) =>
  firstValueFrom(client.send<Reply<T>>(names.billing[subject], data).pipe(timeout(ms)));

jest.setTimeout(60_000);

async function makeUser(credits: number) {
  const user = await db.prisma.user.create({
    data: {
      email: `u${Math.random().toString(36).slice(2)}@example.com`,
      password: 'x',
      firstName: 'A',
      lastName: 'B',
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

describe('reservations under concurrency', () => {
  it('lets exactly 10 of 50 concurrent 1-credit reservations through a balance of 10', async () => {
    const userId = await makeUser(10);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        send('reserveForJob', { userId, jobId: `job-${userId}-${i}`, credits: 1 }),
      ),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(10);
    const refused = replies.filter((r) => !r.ok);
    expect(refused).toHaveLength(40);
    expect(refused.every((r) => !r.ok && r.error.code === 'INSUFFICIENT_CREDITS')).toBe(true);
    expect(await expectLedgerAddsUp(userId)).toBe(0);
  });

  it('charges a replayed reservation once, even when the copies race', async () => {
    const userId = await makeUser(20);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        send<{ id: string }>('reserveForJob', { userId, jobId: `same-${userId}`, credits: 5 }),
      ),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(new Set(replies.map((r) => (r.ok ? r.data.id : '')))).toHaveProperty('size', 1);
    expect(await expectLedgerAddsUp(userId)).toBe(15);
  });

  it('refuses a different amount for a job that already holds a reservation', async () => {
    const userId = await makeUser(20);
    expect((await send('reserveForJob', { userId, jobId: `j2-${userId}`, credits: 5 })).ok).toBe(
      true,
    );
    const again = await send('reserveForJob', { userId, jobId: `j2-${userId}`, credits: 6 });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await expectLedgerAddsUp(userId)).toBe(15);
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

describe('settling a job', () => {
  it('refunds the unused part of the reservation exactly once', async () => {
    const userId = await makeUser(50);
    const jobId = `settle-${userId}`;
    expect((await send('reserveForJob', { userId, jobId, credits: 12 })).ok).toBe(true);
    const settles = await Promise.all(
      Array.from({ length: 5 }, () =>
        send<{ charged: number; refunded: number }>('settleJob', { userId, jobId, creditsUsed: 5 }),
      ),
    );
    for (const s of settles) expect(s).toEqual({ ok: true, data: { charged: 5, refunded: 7 } });
    expect(await expectLedgerAddsUp(userId)).toBe(50 - 12 + 7);
    const refunds = await db.prisma.creditTransaction.findMany({
      where: { userId, type: 'REFUND' },
    });
    expect(refunds.map((r) => r.amount)).toEqual([7]);
  });

  it('never refunds more than was reserved, and settles nothing for a job without a reservation', async () => {
    const userId = await makeUser(10);
    expect((await send('reserveForJob', { userId, jobId: `cap-${userId}`, credits: 4 })).ok).toBe(
      true,
    );
    expect(await send('settleJob', { userId, jobId: `cap-${userId}`, creditsUsed: 0 })).toEqual({
      ok: true,
      data: { charged: 0, refunded: 4 },
    });
    expect(await send('settleJob', { userId, jobId: `none-${userId}`, creditsUsed: 0 })).toEqual({
      ok: true,
      data: { charged: 0, refunded: 0 },
    });
    expect(await expectLedgerAddsUp(userId)).toBe(10);
  });
});

describe('balance, history and licences', () => {
  it('lists transactions newest first with a type filter', async () => {
    const userId = await makeUser(10);
    await send('reserveForJob', { userId, jobId: `h-${userId}`, credits: 3 });
    await send('settleJob', { userId, jobId: `h-${userId}`, creditsUsed: 1 });
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
      data: { credits: 10 - 3 + 2, licenseType: 'FREE' },
    });
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    expect(await send('balance', { userId: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('checks licences, counting an expired one as FREE, and estimates without spending', async () => {
    const userId = await makeUser(10);
    await db.prisma.user.update({
      where: { id: userId },
      data: { licenseType: 'PREMIUM', licenseExpiry: new Date(Date.now() - 1000) },
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
});

describe('restarts', () => {
  it('loses nothing when billing restarts mid-run: retried messages settle to the same totals', async () => {
    const userId = await makeUser(100);
    const jobs = Array.from({ length: 20 }, (_, i) => `restart-${userId}-${i}`);
    const first = Promise.all(
      jobs.map((jobId) =>
        send('reserveForJob', { userId, jobId, credits: 2 }, 2000).catch(() => null),
      ),
    );
    await billing.close();
    await first;
    billing = await startBilling();
    // The client retries everything (it cannot know what happened): replays change nothing.
    const retried = await Promise.all(
      jobs.map((jobId) => send('reserveForJob', { userId, jobId, credits: 2 })),
    );
    expect(retried.every((r) => r.ok)).toBe(true);
    expect(await db.prisma.creditTransaction.count({ where: { userId, type: 'USAGE' } })).toBe(20);
    expect(await expectLedgerAddsUp(userId)).toBe(60);
  });
});
