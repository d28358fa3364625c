import { Injectable } from '@nestjs/common';
import { PrismaService, writeAudit, type AuditEntry } from '@app/database';
import { requestContext } from '@app/observability';
import type { AuthUser } from '../auth/current-user.decorator';

/** Records a sensitive operation with the caller, its address and the request id. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  record(
    actor: Pick<AuthUser, 'id' | 'apiKeyId'> | { id: string | null; apiKeyId?: string } | null,
    entry: Omit<AuditEntry, 'actorUserId' | 'actorApiKeyId' | 'ip' | 'requestId'>,
  ): Promise<void> {
    const context = requestContext.current();
    return writeAudit(this.prisma, {
      ...entry,
      actorUserId: actor?.id ?? null,
      actorApiKeyId: actor?.apiKeyId ?? null,
      ip: context?.ip ?? null,
      requestId: context?.requestId ?? null,
    });
  }
}
