import { Injectable } from '@nestjs/common';
import { PrismaService, type PreparedRead, type User } from '@app/database';

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

/** Every column of User, as the model names them. */
const USER_COLUMNS = `id, email, password, first_name AS "firstName", last_name AS "lastName",
  is_active AS "isActive", credits, license_type AS "licenseType",
  license_expiry AS "licenseExpiry", role, stripe_customer_id AS "stripeCustomerId",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A prepared read (every /users/me and every JWT whose user is not cached). */
const USER_BY_ID: PreparedRead = {
  name: 'users.by_id',
  text: `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
};

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async findById(id: string): Promise<User | null> {
    const [user] = await this.prisma.prepared<User>(USER_BY_ID, [id]);
    return user ?? null;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** Throws a unique violation when the email is taken. */
  create(data: NewUser): Promise<User> {
    return this.prisma.user.create({ data });
  }
}
