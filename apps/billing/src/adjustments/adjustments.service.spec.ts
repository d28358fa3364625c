import type { CreditTransaction } from '@app/database';
import type { AdjustmentsRepository } from './adjustments.repository';
import { AdjustmentsService } from './adjustments.service';

/** An in-memory ledger with the repository's surface: one user's balance and its entries. */
function fakeLedger(credits: Record<string, number>) {
  const entries: CreditTransaction[] = [];
  const audits: { action: string; details?: unknown }[] = [];
  let n = 0;
  const repo = {
    byReference: async (reference: string) =>
      entries.find((e) => e.reference === reference) ?? null,
    refundsOf: async (paymentReference: string) =>
      entries.filter((e) => e.reference?.startsWith(`payment-refund:${paymentReference}:`)),
    credits: async (userId: string) => credits[userId] ?? null,
    once: async <T>(write: (tx: unknown) => Promise<T>) => write({}),
    takeBack: async (_tx: unknown, userId: string, wanted: number) => {
      if (credits[userId] === undefined) return null;
      const taken = Math.min(credits[userId], wanted);
      credits[userId] -= taken;
      return { taken, credits: credits[userId] };
    },
    add: async (_tx: unknown, userId: string, amount: number) => {
      if (credits[userId] === undefined) return null;
      credits[userId] += amount;
      return credits[userId];
    },
    entry: async (_tx: unknown, data: Partial<CreditTransaction>) => {
      const row = {
        id: `t${++n}`,
        createdAt: new Date(),
        jobId: null,
        ...data,
      } as CreditTransaction;
      entries.push(row);
      return row;
    },
    audit: async (_tx: unknown, entry: { action: string; details?: unknown }) => {
      audits.push(entry);
    },
  };
  return { repo: repo as unknown as AdjustmentsRepository, entries, audits, credits };
}

function withPurchase(credits: number, balance = credits) {
  const ledger = fakeLedger({ u1: balance });
  ledger.entries.push({
    id: 'p1',
    userId: 'u1',
    amount: credits,
    type: 'PURCHASE',
    description: 'purchase',
    reference: 'purchase:stripe:cs_1',
    jobId: null,
    actorUserId: null,
    createdAt: new Date(),
  });
  return ledger;
}

const refund = (refundedAmount: number, paidAmount = 1000) => ({
  paymentReference: 'stripe:cs_1',
  refundedAmount,
  paidAmount,
});

describe('AdjustmentsService.refundPayment', () => {
  it('takes back credits in proportion to the money refunded so far, once per amount', async () => {
    const ledger = withPurchase(2000);
    const service = new AdjustmentsService(ledger.repo);
    expect(await service.refundPayment(refund(250))).toEqual({
      takenBack: 500,
      shortfall: 0,
      credits: 1500,
    });
    expect(await service.refundPayment(refund(250))).toEqual({
      takenBack: 0,
      shortfall: 0,
      credits: 1500,
    });
    expect(await service.refundPayment(refund(1000))).toEqual({
      takenBack: 1500,
      shortfall: 0,
      credits: 0,
    });
    expect(ledger.entries.filter((e) => e.type === 'ADJUSTMENT').map((e) => e.amount)).toEqual([
      -500, -1500,
    ]);
  });

  it('never goes below 0 and records the shortfall, even when nothing is left', async () => {
    const ledger = withPurchase(2000, 0);
    const service = new AdjustmentsService(ledger.repo);
    expect(await service.refundPayment(refund(1000))).toEqual({
      takenBack: 0,
      shortfall: 2000,
      credits: 0,
    });
    const [entry] = ledger.entries.filter((e) => e.type === 'ADJUSTMENT');
    expect(entry.amount === 0).toBe(true);
    expect(entry.description).toContain('shortfall 2000');
    expect(ledger.audits).toEqual([
      expect.objectContaining({
        action: 'billing.payment_refunded',
        details: expect.objectContaining({ shortfall: 2000 }),
      }),
    ]);
    // A replay finds the entry: nothing more is recorded.
    await service.refundPayment(refund(1000));
    expect(ledger.audits).toHaveLength(1);
  });

  it('refuses a refund of a payment it never credited', async () => {
    const service = new AdjustmentsService(fakeLedger({ u1: 5 }).repo);
    await expect(service.refundPayment(refund(1000))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('AdjustmentsService.adjust', () => {
  const ask = (amount: number, reference = 'r1') => ({
    userId: 'u1',
    amount,
    reason: 'goodwill',
    actorUserId: 'admin1',
    reference,
  });

  it('grants, takes back never below 0 with the shortfall, and replays by reference', async () => {
    const ledger = fakeLedger({ u1: 100 });
    const service = new AdjustmentsService(ledger.repo);
    expect(await service.adjust(ask(50, 'a'))).toMatchObject({ credits: 150, shortfall: 0 });
    expect(await service.adjust(ask(-200, 'b'))).toMatchObject({
      credits: 0,
      shortfall: 50,
      transaction: { amount: -150 },
    });
    expect(await service.adjust(ask(50, 'a'))).toMatchObject({
      credits: 0,
      transaction: { amount: 50 },
    });
    expect(ledger.entries.map((e) => [e.amount, e.actorUserId])).toEqual([
      [50, 'admin1'],
      [-150, 'admin1'],
    ]);
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const service = new AdjustmentsService(fakeLedger({}).repo);
    await expect(service.adjust(ask(5))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
