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

/**
 * Reads of the append-only audit log, newest first. The gateway's role may only append to the
 * log (its entries name users): operators read it through admin_audit_logs and
 * admin_audit_logs_count, which answer only an active ADMIN (app.current_user_id).
 */
@Injectable()
export class AuditLogsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: AuditLogFilter): Promise<{ rows: AuditLog[]; total: number }> {
    const where = Prisma.sql`${filter.actorId ?? null}::text, ${filter.action ?? null}::text,
      ${filter.from ?? null}::timestamp, ${filter.to ?? null}::timestamp`;
    const [rows, [count]] = await this.prisma.$transaction([
      this.prisma.$queryRaw<AuditLog[]>`
        SELECT * FROM admin_audit_logs(${where}, ${filter.skip}::int, ${filter.take}::int)`,
      this.prisma.$queryRaw<{ total: bigint }[]>`
        SELECT admin_audit_logs_count(${where}) AS "total"`,
    ]);
    return { rows, total: Number(count?.total ?? 0) };
  }
}
