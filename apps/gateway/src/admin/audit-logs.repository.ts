import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type AuditLog } from '@app/database';

export interface AuditLogFilter {
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  skip: number;
  take: number;
}

/** Reads of the append-only audit log, newest first. */
@Injectable()
export class AuditLogsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: AuditLogFilter): Promise<{ rows: AuditLog[]; total: number }> {
    const where: Prisma.AuditLogWhereInput = {
      ...(filter.actorId ? { actorUserId: filter.actorId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.from || filter.to
        ? {
            createdAt: {
              ...(filter.from ? { gte: filter.from } : {}),
              ...(filter.to ? { lte: filter.to } : {}),
            },
          }
        : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.auditLog.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: filter.skip,
        take: filter.take,
      }),
      this.prisma.auditLog.count({ where }),
    ]);
    return { rows, total };
  }
}
