import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { requestContext } from '@app/observability';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { BalanceReply, TransactionReply, TransactionsPageReply } from '@app/contracts';
import { Authenticated } from '../auth/authenticated.decorator';
import { CurrentUser, type AuthUser } from '../auth/current-user.decorator';
import { ErrorResponseDto } from '../common/dto/error-response.dto';
import { BillingClient } from './billing.client';
import { SelfPurchaseGuard } from './self-purchase.guard';
import {
  BalanceDto,
  PurchaseDto,
  TransactionDto,
  TransactionPageDto,
  TransactionsQueryDto,
} from './dto/billing.dto';

@ApiTags('billing')
// Every billing route, balance and transactions included, needs the 'billing' scope of a key.
@Authenticated('billing')
@ApiResponse({
  status: 503,
  type: ErrorResponseDto,
  description: 'billing is unavailable; nothing was charged',
})
@Controller('billing')
export class BillingController {
  constructor(private readonly billing: BillingClient) {}

  @Get('balance')
  @ApiOperation({ operationId: 'getBalance', summary: 'Credits and licence of the caller' })
  @ApiOkResponse({ type: BalanceDto })
  balance(@CurrentUser() user: AuthUser): Promise<BalanceReply> {
    return this.billing.request<BalanceReply>('balance', { userId: user.id });
  }

  @Post('purchase')
  @UseGuards(SelfPurchaseGuard)
  @ApiOperation({
    operationId: 'purchaseCredits',
    summary: 'Development only: add credits without paying; idempotent by paymentReference',
    description:
      'Exists only with PAYMENTS_PROVIDER=dev and NODE_ENV development or test, for local demos; ' +
      'in production it answers 404 and credits are bought through POST /billing/checkout.',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'not a development deployment' })
  @ApiCreatedResponse({ type: TransactionDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'invalid input; details name each field and why',
  })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'paymentReference already used for another purchase',
  })
  purchase(@CurrentUser() user: AuthUser, @Body() dto: PurchaseDto): Promise<TransactionReply> {
    return this.billing.request<TransactionReply>('purchase', {
      userId: user.id,
      credits: dto.credits,
      paymentReference: dto.paymentReference,
      ip: requestContext.current()?.ip,
    });
  }

  @Get('transactions')
  @ApiOperation({
    operationId: 'listTransactions',
    summary: "The caller's credit transactions, newest first",
  })
  @ApiOkResponse({ type: TransactionPageDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'a bad page, limit or filter' })
  transactions(
    @CurrentUser() user: AuthUser,
    @Query() q: TransactionsQueryDto,
  ): Promise<TransactionsPageReply> {
    return this.billing.request<TransactionsPageReply>('transactions', {
      userId: user.id,
      page: q.page,
      limit: q.limit,
      ...(q.type ? { type: q.type } : {}),
    });
  }
}
