import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, type AuthUser } from '../../auth/current-user.decorator';
import { Authenticated } from '../../auth/authenticated.decorator';
import { Public } from '../../auth/public.decorator';
import { ErrorResponseDto } from '../../common/dto/error-response.dto';
import {
  CheckoutDto,
  CheckoutSessionDto,
  PaymentPackDto,
  WebhookAckDto,
} from '../dto/payments.dto';
import { CheckoutService, type CheckoutReply } from './checkout.service';
import { PaymentPacksService } from './payment-packs.service';
import { StripeWebhooksService } from './stripe-webhooks.service';

@ApiTags('billing')
@Controller('billing')
export class PaymentsController {
  constructor(
    private readonly packs: PaymentPacksService,
    private readonly checkouts: CheckoutService,
    private readonly webhooks: StripeWebhooksService,
  ) {}

  @Get('packs')
  @Authenticated('billing')
  @ApiOperation({
    operationId: 'listPacks',
    summary: 'The credit packs and licence plans on sale, with their prices',
  })
  @ApiOkResponse({ type: [PaymentPackDto] })
  list(): PaymentPackDto[] {
    return this.packs.all;
  }

  @Post('checkout')
  @Authenticated('billing')
  @ApiOperation({
    operationId: 'checkout',
    summary:
      'A Stripe Checkout Session for a credit pack (one payment) or a licence plan (a subscription)',
    description:
      "Send the buyer to `url`. When Stripe reports the payment (signed webhook), the pack's " +
      "credits are added once, or the plan's licence is set. Needs PAYMENTS_PROVIDER=stripe.",
  })
  @ApiCreatedResponse({ type: CheckoutSessionDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'unknown pack (the known ones are named)',
  })
  @ApiResponse({ status: 503, type: ErrorResponseDto, description: 'Stripe is unavailable' })
  checkout(@CurrentUser() user: AuthUser, @Body() dto: CheckoutDto): Promise<CheckoutReply> {
    return this.checkouts.checkout(user, dto.pack);
  }

  @Public()
  @Post('webhooks/stripe')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'receiveStripeWebhook',
    summary: "Stripe's events (no auth; the raw body's Stripe-Signature is verified)",
    description:
      'checkout.session.completed credits metadata.credits to client_reference_id once per ' +
      'session; charge.refunded takes the credits back (never below 0); ' +
      'customer.subscription.created/updated/deleted set the licence (deleted: FREE).',
  })
  @ApiOkResponse({ type: WebhookAckDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'bad or missing signature; nothing changed',
  })
  async stripeWebhook(
    @Req() req: Request,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<WebhookAckDto> {
    const event = this.webhooks.verify(req.body, signature);
    await this.webhooks.handle(event);
    return { received: true };
  }
}
