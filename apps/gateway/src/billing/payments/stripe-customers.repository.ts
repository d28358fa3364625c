import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

/** users.stripe_customer_id: the Stripe customer made at a user's first checkout. */
@Injectable()
export class StripeCustomersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async customerOf(userId: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({
      where: { id: userId },
      select: { stripeCustomerId: true },
    });
    return user?.stripeCustomerId ?? null;
  }

  async userOf(customerId: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({
      where: { stripeCustomerId: customerId },
      select: { id: true },
    });
    return user?.id ?? null;
  }

  async userExists(userId: string): Promise<boolean> {
    return !!(await this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }));
  }

  /** Remembers the customer for the user, unless the user already has one. */
  async remember(userId: string, customerId: string): Promise<void> {
    await this.prisma.user.updateMany({
      where: { id: userId, stripeCustomerId: null },
      data: { stripeCustomerId: customerId },
    });
  }
}
