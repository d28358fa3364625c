import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Prisma, WebhookEndpoint } from '@app/database';
import {
  newWebhookSecret,
  PREVIOUS_SECRET_VALIDITY_MS,
  resolveWebhookUrl,
  UnsafeWebhookUrlError,
  type UrlPolicyOptions,
} from '@app/webhooks';
import { skipTake, type Page } from '../common/dto/pagination-query.dto';
import type { CreateWebhookDto, DeliveriesQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksRepository } from './webhooks.repository';
import type { WebhookDelivery } from '@app/database';

/** Endpoints one user may have. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

@Injectable()
export class WebhooksService {
  private readonly policy: UrlPolicyOptions;

  constructor(
    private readonly repo: WebhooksRepository,
    config: ConfigService,
  ) {
    this.policy = { allowPrivate: config.get<boolean>('WEBHOOK_ALLOW_PRIVATE') === true };
  }

  async create(userId: string, dto: CreateWebhookDto): Promise<WebhookEndpoint> {
    const url = await this.checkUrl(dto.url);
    if ((await this.repo.countOf(userId)) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new ConflictException(`at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints per user`);
    }
    return this.repo.create({
      userId,
      url,
      events: [...new Set(dto.events)],
      description: dto.description || null,
      secret: newWebhookSecret(),
    });
  }

  list(userId: string): Promise<WebhookEndpoint[]> {
    return this.repo.listOf(userId);
  }

  async get(userId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repo.findOwned(userId, id);
    if (!endpoint) throw new NotFoundException('webhook not found');
    return endpoint;
  }

  async update(userId: string, id: string, dto: UpdateWebhookDto): Promise<WebhookEndpoint> {
    await this.get(userId, id);
    const data: Prisma.WebhookEndpointUpdateManyMutationInput = {};
    if (dto.url !== undefined) data.url = await this.checkUrl(dto.url);
    if (dto.events !== undefined) data.events = [...new Set(dto.events)];
    if (dto.description !== undefined) data.description = dto.description || null;
    if (dto.enabled !== undefined) {
      data.enabled = dto.enabled;
      // Switched on again: its failure record starts over.
      if (dto.enabled) Object.assign(data, { failingSince: null, disabledReason: null });
    }
    const updated = await this.repo.updateOwned(userId, id, data);
    if (!updated) throw new NotFoundException('webhook not found');
    return updated;
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!(await this.repo.deleteOwned(userId, id))) {
      throw new NotFoundException('webhook not found');
    }
  }

  /** A new secret; the current one becomes the previous one and signs too for 24 h. */
  async rotateSecret(
    userId: string,
    id: string,
    now = new Date(),
  ): Promise<{ secret: string; previousSecretExpiresAt: Date }> {
    const endpoint = await this.get(userId, id);
    const secret = newWebhookSecret();
    const previousSecretExpiresAt = new Date(now.getTime() + PREVIOUS_SECRET_VALIDITY_MS);
    const updated = await this.repo.updateOwned(userId, id, {
      secret,
      previousSecret: endpoint.secret,
      previousSecretExpiresAt,
    });
    if (!updated) throw new NotFoundException('webhook not found');
    return { secret, previousSecretExpiresAt };
  }

  async deliveries(
    userId: string,
    id: string,
    q: DeliveriesQueryDto,
  ): Promise<Page<WebhookDelivery>> {
    await this.get(userId, id);
    const { items, total } = await this.repo.deliveriesPage(id, q.status, skipTake(q));
    return { items, total, page: q.page, limit: q.limit };
  }

  /** The delivery is attempted again as soon as the deliverer looks (within its poll interval). */
  async retryDelivery(userId: string, id: string, deliveryId: string): Promise<void> {
    await this.get(userId, id);
    if (!(await this.repo.scheduleNow(id, deliveryId, new Date()))) {
      throw new NotFoundException('delivery not found');
    }
  }

  private async checkUrl(raw: string): Promise<string> {
    try {
      return (await resolveWebhookUrl(raw, this.policy)).url.toString();
    } catch (e) {
      if (e instanceof UnsafeWebhookUrlError) {
        throw new BadRequestException({
          message: e.message,
          details: [{ field: 'url', problems: [e.message] }],
        });
      }
      throw e;
    }
  }
}
