import { Injectable } from '@nestjs/common';
import { PrismaService, writeAudit, type AuditEntry } from '@app/database';

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  insert(entry: AuditEntry): Promise<void> {
    return writeAudit(this.prisma, entry);
  }
}
