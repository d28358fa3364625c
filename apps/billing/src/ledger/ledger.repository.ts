import { Injectable } from '@nestjs/common';
import { ACTIVE_JOB_STATUSES, type TransactionType } from '@app/contracts';
import type { RecordedFile } from '../pricing/job-plan';
import {
  Prisma,
  PrismaService,
  writeAudit,
  type AuditEntry,
  type CreditTransaction,
  type JobSettlement,
  type JobStatus,
  type LicenseType,
} from '@app/database';
import { KeyedQueue } from './keyed-queue';

type Tx = Prisma.TransactionClient;

export type LedgerEntry = CreditTransaction;
export type Settlement = JobSettlement;

/** The user's row as billing sees it. */
export interface Account {
  id: string;
  credits: number;
  licenseType: LicenseType;
  licenseExpiry: Date | null;
}

/** A job as billing prices it: its owner, status, frozen plan and recorded outputs. */
export interface BilledJob {
  id: string;
  userId: string;
  status: JobStatus;
  settings: unknown;
  /** The outputs recorded in output_files: combination index and rendition. */
  recorded: RecordedFile[];
}

export interface NewEntry {
  userId: string;
  amount: number;
  type: TransactionType;
  description: string;
  reference: string;
  jobId?: string;
}

export type NewSettlement = Omit<Settlement, 'createdAt'>;

/** A reservation that no settlement closed, whose job is final or gone. */
export interface StrandedReservation {
  jobId: string;
  userId: string;
}

/**
 * One user's ledger inside one transaction that holds the user's row lock (SELECT ... FOR
 * UPDATE): every reservation and settlement of a user runs one at a time, so a check made here
 * (the balance, the jobs running, a settlement marker) still holds when the transaction commits.
 */
export interface UserLedger {
  /** The locked row; null when there is no such user. */
  readonly account: Account | null;
  entry(reference: string): Promise<LedgerEntry | null>;
  settlement(jobId: string): Promise<Settlement | null>;
  job(jobId: string): Promise<BilledJob | null>;
  /** The user's jobs that hold a reservation, are PENDING or PROCESSING and are unsettled. */
  runningReservedJobs(exceptJobId?: string): Promise<number>;
  /** Takes `credits` when the balance has them (a conditional update); false otherwise. */
  spend(credits: number): Promise<boolean>;
  credit(credits: number): Promise<void>;
  addEntry(entry: NewEntry): Promise<LedgerEntry>;
  addSettlement(settlement: NewSettlement): Promise<Settlement>;
  audit(entry: AuditEntry): Promise<void>;
}

/** Lock waits are short but may queue: give a transaction time to get a connection and run. */
const TX_OPTIONS = { maxWait: 15_000, timeout: 20_000 };

const reserveReference = (jobIdColumn: Prisma.Sql) =>
  Prisma.sql`'job:' || ${jobIdColumn} || ':reserve'`;

/** Every database effect of billing: the ledger, settlements, and what billing reads of jobs. */
@Injectable()
export class LedgerRepository {
  private readonly perUser = new KeyedQueue();

  constructor(private readonly prisma: PrismaService) {}

  account(userId: string): Promise<Account | null> {
    return this.prisma.user.findUnique({ where: { id: userId }, select: ACCOUNT });
  }

  runningReservedJobs(userId: string): Promise<number> {
    return countRunningReservedJobs(this.prisma, userId);
  }

  entry(reference: string): Promise<LedgerEntry | null> {
    return this.prisma.creditTransaction.findUnique({ where: { reference } });
  }

  settlement(jobId: string): Promise<Settlement | null> {
    return this.prisma.jobSettlement.findUnique({ where: { jobId } });
  }

  async transactions(
    userId: string,
    type: TransactionType | undefined,
    skip: number,
    take: number,
  ): Promise<{ rows: LedgerEntry[]; total: number }> {
    const where: Prisma.CreditTransactionWhereInput = { userId, ...(type ? { type } : {}) };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.creditTransaction.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip,
        take,
      }),
      this.prisma.creditTransaction.count({ where }),
    ]);
    return { rows, total };
  }

  /** Reservations without a settlement whose job FAILED, was CANCELLED, COMPLETED or is gone. */
  strandedReservations(limit: number): Promise<StrandedReservation[]> {
    return this.prisma.$queryRaw<StrandedReservation[]>`
      SELECT r.job_id AS "jobId", r.user_id AS "userId"
        FROM credit_transactions r
        LEFT JOIN processing_jobs j ON j.id = r.job_id
       WHERE r.job_id IS NOT NULL
         AND r.reference = ${reserveReference(Prisma.sql`r.job_id`)}
         AND NOT EXISTS (SELECT 1 FROM job_settlements s WHERE s.job_id = r.job_id)
         AND (j.id IS NULL OR j.status::text IN ('FAILED', 'CANCELLED', 'COMPLETED'))
       ORDER BY r.created_at
       LIMIT ${limit}`;
  }

  /**
   * Runs `work` in one transaction holding the user's row lock; see UserLedger. A user's
   * transactions queue in this process first (KeyedQueue), so they wait for the lock without
   * holding pooled connections.
   */
  forUser<T>(userId: string, work: (ledger: UserLedger) => Promise<T>): Promise<T> {
    return this.perUser.run(userId, () =>
      this.prisma.$transaction(async (tx) => {
        const [account] = await tx.$queryRaw<Account[]>`
          SELECT id, credits, license_type AS "licenseType", license_expiry AS "licenseExpiry"
            FROM users WHERE id = ${userId} FOR UPDATE`;
        return work(new PrismaUserLedger(tx, userId, account ?? null));
      }, TX_OPTIONS),
    );
  }
}

const ACCOUNT = { id: true, credits: true, licenseType: true, licenseExpiry: true } as const;

async function countRunningReservedJobs(
  db: Tx | PrismaService,
  userId: string,
  exceptJobId = '',
): Promise<number> {
  const [{ n }] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n
      FROM credit_transactions r
      JOIN processing_jobs j ON j.id = r.job_id
     WHERE r.user_id = ${userId}
       AND r.reference = ${reserveReference(Prisma.sql`r.job_id`)}
       AND j.id <> ${exceptJobId}
       AND j.status::text = ANY(${[...ACTIVE_JOB_STATUSES]})
       AND NOT EXISTS (SELECT 1 FROM job_settlements s WHERE s.job_id = j.id)`;
  return n;
}

class PrismaUserLedger implements UserLedger {
  constructor(
    private readonly tx: Tx,
    private readonly userId: string,
    readonly account: Account | null,
  ) {}

  entry(reference: string) {
    return this.tx.creditTransaction.findUnique({ where: { reference } });
  }

  settlement(jobId: string) {
    return this.tx.jobSettlement.findUnique({ where: { jobId } });
  }

  async job(jobId: string): Promise<BilledJob | null> {
    const job = await this.tx.processingJob.findUnique({
      where: { id: jobId },
      select: {
        id: true,
        status: true,
        settings: true,
        project: { select: { userId: true } },
        outputs: { select: { combinationIndex: true, rendition: true } },
      },
    });
    if (!job) return null;
    return {
      id: job.id,
      userId: job.project.userId,
      status: job.status,
      settings: job.settings,
      recorded: job.outputs.map((o) => ({
        combinationIndex: o.combinationIndex,
        rendition: o.rendition,
      })),
    };
  }

  runningReservedJobs(exceptJobId?: string) {
    return countRunningReservedJobs(this.tx, this.userId, exceptJobId);
  }

  async spend(credits: number): Promise<boolean> {
    const spent = await this.tx.$executeRaw`
      UPDATE users SET credits = credits - ${credits}, updated_at = now()
       WHERE id = ${this.userId} AND credits >= ${credits}`;
    return spent === 1;
  }

  async credit(credits: number): Promise<void> {
    await this.tx.$executeRaw`
      UPDATE users SET credits = credits + ${credits}, updated_at = now() WHERE id = ${this.userId}`;
  }

  addEntry(entry: NewEntry) {
    return this.tx.creditTransaction.create({ data: entry });
  }

  addSettlement(settlement: NewSettlement) {
    return this.tx.jobSettlement.create({ data: settlement });
  }

  audit(entry: AuditEntry) {
    return writeAudit(this.tx, entry);
  }
}
