import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { ApiKey } from '@app/database';
import { AuditService } from '../audit/audit.service';
import { AuthCache } from '../auth/auth-cache';
import type { AuthUser } from '../auth/current-user.decorator';
import { API_KEY_SCOPES } from '../auth/scopes';
import { newApiKey } from './api-key-format';
import { ApiKeysRepository } from './api-keys.repository';
import type { CreateApiKeyDto } from './dto/api-key.dto';

/** Each user holds at most this many live keys. */
export const MAX_LIVE_KEYS = 50;

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly authCache: AuthCache,
  ) {}

  /** The row and the secret, which is shown this once and stored only as a hash. */
  async create(user: AuthUser, dto: CreateApiKeyDto): Promise<{ row: ApiKey; key: string }> {
    if ((await this.keys.countLive(user.id)) >= MAX_LIVE_KEYS)
      throw new ConflictException(`at most ${MAX_LIVE_KEYS} live keys; revoke one first`);
    const { key, prefix, hash } = newApiKey();
    const row = await this.keys.create({
      userId: user.id,
      name: dto.name,
      prefix,
      keyHash: hash,
      expiresAt: dto.expiresAt ?? null,
      // Each once, in the canonical order.
      scopes: API_KEY_SCOPES.filter((s) => dto.scopes.includes(s)),
    });
    await this.audit.record(user, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: row.id,
      details: {
        prefix,
        name: row.name,
        scopes: row.scopes,
        expiresAt: row.expiresAt?.toISOString() ?? null,
      },
    });
    return { row, key };
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.keys.listOf(userId);
  }

  async revoke(user: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.revoke(user.id, id, new Date())))
      throw new NotFoundException('API key not found');
    await this.authCache.revoked({ apiKeyId: id });
    await this.audit.record(user, {
      action: 'api_key.revoked',
      targetType: 'api_key',
      targetId: id,
    });
  }
}
