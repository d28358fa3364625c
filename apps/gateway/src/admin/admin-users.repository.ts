import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type LicenseType, type UserRole } from '@app/database';

const PUBLIC_FIELDS = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  role: true,
  isActive: true,
  credits: true,
  licenseType: true,
  licenseExpiry: true,
  createdAt: true,
} satisfies Prisma.UserSelect;

export type AdminUserRow = Prisma.UserGetPayload<{ select: typeof PUBLIC_FIELDS }>;

export interface UserFilter {
  email?: string;
  licenseType?: LicenseType;
  skip: number;
  take: number;
}

/**
 * Users as operators see them: every user (service-level reads; the counts come from tenant
 * tables, which row level security would otherwise limit to the operator's own rows).
 */
@Injectable()
export class AdminUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async roleOf(userId: string): Promise<UserRole | null> {
    const user = await this.prisma.user.findUnique({
      where: { id: userId },
      select: { role: true },
    });
    return user?.role ?? null;
  }

  async list(filter: UserFilter): Promise<{ rows: AdminUserRow[]; total: number }> {
    const where: Prisma.UserWhereInput = {
      ...(filter.email ? { email: { contains: filter.email, mode: 'insensitive' } } : {}),
      ...(filter.licenseType ? { licenseType: filter.licenseType } : {}),
    };
    const [rows, total] = await this.prisma.$transaction([
      this.prisma.user.findMany({
        where,
        select: PUBLIC_FIELDS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: filter.skip,
        take: filter.take,
      }),
      this.prisma.user.count({ where }),
    ]);
    return { rows, total };
  }

  /**
   * The user and counts of what they own. The counts cross tenants, so they come from the one
   * function that answers them, and only to an active ADMIN (the caller's app.current_user_id).
   */
  async find(userId: string) {
    const user = await this.prisma.user.findUnique({
      where: { id: userId },
      select: PUBLIC_FIELDS,
    });
    if (!user) return null;
    const [counts] = await this.prisma.$queryRaw<
      { projects: bigint; api_keys: bigint; transactions: bigint }[]
    >`SELECT "projects", "api_keys", "transactions" FROM admin_user_counts(${userId})`;
    return {
      ...user,
      _count: {
        projects: Number(counts?.projects ?? 0),
        apiKeys: Number(counts?.api_keys ?? 0),
        transactions: Number(counts?.transactions ?? 0),
      },
    };
  }

  /** Sets is_active; answers false when no such user. */
  async setActive(userId: string, isActive: boolean): Promise<boolean> {
    const { count } = await this.prisma.user.updateMany({
      where: { id: userId },
      data: { isActive },
    });
    return count === 1;
  }
}
