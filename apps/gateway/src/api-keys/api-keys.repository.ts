import { Injectable } from '@nestjs/common';
import { PrismaService, type ApiKey, type User } from '@app/database';

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  expiresAt: Date | null;
  scopes: string[];
}

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with its owner, by its visible prefix (the guard's lookup). */
  findByPrefix(prefix: string): Promise<(ApiKey & { user: User }) | null> {
    return this.prisma.apiKey.findUnique({ where: { prefix }, include: { user: true } });
  }

  touchLastUsed(id: string, at: Date): Promise<unknown> {
    return this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
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
