import { Injectable } from '@nestjs/common';
import type { AuditEntry } from '@app/database';
import { requestContext } from '@app/observability';
import type { AuthUser } from '../auth/current-user.decorator';
import { AuditRepository } from './audit.repository';

/** Records a sensitive operation with the caller, its address and the request id. */
@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(
    actor: Pick<AuthUser, 'id' | 'apiKeyId'> | { id: string | null; apiKeyId?: string } | null,
    entry: Omit<AuditEntry, 'actorUserId' | 'actorApiKeyId' | 'ip' | 'requestId'>,
  ): Promise<void> {
    const context = requestContext.current();
    return this.audit.insert({
      ...entry,
      actorUserId: actor?.id ?? null,
      actorApiKeyId: actor?.apiKeyId ?? null,
      ip: context?.ip ?? null,
      requestId: context?.requestId ?? null,
    });
  }
}
