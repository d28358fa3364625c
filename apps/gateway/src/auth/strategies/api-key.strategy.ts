import { Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { hashApiKey, parseApiKey, sameHash } from '../../api-keys/api-key-format';
import { ApiKeysRepository } from '../../api-keys/api-keys.repository';
import { AuthCache } from '../auth-cache';
import { toAuthUser } from '../auth-user';
import type { AuthUser } from '../current-user.decorator';

export const API_KEY_STRATEGY = 'api-key';

/** last_used_at is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * `X-API-Key: vmp_<prefix>_<secret>` (a passport strategy). Without the header the strategy
 * passes (null: the JWT strategy is tried next); with a bad, revoked or expired key, or a
 * disabled owner, it answers 401 at once rather than falling through to a Bearer token. Keys are read through the
 * AuthCache (a few seconds; revocation drops them at once).
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly cache: AuthCache,
  ) {
    super();
  }

  async validate(req: Request): Promise<AuthUser | null> {
    const key = req.header('x-api-key');
    if (!key) return null;
    const parsed = parseApiKey(key);
    // Looked up by the whole key's hash (only its holder can ask), cached by its prefix.
    const found = parsed
      ? await this.cache.key(parsed.prefix, () => this.keys.findByHash(hashApiKey(key)))
      : null;
    const now = new Date();
    if (
      !found ||
      !sameHash(found.keyHash, hashApiKey(key)) ||
      found.revokedAt ||
      (found.expiresAt && found.expiresAt <= now) ||
      !found.user.isActive
    ) {
      throw new UnauthorizedException('invalid, revoked or expired API key');
    }
    if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // The cached entry too: the next calls within the resolution write nothing.
      found.lastUsedAt = now;
      await this.keys.touchLastUsed(found.userId, found.id, now);
    }
    return toAuthUser(found.user, { kind: 'apiKey', id: found.id, scopes: found.scopes });
  }
}
