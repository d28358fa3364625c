import { Injectable } from '@nestjs/common';
import { PrismaService, type LicenseType, type UserRole } from '@app/database';

export interface AdminUserRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  role: UserRole;
  isActive: boolean;
  credits: number;
  licenseType: LicenseType;
  licenseExpiry: Date | null;
  createdAt: Date;
}

export interface UserFilter {
  email?: string;
  licenseType?: LicenseType;
  skip: number;
  take: number;
}

type Row = Omit<AdminUserRow, 'role' | 'licenseType'> & { role: string; licenseType: string };

const toRow = (r: Row): AdminUserRow => ({
  ...r,
  role: r.role as UserRole,
  licenseType: r.licenseType as LicenseType,
});

/**
 * Users as operators see them. Row level security shows the gateway its caller's row only, so
 * every read or change of another user goes through a SECURITY DEFINER function that answers
 * only when the caller (app.current_user_id) is an active ADMIN: admin_users, admin_users_count,
 * admin_user, admin_user_counts, admin_set_user_active (never a password hash).
 */
@Injectable()
export class AdminUsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The caller's own role (the request's scope is the caller). */
  async roleOf(callerId: string): Promise<UserRole | null> {
    const user = await this.prisma.user.findUnique({
      where: { id: callerId },
      select: { role: true },
    });
    return user?.role ?? null;
  }

  async list(filter: UserFilter): Promise<{ rows: AdminUserRow[]; total: number }> {
    const email = filter.email ?? null;
    const licence = filter.licenseType ?? null;
    const [rows, [count]] = await this.prisma.$transaction([
      this.prisma.$queryRaw<Row[]>`
        SELECT * FROM admin_users(${email}::text, ${licence}::text, ${filter.skip}::int, ${filter.take}::int)`,
      this.prisma.$queryRaw<{ total: bigint }[]>`
        SELECT admin_users_count(${email}::text, ${licence}::text) AS "total"`,
    ]);
    return { rows: rows.map(toRow), total: Number(count?.total ?? 0) };
  }

  /** Whether the user exists (as an operator sees it). */
  async exists(userId: string): Promise<boolean> {
    return (await this.user(userId)) !== null;
  }

  /** The user and counts of what they own. */
  async find(userId: string) {
    const user = await this.user(userId);
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
    const [row] = await this.prisma.$queryRaw<{ changed: boolean }[]>`
      SELECT admin_set_user_active(${userId}::text, ${isActive}::boolean) AS "changed"`;
    return row?.changed === true;
  }

  private async user(userId: string): Promise<AdminUserRow | null> {
    const [row] = await this.prisma.$queryRaw<Row[]>`SELECT * FROM admin_user(${userId}::text)`;
    return row ? toRow(row) : null;
  }
}
