import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PrismaService, type WebhookDelivery, type WebhookEndpoint } from '@app/database';
import type { WebhookEventMessage } from '@app/webhooks';

export type DeliveryWithEndpoint = WebhookDelivery & { endpoint: WebhookEndpoint };

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** The deliverer's reads and writes (service scope: every user's endpoints). */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One PENDING delivery, due now, per enabled endpoint of the user subscribed to the event;
   * an event already fanned out to an endpoint (same key) is not added again. Returns how many
   * were added.
   */
  async fanOut(event: WebhookEventMessage, now: Date): Promise<number> {
    const endpoints = await this.prisma.webhookEndpoint.findMany({
      where: { userId: event.userId, enabled: true, events: { has: event.payload.type } },
      select: { id: true },
    });
    if (!endpoints.length) return 0;
    const payload = JSON.stringify(event.payload);
    const { count } = await this.prisma.webhookDelivery.createMany({
      data: endpoints.map((e) => ({
        id: `msg_${randomUUID().replace(/-/g, '')}`,
        endpointId: e.id,
        eventKey: event.key,
        eventType: event.payload.type,
        payload,
        nextAttemptAt: now,
      })),
      skipDuplicates: true,
    });
    return count;
  }

  /**
   * Claims up to `limit` due deliveries: each one's next attempt is moved to `leaseUntil`, by a
   * conditional update, so another deliverer (or this one's next poll) does not take it too.
   */
  async claimDue(limit: number, now: Date, leaseUntil: Date): Promise<DeliveryWithEndpoint[]> {
    const due = await this.prisma.webhookDelivery.findMany({
      where: { status: 'PENDING', nextAttemptAt: { lte: now } },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
      select: { id: true, nextAttemptAt: true },
    });
    const claimed: string[] = [];
    for (const d of due) {
      const { count } = await this.prisma.webhookDelivery.updateMany({
        where: { id: d.id, status: 'PENDING', nextAttemptAt: d.nextAttemptAt },
        data: { nextAttemptAt: leaseUntil },
      });
      if (count) claimed.push(d.id);
    }
    if (!claimed.length) return [];
    return this.prisma.webhookDelivery.findMany({
      where: { id: { in: claimed } },
      include: { endpoint: true },
    });
  }

  /** A delivery whose endpoint was disabled meanwhile: it is not attempted. */
  skip(id: string, reason: string): Promise<unknown> {
    return this.prisma.webhookDelivery.update({
      where: { id },
      data: { status: 'FAILED', nextAttemptAt: null, lastError: reason },
    });
  }

  /** Records an attempt; `next`: when to try again, null for no more attempts. */
  async recordAttempt(
    delivery: DeliveryWithEndpoint,
    result: AttemptResult,
    now: Date,
    next: Date | null,
  ): Promise<void> {
    await this.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attempts: { increment: 1 },
        lastStatusCode: result.statusCode,
        lastError: result.error?.slice(0, 1000) ?? null,
        ...(result.ok
          ? { status: 'DELIVERED', deliveredAt: now, nextAttemptAt: null }
          : next
            ? { status: 'PENDING', nextAttemptAt: next }
            : { status: 'FAILED', nextAttemptAt: null }),
      },
    });
  }

  /** A success ends the endpoint's run of failures. */
  endpointSucceeded(endpointId: string): Promise<unknown> {
    return this.prisma.webhookEndpoint.updateMany({
      where: { id: endpointId, failingSince: { not: null } },
      data: { failingSince: null },
    });
  }

  /**
   * A failure starts (or continues) the endpoint's run of failures; one that began at or before
   * `disableBefore` disables the endpoint. True when it was disabled now.
   */
  async endpointFailed(endpointId: string, now: Date, disableBefore: Date): Promise<boolean> {
    await this.prisma.webhookEndpoint.updateMany({
      where: { id: endpointId, failingSince: null },
      data: { failingSince: now },
    });
    const { count } = await this.prisma.webhookEndpoint.updateMany({
      where: { id: endpointId, enabled: true, failingSince: { lte: disableBefore } },
      data: {
        enabled: false,
        disabledReason: 'deliveries kept failing: fix the endpoint, then enable it again',
      },
    });
    return count > 0;
  }
}
