import { Injectable } from '@nestjs/common';
import { PrismaService, type User } from '@app/database';

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email } });
  }

  /** Throws a unique violation when the email is taken. */
  create(data: NewUser): Promise<User> {
    return this.prisma.user.create({ data });
  }
}
