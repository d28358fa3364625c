import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/database';

/**
 * users.stripe_customer_id: the Stripe customer made at a user's first checkout. The webhook's
 * user comes from Stripe's signed event, not from a caller: it is read and written as that user
 * (row level security shows a user scope its own row only); a customer's user is found through
 * gateway_user_by_stripe_customer.
 */
@Injectable()
export class StripeCustomersRepository {
  constructor(private readonly prisma: PrismaService) {}

  async customerOf(userId: string): Promise<string | null> {
    const user = await this.prisma.asUser(userId, () =>
      this.prisma.user.findUnique({ where: { id: userId }, select: { stripeCustomerId: true } }),
    );
    return user?.stripeCustomerId ?? null;
  }

  async userOf(customerId: string): Promise<string | null> {
    const [row] = await this.prisma.$queryRaw<{ id: string | null }[]>`
      SELECT gateway_user_by_stripe_customer(${customerId}::text) AS "id"`;
    return row?.id ?? null;
  }

  async userExists(userId: string): Promise<boolean> {
    const user = await this.prisma.asUser(userId, () =>
      this.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }),
    );
    return !!user;
  }

  /** Remembers the customer for the user, unless the user already has one. */
  async remember(userId: string, customerId: string): Promise<void> {
    await this.prisma.asUser(userId, () =>
      this.prisma.user.updateMany({
        where: { id: userId, stripeCustomerId: null },
        data: { stripeCustomerId: customerId },
      }),
    );
  }
}
