import { ACTIVE_JOB_STATUSES, type TransactionType } from '@app/contracts';
import type { JobStatus } from '@app/database';
import type {
  Account,
  BilledJob,
  LedgerEntry,
  LedgerRepository,
  NewEntry,
  NewSettlement,
  Settlement,
  StrandedReservation,
  UserLedger,
} from '../ledger.repository';

interface State {
  accounts: Map<string, Account>;
  entries: LedgerEntry[];
  settlements: Map<string, Settlement>;
  jobs: Map<string, BilledJob>;
}

const clone = (s: State): State => ({
  accounts: new Map([...s.accounts].map(([k, v]) => [k, { ...v }])),
  entries: s.entries.map((e) => ({ ...e })),
  settlements: new Map(s.settlements),
  jobs: new Map(
    [...s.jobs].map(([k, v]) => [k, { ...v, recorded: v.recorded.map((r) => ({ ...r })) }]),
  ),
});

/**
 * LedgerRepository in memory, for unit tests of the ledger's rules. `forUser` runs one
 * transaction at a time (the user lock, for every user) and rolls its writes back when the work
 * throws.
 */
export class FakeLedgerRepository implements Pick<LedgerRepository, keyof LedgerRepository> {
  state: State = { accounts: new Map(), entries: [], settlements: new Map(), jobs: new Map() };
  private lock: Promise<unknown> = Promise.resolve();
  private ids = 0;

  addUser(id: string, credits: number, licenseType: Account['licenseType'] = 'FREE'): void {
    this.state.accounts.set(id, { id, credits, licenseType, licenseExpiry: null });
  }

  addJob(
    id: string,
    userId: string,
    settings: unknown,
    status: JobStatus = 'PENDING',
    recordedIndexes: number[] = [],
  ): BilledJob {
    const recorded = recordedIndexes.map((combinationIndex) => ({
      combinationIndex,
      rendition: 0,
    }));
    const job = { id, userId, status, settings, recorded };
    this.state.jobs.set(id, job);
    return job;
  }

  balance(userId: string): number {
    return this.state.accounts.get(userId)!.credits;
  }

  async account(userId: string) {
    const a = this.state.accounts.get(userId);
    return a ? { ...a } : null;
  }

  async runningReservedJobs(userId: string) {
    return this.running(this.state, userId, '');
  }

  async entry(reference: string) {
    return this.state.entries.find((e) => e.reference === reference) ?? null;
  }

  async settlement(jobId: string) {
    return this.state.settlements.get(jobId) ?? null;
  }

  async transactions(
    userId: string,
    type: TransactionType | undefined,
    skip: number,
    take: number,
  ) {
    const rows = this.state.entries
      .filter((e) => e.userId === userId && (!type || e.type === type))
      .reverse();
    return { rows: rows.slice(skip, skip + take), total: rows.length };
  }

  async strandedReservations(limit: number): Promise<StrandedReservation[]> {
    return this.state.entries
      .filter((e) => e.jobId && e.reference === `job:${e.jobId}:reserve`)
      .filter((e) => !this.state.settlements.has(e.jobId!))
      .filter((e) => {
        const job = this.state.jobs.get(e.jobId!);
        return !job || ['FAILED', 'CANCELLED', 'COMPLETED'].includes(job.status);
      })
      .slice(0, limit)
      .map((e) => ({ jobId: e.jobId!, userId: e.userId }));
  }

  forUser<T>(userId: string, work: (ledger: UserLedger) => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      const before = clone(this.state);
      try {
        return await work(this.ledgerOf(userId));
      } catch (e) {
        this.state = before;
        throw e;
      }
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  private running(state: State, userId: string, exceptJobId: string): number {
    return state.entries.filter((e) => {
      const job = e.jobId ? state.jobs.get(e.jobId) : undefined;
      return (
        e.userId === userId &&
        job &&
        job.id !== exceptJobId &&
        e.reference === `job:${job.id}:reserve` &&
        ACTIVE_JOB_STATUSES.includes(job.status as JobStatus) &&
        !state.settlements.has(job.id)
      );
    }).length;
  }

  private ledgerOf(userId: string): UserLedger {
    const account = this.state.accounts.get(userId);
    const state = () => this.state;
    return {
      account: account ? { ...account } : null,
      entry: (reference) => this.entry(reference),
      settlement: (jobId) => this.settlement(jobId),
      job: async (jobId) => state().jobs.get(jobId) ?? null,
      runningReservedJobs: async (except) => this.running(state(), userId, except ?? ''),
      spend: async (credits) => {
        const a = state().accounts.get(userId)!;
        if (a.credits < credits) return false;
        a.credits -= credits;
        return true;
      },
      credit: async (credits) => {
        state().accounts.get(userId)!.credits += credits;
      },
      addEntry: async (entry: NewEntry) => {
        if (state().entries.some((e) => e.reference === entry.reference))
          throw new Error('duplicate key value violates unique constraint (23505)');
        const row: LedgerEntry = {
          id: `t${++this.ids}`,
          createdAt: new Date(),
          jobId: null,
          actorUserId: null,
          ...entry,
        };
        state().entries.push(row);
        return row;
      },
      addSettlement: async (s: NewSettlement) => {
        if (state().settlements.has(s.jobId))
          throw new Error('duplicate key value violates unique constraint "job_settlements_pkey"');
        const row = { ...s, createdAt: new Date() };
        state().settlements.set(s.jobId, row);
        return row;
      },
      audit: async () => undefined,
    };
  }
}
