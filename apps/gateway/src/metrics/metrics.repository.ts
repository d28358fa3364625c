import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Counts across every tenant: service-level work, named as such. */
  async jobsByStatus(): Promise<{ status: string; count: number }[]> {
    return this.prisma.asService('gateway-metrics', async () =>
      (await this.prisma.processingJob.groupBy({ by: ['status'], _count: { _all: true } })).map(
        (r) => ({ status: r.status, count: r._count._all }),
      ),
    );
  }

  poolUse() {
    return this.prisma.poolUse();
  }
}
