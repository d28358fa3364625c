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
  FINAL_JOB_STATUSES,
} from '@app/contracts';
import { isUniqueViolation } from '@app/database';
import { creditsMoved, requestContext } from '@app/observability';
import { jobRefusal } from '../pricing/job-refusal';
import {
  planBestQuality,
  planFileCount,
  planPrice,
  readJobPlan,
  recordedPrice,
  UnreadableJobPlanError,
} from '../pricing/job-plan';
import { LedgerError } from './ledger-errors';
import {
  LedgerRepository,
  type LedgerEntry,
  type Settlement,
  type UserLedger,
} from './ledger.repository';

export const purchaseRef = (paymentReference: string) => `purchase:${paymentReference}`;
export const reserveRef = (jobId: string) => `job:${jobId}:reserve`;
export const refundRef = (jobId: string) => `job:${jobId}:refund`;

const FINAL: readonly string[] = FINAL_JOB_STATUSES;

/** Who asked for a settlement: a settle message, or the reconciler. */
export type SettledBy = 'settle' | 'reconciler';

/**
 * The credit ledger's rules. Billing is the authority on money: a reservation names a job, and
 * billing prices the job's frozen plan itself; a settlement charges the outputs recorded for
 * the job and refunds the rest. Every reservation and settlement of a user runs in one
 * transaction holding the user's lock (LedgerRepository.forUser), so the licence, the jobs
 * running and the balance are checked where they are spent. Every entry has a natural key
 * (`reference`, unique) and every job at most one settlement: replays change nothing.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly repo: LedgerRepository) {}

  async balance(userId: string): Promise<BalanceReply> {
    const user = await this.repo.account(userId);
    if (!user) throw notFound('user not found');
    return {
      credits: user.credits,
      licenseType: user.licenseType,
      licenseExpiry: user.licenseExpiry?.toISOString() ?? null,
    };
  }

  async purchase(req: PurchaseRequest): Promise<TransactionReply> {
    const reference = purchaseRef(req.paymentReference);
    const same = (existing: LedgerEntry) => {
      if (existing.amount !== req.credits || existing.userId !== req.userId) {
        throw new LedgerError(
          BillingErrorCode.CONFLICT,
          'this paymentReference was already used for another purchase',
        );
      }
      return toReply(existing);
    };
    try {
      return await this.repo.forUser(req.userId, async (ledger) => {
        requireAccount(ledger);
        const existing = await ledger.entry(reference);
        if (existing) return same(existing);
        await ledger.credit(req.credits);
        const row = await ledger.addEntry({
          userId: req.userId,
          amount: req.credits,
          type: 'PURCHASE',
          description: `Purchase of ${req.credits} credits (${req.paymentReference})`,
          reference,
        });
        await ledger.audit({
          action: 'billing.purchase',
          actorUserId: req.userId,
          ip: req.ip,
          targetType: 'credit_transaction',
          targetId: row.id,
          requestId: requestContext.current()?.requestId,
          details: { credits: req.credits, paymentReference: req.paymentReference },
        });
        creditsMoved.inc({ kind: 'purchased' }, req.credits);
        return toReply(row);
      });
    } catch (e) {
      // Another user's purchase with the same reference committed first (the key is global;
      // the reference is the transaction's only unique value).
      if (!isUniqueViolation(e)) throw e;
      const winner = await this.repo.entry(reference);
      if (!winner) throw e;
      return same(winner);
    }
  }

  /**
   * Prices the job's frozen plan and takes the credits, once per job. Refused: a job that is
   * not the user's, already final or already settled (a late reservation); a licence that does
   * not allow the plan; the licence's jobs at a time running; too few credits.
   */
  async reserveForJob(req: ReserveForJobRequest): Promise<TransactionReply> {
    return this.repo.forUser(req.userId, async (ledger) => {
      const account = requireAccount(ledger);
      const existing = await ledger.entry(reserveRef(req.jobId));
      if (existing) {
        if (existing.userId !== req.userId) throw notFound('job not found');
        return toReply(existing);
      }
      if (await ledger.settlement(req.jobId)) {
        throw new LedgerError(
          BillingErrorCode.CONFLICT,
          `job ${req.jobId} was already settled; it cannot be reserved any more`,
        );
      }
      const job = await ledger.job(req.jobId);
      if (!job || job.userId !== req.userId) throw notFound('job not found');
      if (FINAL.includes(job.status)) {
        throw new LedgerError(
          BillingErrorCode.CONFLICT,
          `job ${req.jobId} is already ${job.status}; it cannot be reserved any more`,
        );
      }
      const plan = readPlan(job.settings);
      const refusal = jobRefusal(account, planFileCount(plan), planBestQuality(plan), {
        running: await ledger.runningReservedJobs(req.jobId),
      });
      if (refusal) throw refusal;
      const credits = planPrice(plan);
      if (!(await ledger.spend(credits))) {
        throw new LedgerError(
          BillingErrorCode.INSUFFICIENT_CREDITS,
          `the job needs ${credits} credits; the balance is ${account.credits}`,
        );
      }
      const row = await ledger.addEntry({
        userId: req.userId,
        amount: -credits,
        type: 'USAGE',
        description: `Mixing job ${req.jobId}: ${planFileCount(plan)} outputs`,
        reference: reserveRef(req.jobId),
        jobId: req.jobId,
      });
      creditsMoved.inc({ kind: 'reserved' }, credits);
      return toReply(row);
    });
  }

  /**
   * Charges the outputs recorded for the job (their planned seconds, by combination index) and
   * refunds the rest of the reservation, exactly once. No reservation: a marker settlement that
   * refuses a late reservation. A job that is gone has no outputs: everything is refunded.
   */
  async settleJob(req: SettleJobRequest, by: SettledBy = 'settle'): Promise<SettleReply> {
    try {
      return await this.repo.forUser(req.userId, (ledger) => this.settleLocked(ledger, req, by));
    } catch (e) {
      // The same job settled for another user id at the same moment (its refund reference or
      // its settlement collided): answer with the one that won.
      if (!isUniqueViolation(e)) throw e;
      const winner = await this.repo.settlement(req.jobId);
      if (!winner || winner.userId !== req.userId) throw notFound('no such job');
      return settleReply(winner);
    }
  }

  async transactions(req: TransactionsRequest): Promise<TransactionsPageReply> {
    const { rows, total } = await this.repo.transactions(
      req.userId,
      req.type,
      (req.page - 1) * req.limit,
      req.limit,
    );
    return { items: rows.map(toReply), total, page: req.page, limit: req.limit };
  }

  private async settleLocked(
    ledger: UserLedger,
    req: SettleJobRequest,
    by: SettledBy,
  ): Promise<SettleReply> {
    requireAccount(ledger);
    const done = await ledger.settlement(req.jobId);
    if (done) {
      if (done.userId !== req.userId) throw notFound('no such job');
      return settleReply(done);
    }
    const reservation = await ledger.entry(reserveRef(req.jobId));
    const job = await ledger.job(req.jobId);
    if (reservation ? reservation.userId !== req.userId : job && job.userId !== req.userId) {
      throw notFound('no such job');
    }
    const reserved = reservation ? -reservation.amount : 0;
    let charged = 0;
    let outputs = 0;
    if (reservation && job) {
      charged = recordedPrice(readPlan(job.settings), job.recorded, reserved);
      outputs = new Set(job.recorded.map((o) => `${o.combinationIndex}:${o.rendition}`)).size;
    }
    const refunded = reserved - charged;
    if (refunded > 0) {
      await ledger.credit(refunded);
      const row = await ledger.addEntry({
        userId: req.userId,
        amount: refunded,
        type: 'REFUND',
        description: `Refund of ${refunded} unused credits of job ${req.jobId}`,
        reference: refundRef(req.jobId),
        jobId: req.jobId,
      });
      await ledger.audit({
        action: 'billing.refund',
        actorUserId: req.userId,
        targetType: 'processing_job',
        targetId: req.jobId,
        requestId: requestContext.current()?.requestId,
        details: { credits: refunded, transactionId: row.id, settledBy: by },
      });
      creditsMoved.inc({ kind: 'refunded' }, refunded);
    }
    const settlement = await ledger.addSettlement({
      jobId: req.jobId,
      userId: req.userId,
      reserved,
      charged,
      refunded,
      outputs,
      settledBy: by,
    });
    return settleReply(settlement);
  }
}

function requireAccount(ledger: UserLedger) {
  if (!ledger.account) throw notFound('user not found');
  return ledger.account;
}

function readPlan(settings: unknown) {
  try {
    return readJobPlan(settings);
  } catch (e) {
    if (e instanceof UnreadableJobPlanError)
      throw new LedgerError(BillingErrorCode.INVALID_REQUEST, e.message);
    throw e;
  }
}

const notFound = (message: string) => new LedgerError(BillingErrorCode.NOT_FOUND, message);

const settleReply = (s: Settlement): SettleReply => ({
  charged: s.charged,
  refunded: s.refunded,
  outputs: s.outputs,
});

function toReply(t: LedgerEntry): TransactionReply {
  return {
    id: t.id,
    amount: t.amount,
    type: t.type,
    description: t.description,
    jobId: t.jobId,
    createdAt: t.createdAt.toISOString(),
  };
}
