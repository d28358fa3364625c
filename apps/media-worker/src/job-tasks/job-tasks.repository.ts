import { Injectable } from '@nestjs/common';
import type { TaskBand } from '@app/contracts';
import { readTaskBacklog } from '@app/jobs';
import type { TaskBacklog } from '@app/observability';
import { PrismaService, type Prisma } from '@app/database';
import type { PlannedTask, TaskPayload } from './task-plan';

export type TaskStatus = 'WAITING' | 'QUEUED' | 'DONE';

export interface StoredTask {
  jobId: string;
  seq: number;
  kind: PlannedTask['kind'];
  status: TaskStatus;
  userId: string;
  band: TaskBand;
  priority: number;
  payload: TaskPayload;
}

/**
 * The fleet's task book-keeping (job_tasks, docs/scaling.md). Only workers read or write it; a
 * task's status only moves forward: WAITING → QUEUED → DONE.
 */
@Injectable()
export class JobTasksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes a job's plan once: a redelivered job message inserts nothing new. */
  async insertPlan(
    job: { jobId: string; userId: string; band: TaskBand; priority: number },
    tasks: readonly PlannedTask[],
  ): Promise<void> {
    await this.prisma.jobTask.createMany({
      data: tasks.map((t) => ({
        jobId: job.jobId,
        seq: t.seq,
        kind: t.kind,
        userId: job.userId,
        band: job.band,
        priority: job.priority,
        payload: t.payload as unknown as Prisma.InputJsonValue,
        deps: t.deps,
      })),
      skipDuplicates: true,
    });
  }

  async hasPlan(jobId: string): Promise<boolean> {
    return (await this.prisma.jobTask.count({ where: { jobId }, take: 1 })) > 0;
  }

  async find(jobId: string, seq: number): Promise<StoredTask | null> {
    const task = await this.prisma.jobTask.findUnique({
      where: { jobId_seq: { jobId, seq } },
      select: {
        jobId: true,
        seq: true,
        kind: true,
        status: true,
        userId: true,
        band: true,
        priority: true,
        payload: true,
      },
    });
    return task as StoredTask | null;
  }

  /** Counts a delivery that started running the task. */
  async started(jobId: string, seq: number): Promise<void> {
    await this.prisma.jobTask.update({
      where: { jobId_seq: { jobId, seq } },
      data: { runs: { increment: 1 }, startedAt: new Date() },
    });
  }

  /** DONE, once: true for the call that recorded it, false when it already was. */
  async done(jobId: string, seq: number, workerId: string): Promise<boolean> {
    const { count } = await this.prisma.jobTask.updateMany({
      where: { jobId, seq, status: { not: 'DONE' } },
      data: { status: 'DONE', doneBy: workerId, doneAt: new Date() },
    });
    return count === 1;
  }

  /**
   * How far the job is, in one read: its tasks not yet DONE, and the share of its work done
   * (tasks weighted by their `weight`), 0…1.
   */
  async progress(jobId: string): Promise<{ remaining: number; doneShare: number }> {
    const [row] = await this.prisma.$queryRaw<
      { remaining: number; done: number | null; total: number | null }[]
    >`
      SELECT count(*) FILTER (WHERE status <> 'DONE')::int AS remaining,
             sum((payload->>'weight')::float8) FILTER (WHERE status = 'DONE') AS done,
             sum((payload->>'weight')::float8) AS total
        FROM job_tasks WHERE job_id = ${jobId}`;
    return {
      remaining: row?.remaining ?? 0,
      doneShare: row?.total ? (row.done ?? 0) / row.total : 0,
    };
  }

  /**
   * The dispatcher's step for one user, under a lock on that user (no two workers dispatch for
   * one user at once): the WAITING tasks whose dependencies are DONE, of the user's PROCESSING
   * jobs, highest priority and oldest job first, as many as keep the user's QUEUED tasks within
   * `cap`. `publish` sends each to the queue; they are QUEUED when it returns.
   */
  async dispatch(
    userId: string,
    cap: number,
    publish: (tasks: StoredTask[]) => Promise<void>,
  ): Promise<number> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('job_tasks:' || ${userId}))`;
        const [{ queued }] = await tx.$queryRaw<{ queued: number }[]>`
          SELECT count(*)::int AS queued FROM job_tasks t
            JOIN processing_jobs j ON j.id = t.job_id
           WHERE t.user_id = ${userId} AND t.status = 'QUEUED' AND j.status = 'PROCESSING'`;
        const room = cap - queued;
        if (room <= 0) return 0;
        const ready = await tx.$queryRaw<StoredTask[]>`
          SELECT t.job_id AS "jobId", t.seq, t.kind, t.status, t.user_id AS "userId",
                 t.band::text AS band, t.priority, t.payload
            FROM job_tasks t
            JOIN processing_jobs j ON j.id = t.job_id
           WHERE t.user_id = ${userId} AND t.status = 'WAITING' AND j.status = 'PROCESSING'
             AND NOT EXISTS (
               SELECT 1 FROM job_tasks d
                WHERE d.job_id = t.job_id AND d.seq = ANY (t.deps) AND d.status <> 'DONE')
           ORDER BY t.priority DESC, j.created_at, t.job_id, t.seq
           LIMIT ${room}`;
        if (!ready.length) return 0;
        await publish(ready);
        await tx.$executeRaw`
          UPDATE job_tasks t SET status = 'QUEUED', queued_at = now()
            FROM unnest(${ready.map((r) => r.jobId)}::text[], ${ready.map((r) => r.seq)}::int[])
                 AS q(job_id, seq)
           WHERE t.job_id = q.job_id AND t.seq = q.seq AND t.status = 'WAITING'`;
        return ready.length;
      },
      { timeout: 30_000 },
    );
  }

  /** Users with WAITING tasks of a PROCESSING job (the dispatcher's periodic sweep). */
  async usersWaiting(): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ userId: string }[]>`
      SELECT DISTINCT t.user_id AS "userId" FROM job_tasks t
        JOIN processing_jobs j ON j.id = t.job_id
       WHERE t.status = 'WAITING' AND j.status = 'PROCESSING'`;
    return rows.map((r) => r.userId);
  }

  /** The fleet's backlog by band (shared with the gateway's metrics). */
  backlog(): Promise<TaskBacklog[]> {
    return readTaskBacklog(this.prisma);
  }
}
