import { Injectable } from '@nestjs/common';
import {
  BillingErrorCode,
  type AdjustCreditsReply,
  type AdjustCreditsRequest,
  type PaymentRefundReply,
  type PaymentRefundRequest,
} from '@app/contracts';
import type { CreditTransaction } from '@app/database';
import { creditsMoved, requestContext } from '@app/observability';
import { LedgerError } from '../ledger/ledger-errors';
import { AdjustmentsRepository, paymentRefundPrefix, purchaseRef } from './adjustments.repository';

const adjustmentRef = (reference: string) => `adjustment:${reference}`;

/** The cumulative credits a refund entry records (its reference ends in them). */
function cumulativeOf(entry: CreditTransaction, paymentReference: string): number {
  return Number(entry.reference!.slice(paymentRefundPrefix(paymentReference).length)) || 0;
}

/**
 * Credits that move outside jobs. A provider's refund takes back the purchase's credits in
 * proportion to the money refunded; an operator grants or takes back credits with a reason.
 * A take-back never drives the balance below 0: what it could not take is the shortfall,
 * written in the ledger entry's description and the audit log.
 */
@Injectable()
export class AdjustmentsService {
  constructor(private readonly repo: AdjustmentsRepository) {}

  async refundPayment(req: PaymentRefundRequest): Promise<PaymentRefundReply> {
    const purchase = await this.repo.byReference(purchaseRef(req.paymentReference));
    if (!purchase)
      throw new LedgerError(BillingErrorCode.NOT_FOUND, 'no purchase with this paymentReference');
    const refunded = Math.min(req.refundedAmount, req.paidAmount);
    const target = Math.floor((purchase.amount * refunded) / req.paidAmount);
    const done = Math.max(
      0,
      ...(await this.repo.refundsOf(req.paymentReference)).map((e) =>
        cumulativeOf(e, req.paymentReference),
      ),
    );
    const wanted = target - done;
    const unchanged = async () => ({
      takenBack: 0,
      shortfall: 0,
      credits: (await this.repo.credits(purchase.userId)) ?? 0,
    });
    if (wanted <= 0) return unchanged();
    const result = await this.repo.once(async (tx) => {
      const moved = await this.repo.takeBack(tx, purchase.userId, wanted);
      if (!moved) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
      const shortfall = wanted - moved.taken;
      const row = await this.repo.entry(tx, {
        userId: purchase.userId,
        amount: -moved.taken,
        type: 'ADJUSTMENT',
        description:
          `Payment ${req.paymentReference} refunded: ${moved.taken} of ${wanted} credits taken back` +
          (shortfall ? ` (shortfall ${shortfall}: the balance was lower)` : ''),
        reference: `${paymentRefundPrefix(req.paymentReference)}${target}`,
      });
      await this.repo.audit(tx, {
        action: 'billing.payment_refunded',
        actorUserId: null,
        targetType: 'user',
        targetId: purchase.userId,
        requestId: requestContext.current()?.requestId,
        details: {
          paymentReference: req.paymentReference,
          refundedAmount: req.refundedAmount,
          paidAmount: req.paidAmount,
          wanted,
          takenBack: moved.taken,
          shortfall,
          transactionId: row.id,
        },
      });
      return { takenBack: moved.taken, shortfall, credits: moved.credits };
    });
    if (result) creditsMoved.inc({ kind: 'taken_back' }, result.takenBack);
    return result ?? unchanged();
  }

  async adjust(req: AdjustCreditsRequest): Promise<AdjustCreditsReply> {
    const reference = adjustmentRef(req.reference);
    const replay = async (): Promise<AdjustCreditsReply> => {
      const existing = await this.repo.byReference(reference);
      if (!existing || existing.userId !== req.userId)
        throw new LedgerError(
          BillingErrorCode.CONFLICT,
          'this reference was used for another user',
        );
      return {
        transaction: toReply(existing),
        shortfall: 0,
        credits: (await this.repo.credits(req.userId)) ?? 0,
      };
    };
    if (await this.repo.byReference(reference)) return replay();
    const result = await this.repo.once(async (tx) => {
      let moved: number;
      let credits: number | null;
      if (req.amount > 0) {
        credits = await this.repo.add(tx, req.userId, req.amount);
        moved = req.amount;
      } else {
        const taken = await this.repo.takeBack(tx, req.userId, -req.amount);
        credits = taken?.credits ?? null;
        moved = -(taken?.taken ?? 0);
      }
      if (credits === null) throw new LedgerError(BillingErrorCode.NOT_FOUND, 'user not found');
      const shortfall = req.amount < 0 ? -req.amount + moved : 0;
      const row = await this.repo.entry(tx, {
        userId: req.userId,
        amount: moved,
        type: 'ADJUSTMENT',
        description:
          `${moved >= 0 ? 'Granted' : 'Taken back'} by an operator: ${req.reason}` +
          (shortfall ? ` (shortfall ${shortfall}: the balance was lower)` : ''),
        reference,
        actorUserId: req.actorUserId ?? null,
      });
      await this.repo.audit(tx, {
        action: 'billing.credits_adjusted',
        actorUserId: req.actorUserId ?? null,
        ip: req.ip,
        targetType: 'user',
        targetId: req.userId,
        requestId: requestContext.current()?.requestId,
        details: {
          asked: req.amount,
          moved,
          shortfall,
          reason: req.reason,
          transactionId: row.id,
        },
      });
      return { transaction: toReply(row), shortfall, credits };
    });
    return result ?? replay();
  }
}

function toReply(t: CreditTransaction): NonNullable<AdjustCreditsReply['transaction']> {
  return {
    id: t.id,
    amount: t.amount,
    type: t.type,
    description: t.description,
    createdAt: t.createdAt.toISOString(),
  };
}
