import { Injectable } from '@nestjs/common';
import {
  PrismaService,
  type Prisma,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from '@app/database';

export interface NewWebhookEndpoint {
  userId: string;
  url: string;
  events: string[];
  description: string | null;
  secret: string;
}

/**
 * A user's webhook endpoints and their deliveries. Every method names the owner: another
 * user's endpoint is never found (and row level security hides it as well).
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  countOf(userId: string): Promise<number> {
    return this.prisma.webhookEndpoint.count({ where: { userId } });
  }

  create(data: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.create({ data });
  }

  listOf(userId: string): Promise<WebhookEndpoint[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  findOwned(userId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { id, userId } });
  }

  /** Changes an endpoint of the user; null when there is none with this id. */
  async updateOwned(
    userId: string,
    id: string,
    data: Prisma.WebhookEndpointUpdateManyMutationInput,
  ): Promise<WebhookEndpoint | null> {
    const { count } = await this.prisma.webhookEndpoint.updateMany({ where: { id, userId }, data });
    return count ? this.findOwned(userId, id) : null;
  }

  async deleteOwned(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  async deliveriesPage(
    endpointId: string,
    status: WebhookDeliveryStatus | undefined,
    page: { skip: number; take: number },
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    const where = { endpointId, ...(status ? { status } : {}) };
    const [items, total] = await Promise.all([
      this.prisma.webhookDelivery.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...page,
      }),
      this.prisma.webhookDelivery.count({ where }),
    ]);
    return { items, total };
  }

  /** Makes a delivery of the endpoint due now (again); false when there is none. */
  async scheduleNow(endpointId: string, deliveryId: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.webhookDelivery.updateMany({
      where: { id: deliveryId, endpointId },
      data: { status: 'PENDING', nextAttemptAt: now },
    });
    return count > 0;
  }
}
