import { Injectable } from '@nestjs/common';
import {
  isUniqueViolation,
  Prisma,
  PrismaService,
  writeAudit,
  type AuditEntry,
  type CreditTransaction,
} from '@app/database';

type Tx = Prisma.TransactionClient;

export const purchaseRef = (paymentReference: string) => `purchase:${paymentReference}`;
/** A payment's refund entries carry the cumulative credits taken back so far: `…:<credits>`. */
export const paymentRefundPrefix = (paymentReference: string) =>
  `payment-refund:${paymentReference}:`;

/** Database effects of credit adjustments outside jobs: payment refunds, operators' grants. */
@Injectable()
export class AdjustmentsRepository {
  constructor(private readonly prisma: PrismaService) {}

  byReference(reference: string): Promise<CreditTransaction | null> {
    return this.prisma.creditTransaction.findUnique({ where: { reference } });
  }

  refundsOf(paymentReference: string): Promise<CreditTransaction[]> {
    return this.prisma.creditTransaction.findMany({
      where: { reference: { startsWith: paymentRefundPrefix(paymentReference) } },
    });
  }

  async credits(userId: string): Promise<number | null> {
    const user = await this.prisma.user.findUnique({
      where: { id: userId },
      select: { credits: true },
    });
    return user?.credits ?? null;
  }

  /**
   * Runs `write` in one transaction; a concurrent duplicate (unique reference) answers null
   * instead of throwing, so the caller can return the winner's outcome.
   */
  async once<T>(write: (tx: Tx) => Promise<T>): Promise<T | null> {
    try {
      return await this.prisma.$transaction((tx) => write(tx));
    } catch (e) {
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }

  /** Takes up to `wanted` credits (never below 0) under the row lock; answers what was taken. */
  async takeBack(
    tx: Tx,
    userId: string,
    wanted: number,
  ): Promise<{ taken: number; credits: number } | null> {
    const rows = await tx.$queryRaw<{ taken: number; credits: number }[]>`
      WITH old AS (SELECT id, credits FROM users WHERE id = ${userId} FOR UPDATE)
      UPDATE users u SET credits = u.credits - LEAST(old.credits, ${wanted}::int), updated_at = now()
        FROM old WHERE u.id = old.id
      RETURNING LEAST(old.credits, ${wanted}::int) AS taken, u.credits AS credits`;
    return rows[0] ?? null;
  }

  async add(tx: Tx, userId: string, credits: number): Promise<number | null> {
    const rows = await tx.$queryRaw<{ credits: number }[]>`
      UPDATE users SET credits = credits + ${credits}::int, updated_at = now()
       WHERE id = ${userId} RETURNING credits`;
    return rows[0]?.credits ?? null;
  }

  entry(tx: Tx, data: Prisma.CreditTransactionUncheckedCreateInput): Promise<CreditTransaction> {
    return tx.creditTransaction.create({ data });
  }

  audit(tx: Tx, entry: AuditEntry): Promise<void> {
    return writeAudit(tx, entry);
  }
}
