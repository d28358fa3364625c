import { Injectable } from '@nestjs/common';
import {
  BillingErrorCode,
  type BalanceReply,
  type PurchaseRequest,
  type ReserveForJobRequest,
  type SettleJobRequest,
  type SettleReply,
  type TransactionReply,
  type TransactionsPageReply,
  type TransactionsRequest,
} from '@app/contracts';
import { Prisma, PrismaService, writeAudit, type CreditTransaction } from '@app/database';
import { creditsMoved, requestContext } from '@app/observability';
import { LedgerError } from './ledger-errors';

type Tx = Prisma.TransactionClient;

const purchaseRef = (paymentReference: string) => `purchase:${paymentReference}`;
const reserveRef = (jobId: string) => `job:${jobId}:reserve`;
const refundRef = (jobId: string) => `job:${jobId}:refund`;

function isUniqueViolation(e: unknown): boolean {
  return e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

/**
 * The credit ledger. Every change of users.credits and its credit_transactions row happen in
 * one transaction; spending is a conditional UPDATE (credits >= n), so concurrent spends can
 * never take the balance below zero. Each entry has a natural key (`reference`, unique): a
 * replayed message finds its entry and changes nothing; two identical messages racing make one
 * entry (the loser's transaction rolls back on the unique key and returns the winner's).
 */
@Injectable()
export class LedgerService {
  constructor(private readonly prisma: PrismaService) {}

  async balance(userId: string): Promise<BalanceReply> {
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
    return {
      credits: user.credits,
      licenseType: user.licenseType,
      licenseExpiry: user.licenseExpiry?.toISOString() ?? null,
    };
  }

  async purchase(req: PurchaseRequest): Promise<TransactionReply> {
    const reference = purchaseRef(req.paymentReference);
    return this.once(
      reference,
      (existing) => {
        if (existing.amount !== req.credits || existing.userId !== req.userId) {
          throw new LedgerError(
            BillingErrorCode.CONFLICT,
            'this paymentReference was already used for another purchase',
          );
        }
      },
      async (tx) => {
        await this.addCredits(tx, req.userId, req.credits);
        const row = await tx.creditTransaction.create({
          data: {
            userId: req.userId,
            amount: req.credits,
            type: 'PURCHASE',
            description: `Purchase of ${req.credits} credits (${req.paymentReference})`,
            reference,
          },
        });
        await writeAudit(tx, {
          action: 'billing.purchase',
          actorUserId: req.userId,
          ip: req.ip,
          targetType: 'credit_transaction',
          targetId: row.id,
          requestId: requestContext.current()?.requestId,
          details: { credits: req.credits, paymentReference: req.paymentReference },
        });
        creditsMoved.inc({ kind: 'purchased' }, req.credits);
        return row;
      },
    );
  }

  async reserveForJob(req: ReserveForJobRequest): Promise<TransactionReply> {
    return this.once(
      reserveRef(req.jobId),
      (existing) => {
        if (existing.amount !== -req.credits) {
          throw new LedgerError(
            BillingErrorCode.CONFLICT,
            'this job already holds a different reservation',
          );
        }
      },
      async (tx) => {
        const spent = await tx.$executeRaw`
        UPDATE users SET credits = credits - ${req.credits}, updated_at = now()
         WHERE id = ${req.userId} AND credits >= ${req.credits}`;
        if (spent !== 1) {
          const user = await tx.user.findUnique({
            where: { id: req.userId },
            select: { credits: true },
          });
          if (!user) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
          throw new LedgerError(
            BillingErrorCode.INSUFFICIENT_CREDITS,
            `the job needs ${req.credits} credits; the balance is ${user.credits}`,
          );
        }
        const row = await tx.creditTransaction.create({
          data: {
            userId: req.userId,
            amount: -req.credits,
            type: 'USAGE',
            description: req.description ?? `Reservation for job ${req.jobId}`,
            reference: reserveRef(req.jobId),
            jobId: req.jobId,
          },
        });
        creditsMoved.inc({ kind: 'reserved' }, req.credits);
        return row;
      },
    );
  }

  /** Refunds the reservation minus what was used, once. No reservation: nothing to settle. */
  async settleJob(req: SettleJobRequest): Promise<SettleReply> {
    const reservation = await this.prisma.creditTransaction.findUnique({
      where: { reference: reserveRef(req.jobId) },
    });
    if (!reservation) return { charged: 0, refunded: 0 };
    if (reservation.userId !== req.userId)
      throw new LedgerError(BillingErrorCode.NOT_FOUND, 'no such reservation');
    const reserved = -reservation.amount;
    const charged = Math.min(reserved, req.creditsUsed);
    const refund = reserved - charged;
    if (refund === 0) return { charged, refunded: 0 };
    const row = await this.once(
      refundRef(req.jobId),
      () => undefined,
      async (tx) => {
        await this.addCredits(tx, req.userId, refund);
        const created = await tx.creditTransaction.create({
          data: {
            userId: req.userId,
            amount: refund,
            type: 'REFUND',
            description: `Refund of ${refund} unused credits of job ${req.jobId}`,
            reference: refundRef(req.jobId),
            jobId: req.jobId,
          },
        });
        await writeAudit(tx, {
          action: 'billing.refund',
          actorUserId: req.userId,
          targetType: 'processing_job',
          targetId: req.jobId,
          requestId: requestContext.current()?.requestId,
          details: { credits: refund, transactionId: created.id },
        });
        creditsMoved.inc({ kind: 'refunded' }, refund);
        return created;
      },
    );
    return { charged: reserved - row.amount, refunded: row.amount };
  }

  async transactions(req: TransactionsRequest): Promise<TransactionsPageReply> {
    const where: Prisma.CreditTransactionWhereInput = {
      userId: req.userId,
      ...(req.type ? { type: req.type } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.creditTransaction.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (req.page - 1) * req.limit,
        take: req.limit,
      }),
      this.prisma.creditTransaction.count({ where }),
    ]);
    return { items: rows.map(toReply), total, page: req.page, limit: req.limit };
  }

  private async addCredits(tx: Tx, userId: string, credits: number): Promise<void> {
    const added =
      await tx.$executeRaw`UPDATE users SET credits = credits + ${credits}, updated_at = now() WHERE id = ${userId}`;
    if (added !== 1) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
  }

  /**
   * Runs `write` once per reference: an existing entry is checked with `same` and returned; a
   * concurrent duplicate loses on the unique key, rolls back whole, and returns the winner's.
   */
  private async once(
    reference: string,
    same: (existing: CreditTransaction) => void,
    write: (tx: Tx) => Promise<CreditTransaction>,
  ): Promise<TransactionReply> {
    const found = await this.prisma.creditTransaction.findUnique({ where: { reference } });
    if (found) {
      same(found);
      return toReply(found);
    }
    try {
      return toReply(await this.prisma.$transaction((tx) => write(tx)));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      const winner = await this.prisma.creditTransaction.findUniqueOrThrow({
        where: { reference },
      });
      same(winner);
      return toReply(winner);
    }
  }
}

function toReply(t: CreditTransaction): TransactionReply {
  return {
    id: t.id,
    amount: t.amount,
    type: t.type,
    description: t.description,
    jobId: t.jobId,
    createdAt: t.createdAt.toISOString(),
  };
}
