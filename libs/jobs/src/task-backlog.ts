import type { PrismaService } from '@app/database';
import type { TaskBacklog } from '@app/observability';

/**
 * The fleet's unfinished tasks by band (docs/scaling.md), through the counts-only function
 * fleet_task_backlog(): the workers' and the gateway's metrics read the same numbers, and the
 * gateway's tenant-only role never sees a task row.
 */
export function readTaskBacklog(prisma: PrismaService): Promise<TaskBacklog[]> {
  return prisma.$queryRaw<TaskBacklog[]>`
    SELECT band, waiting::int AS waiting, queued::int AS queued,
           oldest_seconds AS "oldestSeconds", mean_task_seconds AS "meanTaskSeconds"
      FROM fleet_task_backlog()`;
}
