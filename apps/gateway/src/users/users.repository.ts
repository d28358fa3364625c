import { Injectable } from '@nestjs/common';
import {
  PrismaService,
  type LicenseType,
  type PreparedRead,
  type User,
  type UserRole,
} from '@app/database';

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

/** A user's row as the gateway may read it: never the password hash. */
export type Account = Omit<User, 'password'>;

/** What a log-in checks, for the one user with the email. */
export interface LoginUser {
  id: string;
  password: string;
  isActive: boolean;
}

/** Every column of User but the password hash, as the model names them. */
const ACCOUNT_COLUMNS = `id, email, first_name AS "firstName", last_name AS "lastName",
  is_active AS "isActive", credits, license_type AS "licenseType",
  license_expiry AS "licenseExpiry", role, stripe_customer_id AS "stripeCustomerId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A prepared read (every /users/me and every JWT whose user is not cached). */
const ACCOUNT_BY_ID: PreparedRead = {
  name: 'users.account_by_id',
  text: `SELECT ${ACCOUNT_COLUMNS} FROM users WHERE id = $1`,
};

type AccountRow = Omit<Account, 'role' | 'licenseType'> & { role: string; licenseType: string };

/**
 * users for the gateway. Row level security shows a user scope its own row only, and the
 * gateway's role may read no password hash: log-in and registration, which come before any
 * user is known, go through the narrow functions gateway_login_user and gateway_register_user.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The user, read as that user: `id` must be proven (a verified token's subject, the
   * request's caller).
   */
  findById(id: string): Promise<Account | null> {
    return this.prisma.asUser(id, async () => {
      const [user] = await this.prisma.prepared<Account>(ACCOUNT_BY_ID, [id]);
      return user ?? null;
    });
  }

  async findForLogin(email: string): Promise<LoginUser | null> {
    const [user] = await this.prisma.$queryRaw<LoginUser[]>`
      SELECT "id", "password", "isActive" FROM gateway_login_user(${email}::text)`;
    return user ?? null;
  }

  /** The new user; null when the email is taken. */
  async create(data: NewUser): Promise<Account | null> {
    const [row] = await this.prisma.$queryRaw<AccountRow[]>`
      SELECT * FROM gateway_register_user(
        ${data.email}::text, ${data.password}::text, ${data.firstName}::text, ${data.lastName}::text)`;
    return row
      ? { ...row, role: row.role as UserRole, licenseType: row.licenseType as LicenseType }
      : null;
  }
}
