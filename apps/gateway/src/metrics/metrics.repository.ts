import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';
import { readTaskBacklog } from '@app/jobs';
import type { TaskBacklog } from '@app/observability';

@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Counts across every tenant, through the one narrow function the gateway's role may call for
   * it (its role never sees other tenants' rows, whatever it sets).
   */
  async jobsByStatus(): Promise<{ status: string; count: number }[]> {
    const rows = await this.prisma.$queryRaw<{ status: string; count: bigint }[]>`
      SELECT "status", "count" FROM gateway_jobs_by_status()`;
    return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
  }

  /** The fleet's unfinished tasks by band (counts only, docs/scaling.md). */
  taskBacklog(): Promise<TaskBacklog[]> {
    return readTaskBacklog(this.prisma);
  }

  poolUse() {
    return this.prisma.poolUse();
  }
}
