import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import type { WebhookDelivery, WebhookEndpoint } from '@app/database';
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@app/webhooks';
import { PaginationQueryDto } from '../../common/dto/pagination-query.dto';
import { NoControlCharacters } from '../../common/no-control-characters';

const EVENTS_MESSAGE = `events must contain at least one of ${WEBHOOK_EVENT_TYPES.join(', ')}`;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://example.com/hooks/video-mixer',
    description: `http or https, at most ${MAX_WEBHOOK_URL_LENGTH} characters; its host must not resolve to a loopback, private, link-local or metadata address`,
  })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['job.completed', 'job.failed'],
  })
  @IsArray({ message: EVENTS_MESSAGE })
  @ArrayMinSize(1, { message: EVENTS_MESSAGE })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 2)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events!: WebhookEventType[];

  @ApiPropertyOptional({ example: 'production notifier' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @MaxLength(500)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://example.com/hooks/v2' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['output.ready'] })
  @IsOptional()
  @IsArray({ message: EVENTS_MESSAGE })
  @ArrayMinSize(1, { message: EVENTS_MESSAGE })
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 2)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true, message: EVENTS_MESSAGE })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ example: 'production notifier' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @NoControlCharacters()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ example: true, description: 'false stops deliveries; true resumes them' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'https://example.com/hooks/video-mixer' }) url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events!: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'why the service disabled it (after 5 days of failed deliveries)',
  })
  disabledReason!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: Date,
    description: 'failing without a success since',
  })
  failingSince!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(e: WebhookEndpoint): WebhookDto {
    return {
      id: e.id,
      url: e.url,
      events: e.events,
      description: e.description,
      enabled: e.enabled,
      disabledReason: e.disabledReason,
      failingSince: e.failingSince,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    };
  }
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'the signing secret (Standard Webhooks), shown only now',
  })
  secret!: string;

  static withSecret(e: WebhookEndpoint): CreatedWebhookDto {
    return { ...WebhookDto.from(e), secret: e.secret };
  }
}

export class RotatedSecretDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }) secret!: string;
  @ApiProperty({ description: 'until when the previous secret also signs deliveries' })
  previousSecretExpiresAt!: Date;
}

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;

export class DeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of ${DELIVERY_STATUSES.join(', ')}` })
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class WebhookDeliveryDto {
  @ApiProperty({ description: 'the webhook-id header, the same on every attempt' }) id!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) event!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastStatusCode!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) nextAttemptAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) deliveredAt!: Date | null;

  static from(d: WebhookDelivery): WebhookDeliveryDto {
    return {
      id: d.id,
      event: d.eventType,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      nextAttemptAt: d.nextAttemptAt,
      createdAt: d.createdAt,
      deliveredAt: d.deliveredAt,
    };
  }
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
}
