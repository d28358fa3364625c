import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey, type LicenseType } from '@app/database';
import type { KeyWithOwner } from '../auth/auth-cache';

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  expiresAt: Date | null;
  scopes: string[];
}

type KeyRow = ApiKey & {
  userEmail: string;
  userIsActive: boolean;
  userLicenseType: string;
  userLicenseExpiry: Date | null;
};

/**
 * api_keys for the gateway: row level security shows a user scope its own keys. The guard's
 * look-up, before the caller is known, goes through gateway_api_key (by the whole key's hash).
 */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with what the guard needs of its owner, by the SHA-256 of the whole key. */
  async findByHash(keyHash: string): Promise<KeyWithOwner | null> {
    const [row] = await this.prisma.$queryRaw<KeyRow[]>`
      SELECT * FROM gateway_api_key(${keyHash}::text)`;
    if (!row) return null;
    const { userEmail, userIsActive, userLicenseType, userLicenseExpiry, ...key } = row;
    return {
      ...key,
      user: {
        id: key.userId,
        email: userEmail,
        isActive: userIsActive,
        licenseType: userLicenseType as LicenseType,
        licenseExpiry: userLicenseExpiry,
      },
    };
  }

  /** As the key's owner: the guard runs before the request's scope names the caller. */
  touchLastUsed(userId: string, id: string, at: Date): Promise<unknown> {
    return this.prisma.asUser(userId, () =>
      this.prisma.apiKey.updateMany({ where: { id }, data: { lastUsedAt: at } }),
    );
  }

  countLive(userId: string): Promise<number> {
    return this.prisma.apiKey.count({ where: { userId, revokedAt: null } });
  }

  create(data: NewApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data });
  }

  listOf(userId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Revokes a live key of the user; false when there is none with this id. */
  async revoke(userId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: at },
    });
    return count > 0;
  }
}
