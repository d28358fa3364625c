import { Body, Controller, Get, Post, Query } from '@nestjs/common';
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
  @ApiOperation({ summary: 'Credits and licence of the caller' })
  @ApiOkResponse({ type: BalanceDto })
  balance(@CurrentUser() user: AuthUser): Promise<BalanceReply> {
    return this.billing.request<BalanceReply>('balance', { userId: user.id });
  }

  @Post('purchase')
  @ApiOperation({
    summary:
      "Add credits (stands in for a payment provider's webhook); idempotent by paymentReference",
  })
  @ApiCreatedResponse({ type: TransactionDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto })
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
  @ApiOperation({ summary: "The caller's credit transactions, newest first" })
  @ApiOkResponse({ type: TransactionPageDto })
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
