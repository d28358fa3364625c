import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import {
  CreatedWebhookDto,
  CreateWebhookDto,
  DeliveriesQueryDto,
  RotatedSecretDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookDto,
} from './dto/webhook.dto';
import { MAX_WEBHOOK_ENDPOINTS, WebhooksService } from './webhooks.service';

const NOT_FOUND = { status: 404, type: ErrorResponseDto, description: 'no such webhook of yours' };

/** Webhook endpoints: job and output events POSTed to the user's URLs, signed (docs/webhooks.md). */
@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Authenticated('write')
  @ApiOperation({
    operationId: 'createWebhook',
    summary: 'Register an endpoint; the whsec_ signing secret is shown only in this answer',
  })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description:
      'invalid body, or a URL resolving to a loopback, private, link-local or metadata address',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: `already ${MAX_WEBHOOK_ENDPOINTS} endpoints`,
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateWebhookDto,
  ): Promise<CreatedWebhookDto> {
    return CreatedWebhookDto.withSecret(await this.webhooks.create(user.id, dto));
  }

  @Get()
  @Authenticated('read')
  @ApiOperation({
    operationId: 'listWebhooks',
    summary: "The caller's endpoints (without secrets)",
  })
  @ApiOkResponse({ type: [WebhookDto] })
  async list(@CurrentUser() user: AuthUser): Promise<WebhookDto[]> {
    return (await this.webhooks.list(user.id)).map(WebhookDto.from);
  }

  @Get(':id')
  @Authenticated('read')
  @ApiOperation({ operationId: 'getWebhook', summary: 'One endpoint (without its secret)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiResponse(NOT_FOUND)
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.get(user.id, id));
  }

  @Patch(':id')
  @Authenticated('write')
  @ApiOperation({
    operationId: 'updateWebhook',
    summary: 'Change the URL, events, description, or enable/disable',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'a field is invalid, or the URL is unsafe',
  })
  @ApiResponse(NOT_FOUND)
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.update(user.id, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated('write')
  @ApiOperation({
    operationId: 'deleteWebhook',
    summary: 'Delete an endpoint and its delivery history',
  })
  @ApiNoContentResponse()
  @ApiResponse(NOT_FOUND)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(user.id, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret; the previous one also signs deliveries for 24 hours',
  })
  @ApiOkResponse({ type: RotatedSecretDto })
  @ApiResponse(NOT_FOUND)
  rotateSecret(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<RotatedSecretDto> {
    return this.webhooks.rotateSecret(user.id, id);
  }

  @Get(':id/deliveries')
  @Authenticated('read')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: "The endpoint's deliveries, newest first",
  })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'an invalid status, page or limit',
  })
  @ApiResponse(NOT_FOUND)
  async deliveries(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query() q: DeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageDto> {
    const page = await this.webhooks.deliveries(user.id, id, q);
    return { ...page, items: page.items.map(WebhookDeliveryDto.from) };
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  @Authenticated('write')
  @ApiOperation({
    operationId: 'retryWebhookDelivery',
    summary: 'Attempt a delivery again now (same webhook-id)',
  })
  @ApiAcceptedResponse()
  @ApiResponse({ ...NOT_FOUND, description: 'no such webhook or delivery of yours' })
  async retry(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<void> {
    await this.webhooks.retryDelivery(user.id, id, deliveryId);
  }
}
